-- code: BIZ.XML3.DON_GIA_BH_ABOVE_TARIFF
-- severity: error
-- table: XML3
-- field: DON_GIA_BH
-- message_vi: Đơn giá BHYT (DON_GIA_BH) cao hơn giá dịch vụ đã duyệt: quỹ chỉ thanh toán theo giá duyệt
-- message_en: The insured unit price (DON_GIA_BH) is above the approved service price: the fund pays the approved price only
-- grain: one row per offending line
-- source: QĐ 130/4750 Bảng 3 #16 (DON_GIA_BH: the price the fund pays); TT 22/2023/TT-BYT; data/catalogs/README.md (the facility's approved list, loaded with bhyt-etl catalog load)
-- enabled: true
-- note: amount = (DON_GIA_BH − approved price) × SO_LUONG × TYLE_TT_DV × TYLE_TT_BH × MUC_HUONG, at most the line's T_BHTT
-- amount: (DON_GIA_BH − tariff price) × SO_LUONG × the fund's share (TYLE_TT_DV × TYLE_TT_BH × MUC_HUONG), at most the line's T_BHTT
SELECT
    macskcb,
    ma_lk,
    'XML3' AS loaihoso,
    'DON_GIA_BH' AS field,
    concat('STT ', stt, ': DON_GIA_BH=', don_gia_bh, '; approved=', tariff_price, '; SO_LUONG=', so_luong) AS value,
    least(greatest(coalesce(t_bhtt, 0), 0), (don_gia_bh - tariff_price) * so_luong * share) AS amount
FROM chk.main.catalog_service_lines
WHERE entries > 0 AND don_gia_bh > tariff_price
