-- code: BIZ.XML3.MA_XANG_DAU_REQUIRED
-- severity: error
-- table: XML3
-- field: MA_XANG_DAU
-- message_vi: Dòng vận chuyển người bệnh (MA_NHOM 12) thiếu mã loại xăng dầu (MA_XANG_DAU)
-- message_en: A patient-transport line (MA_NHOM 12) lacks the fuel code (MA_XANG_DAU)
-- grain: one row per offending line
-- source: STANDARD.md §5.4 XML3 (MA_XANG_DAU required if MA_NHOM = 12, Check_Valid QĐ 4750) and §4.4
-- enabled: true
SELECT
    macskcb,
    ma_lk,
    'XML3' AS loaihoso,
    'MA_XANG_DAU' AS field,
    concat('STT ', stt, ': MA_NHOM=', coalesce(ma_nhom, '(empty)'), '; MA_XANG_DAU empty') AS value
FROM chk.xml3
WHERE ma_nhom = '12' AND nullif(trim(ma_xang_dau), '') IS NULL
