-- code: BIZ.XML3.SUPPLY_NOT_IN_LIST
-- severity: error
-- table: XML3
-- field: MA_VAT_TU
-- message_vi: Vật tư y tế (MA_VAT_TU) không có trong danh mục vật tư đã duyệt của cơ sở tại ngày chỉ định: quỹ BHYT không thanh toán dòng này
-- message_en: The supply (MA_VAT_TU) is not on the facility's approved supply list on the order day: the fund does not pay this line
-- grain: one row per offending line
-- source: QĐ 130/4750 Bảng 3 #4 (MA_VAT_TU per the approved list); public practice: tracnn/qlbv_public medical_supply_catalogs; data/catalogs/README.md (the facility's approved list, loaded with bhyt-etl catalog load)
-- enabled: true
-- amount: the line's T_BHTT: the fund does not pay a line that fails this check (as the catalogue rules that refuse a line: BIZ.XML2.DRUG_NOT_IN_LIST, BIZ.XML3.MA_MAY_NOT_REGISTERED)
SELECT
    macskcb,
    ma_lk,
    'XML3' AS loaihoso,
    'MA_VAT_TU' AS field,
    concat('STT ', stt, ': MA_VAT_TU=', ma_vat_tu, ' not on the approved list on ', strftime(day, '%d/%m/%Y')) AS value,
    greatest(coalesce(t_bhtt, 0), 0) AS amount
FROM chk.main.catalog_supply_lines
WHERE NOT code_listed
