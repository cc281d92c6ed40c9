-- code: BIZ.XML3.SUPPLY_TENDER_MISMATCH
-- severity: error
-- table: XML3
-- field: TT_THAU
-- message_vi: Vật tư có trong danh mục nhưng thông tin thầu (TT_THAU) không khớp gói thầu đã duyệt
-- message_en: The supply is on the list, but its tender information (TT_THAU) matches no approved tender of it
-- grain: one row per offending line
-- source: QĐ 130/4750 Bảng 3 #15 (TT_THAU of the supply); public practice: tracnn/qlbv_public medical_supply_catalogs keyed by ma_vat_tu, tt_thau; data/catalogs/README.md (the facility's approved list, loaded with bhyt-etl catalog load)
-- enabled: true
-- amount: the line's T_BHTT: the fund does not pay a line that fails this check (as the catalogue rules that refuse a line: BIZ.XML2.DRUG_NOT_IN_LIST, BIZ.XML3.MA_MAY_NOT_REGISTERED)
SELECT
    macskcb,
    ma_lk,
    'XML3' AS loaihoso,
    'TT_THAU' AS field,
    concat('STT ', stt, ': MA_VAT_TU=', ma_vat_tu, ' TT_THAU=', coalesce(tt_thau, '(empty)'), ' matches no approved tender') AS value,
    greatest(coalesce(t_bhtt, 0), 0) AS amount
FROM chk.main.catalog_supply_lines
WHERE code_listed AND entries = 0
