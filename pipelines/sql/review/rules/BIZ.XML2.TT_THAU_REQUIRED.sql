-- code: BIZ.XML2.TT_THAU_REQUIRED
-- severity: error
-- table: XML2
-- field: TT_THAU
-- message_vi: Dòng thuốc thiếu thông tin thầu (TT_THAU); chỉ máu và chế phẩm máu (MA_NHOM 7, 17) được để trống
-- message_en: A drug line lacks the tender information (TT_THAU); only blood and blood products (MA_NHOM 7, 17) may leave it empty
-- grain: one row per offending line
-- source: STANDARD.md §5.4 XML2 (TT_THAU required except MA_NHOM 7, 17, Check_Valid QĐ 4750) and §4.4
-- enabled: true
-- amount: the line's T_BHTT: the fund does not pay a line that fails this check (as the catalogue rules that refuse a line: BIZ.XML2.DRUG_NOT_IN_LIST, BIZ.XML3.MA_MAY_NOT_REGISTERED)
SELECT
    macskcb,
    ma_lk,
    'XML2' AS loaihoso,
    'TT_THAU' AS field,
    concat('STT ', stt, ': MA_NHOM=', coalesce(ma_nhom, '(empty)'), '; TT_THAU empty') AS value,
    greatest(coalesce(t_bhtt, 0), 0) AS amount
FROM chk.xml2
WHERE coalesce(ma_nhom, '') NOT IN ('7', '17') AND nullif(trim(tt_thau), '') IS NULL
