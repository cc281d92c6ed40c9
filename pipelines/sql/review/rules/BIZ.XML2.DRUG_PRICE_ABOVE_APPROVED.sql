-- code: BIZ.XML2.DRUG_PRICE_ABOVE_APPROVED
-- severity: error
-- table: XML2
-- field: DON_GIA
-- message_vi: Đơn giá thuốc (DON_GIA) cao hơn đơn giá trúng thầu đã duyệt trong danh mục: quỹ chỉ thanh toán theo giá duyệt
-- message_en: The drug's unit price (DON_GIA) is above the approved tender price of the list: the fund pays the approved price only
-- grain: one row per offending line
-- source: QĐ 130/4750 Bảng 2 #18 (DON_GIA: the purchase price under the tender); Luật BHYT Điều 31 (payment at the tender price); data/catalogs/README.md (the facility's approved list, loaded with bhyt-etl catalog load)
-- enabled: true
-- note: amount = (DON_GIA − approved price) × SO_LUONG × TYLE_TT_BH × MUC_HUONG, at most the line's T_BHTT
-- amount: (DON_GIA − approved price) × SO_LUONG × TYLE_TT_BH/100 × MUC_HUONG/100, at most the line's T_BHTT: the fund pays the approved price only
SELECT
    macskcb,
    ma_lk,
    'XML2' AS loaihoso,
    'DON_GIA' AS field,
    concat('STT ', stt, ': DON_GIA=', don_gia, '; approved=', approved_price, '; SO_LUONG=', so_luong) AS value,
    least(greatest(coalesce(t_bhtt, 0), 0), (don_gia - approved_price) * so_luong * share) AS amount
FROM chk.main.catalog_drug_lines
WHERE entries > 0 AND don_gia > approved_price
