-- code: BIZ.XML3.MA_BAC_SI_REQUIRED
-- severity: warning
-- table: XML3
-- field: MA_BAC_SI
-- message_vi: Dòng dịch vụ, vật tư thiếu mã nhân viên y tế chỉ định (MA_BAC_SI)
-- message_en: A service or supply line lacks the ordering clinician (MA_BAC_SI)
-- grain: one row per offending line
-- source: STANDARD.md §3.3 XML3 #33 and §5.4 (tracnn flags a missing doctor code)
-- enabled: true
SELECT
    macskcb,
    ma_lk,
    'XML3' AS loaihoso,
    'MA_BAC_SI' AS field,
    concat('STT ', stt, ': MA_NHOM=', coalesce(ma_nhom, '(empty)'), '; MA_BAC_SI empty') AS value
FROM chk.xml3
WHERE nullif(trim(ma_bac_si), '') IS NULL
