-- code: BIZ.XML3.TT_THAU_REQUIRED
-- severity: error
-- table: XML3
-- field: TT_THAU
-- message_vi: Dòng vật tư y tế trong danh mục (MA_NHOM 10) thiếu thông tin thầu (TT_THAU)
-- message_en: A medical-supply line (MA_NHOM 10) lacks the tender information (TT_THAU)
-- grain: one row per offending line
-- source: STANDARD.md §5.4 XML3 (TT_THAU required if MA_NHOM = 10, Check_Valid QĐ 4750) and §4.4
-- enabled: true
-- amount: the line's T_BHTT: the fund does not pay a line that fails this check (as the catalogue rules that refuse a line: BIZ.XML2.DRUG_NOT_IN_LIST, BIZ.XML3.MA_MAY_NOT_REGISTERED)
SELECT
    macskcb,
    ma_lk,
    'XML3' AS loaihoso,
    'TT_THAU' AS field,
    concat('STT ', stt, ': MA_NHOM=', coalesce(ma_nhom, '(empty)'), '; TT_THAU empty') AS value,
    greatest(coalesce(t_bhtt, 0), 0) AS amount
FROM chk.xml3
WHERE ma_nhom = '10' AND nullif(trim(tt_thau), '') IS NULL
