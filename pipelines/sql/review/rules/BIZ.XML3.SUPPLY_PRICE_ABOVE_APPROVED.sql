-- code: BIZ.XML3.SUPPLY_PRICE_ABOVE_APPROVED
-- severity: error
-- table: XML3
-- field: DON_GIA_BH
-- message_vi: Đơn giá vật tư (DON_GIA_BH) cao hơn đơn giá trúng thầu đã duyệt: quỹ chỉ thanh toán theo giá duyệt
-- message_en: The supply's insured unit price (DON_GIA_BH) is above the approved tender price: the fund pays the approved price only
-- grain: one row per offending line
-- source: QĐ 130/4750 Bảng 3 #16; TT 04/2017/TT-BYT (payment of supplies at the purchase price); data/catalogs/README.md (the facility's approved list, loaded with bhyt-etl catalog load)
-- enabled: true
-- note: amount = (DON_GIA_BH − approved price) × SO_LUONG × TYLE_TT_DV × TYLE_TT_BH × MUC_HUONG, at most the line's T_BHTT
-- amount: (DON_GIA_BH − approved price) × SO_LUONG × the fund's share (TYLE_TT_DV × TYLE_TT_BH × MUC_HUONG), at most the line's T_BHTT
SELECT
    macskcb,
    ma_lk,
    'XML3' AS loaihoso,
    'DON_GIA_BH' AS field,
    concat('STT ', stt, ': MA_VAT_TU=', ma_vat_tu, ' DON_GIA_BH=', don_gia_bh, '; approved=', approved_price) AS value,
    least(greatest(coalesce(t_bhtt, 0), 0), (don_gia_bh - approved_price) * so_luong * share) AS amount
FROM chk.main.catalog_supply_lines
WHERE entries > 0 AND don_gia_bh > approved_price
