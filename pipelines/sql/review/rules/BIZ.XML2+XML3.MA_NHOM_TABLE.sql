-- code: BIZ.${table}.MA_NHOM_TABLE
-- severity: error
-- tables: XML2, XML3
-- field: MA_NHOM
-- message_vi: Mã nhóm chi phí (MA_NHOM) trống hoặc không dùng cho bảng ${table} (nhóm thuốc, máu thuộc XML2; dịch vụ, vật tư thuộc XML3)
-- message_en: The cost group (MA_NHOM) is empty or not one used in ${table} (drugs and blood belong in XML2, services and supplies in XML3)
-- grain: one row per offending line
-- source: STANDARD.md §4.4 (QĐ 5937 Phụ lục 3 as carried into QĐ 4750; ref.ma_nhom.table_name)
-- enabled: true
-- amount: the line's T_BHTT: the fund does not pay a line that fails this check (as the catalogue rules that refuse a line: BIZ.XML2.DRUG_NOT_IN_LIST, BIZ.XML3.MA_MAY_NOT_REGISTERED)
SELECT
    macskcb,
    ma_lk,
    '${table}' AS loaihoso,
    'MA_NHOM' AS field,
    concat('STT ', stt, ': MA_NHOM=', coalesce(ma_nhom, '(empty)')) AS value,
    greatest(coalesce(t_bhtt, 0), 0) AS amount
FROM chk.${t}
WHERE ma_nhom IS NULL OR ma_nhom NOT IN (SELECT ma_nhom FROM ref.ma_nhom WHERE table_name = '${table}')
