-- code: BIZ.XML3.MA_XANG_DAU_REQUIRED
-- severity: error
-- table: XML3
-- field: MA_XANG_DAU
-- message_vi: Dòng vận chuyển người bệnh (MA_NHOM 12) thiếu mã loại xăng dầu (MA_XANG_DAU)
-- message_en: A patient-transport line (MA_NHOM 12) lacks the fuel code (MA_XANG_DAU)
-- grain: one row per offending line
-- source: STANDARD.md §5.4 XML3 (MA_XANG_DAU required if MA_NHOM = 12, Check_Valid QĐ 4750) and §4.4
-- enabled: true
-- amount: the line's T_BHTT: the fund does not pay a line that fails this check (as the catalogue rules that refuse a line: BIZ.XML2.DRUG_NOT_IN_LIST, BIZ.XML3.MA_MAY_NOT_REGISTERED)
SELECT
    macskcb,
    ma_lk,
    'XML3' AS loaihoso,
    'MA_XANG_DAU' AS field,
    concat('STT ', stt, ': MA_NHOM=', coalesce(ma_nhom, '(empty)'), '; MA_XANG_DAU empty') AS value,
    greatest(coalesce(t_bhtt, 0), 0) AS amount
FROM chk.xml3
WHERE ma_nhom = '12' AND nullif(trim(ma_xang_dau), '') IS NULL
