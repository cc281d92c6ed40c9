-- code: BIZ.XML2.MA_BAC_SI_REQUIRED
-- severity: warning
-- table: XML2
-- field: MA_BAC_SI
-- message_vi: Dòng thuốc thiếu mã bác sĩ chỉ định (MA_BAC_SI)
-- message_en: A drug line lacks the prescribing clinician (MA_BAC_SI)
-- grain: one row per offending line
-- source: STANDARD.md §5.4 XML2 (MA_BAC_SI as under 4210, tracnn flags a missing doctor code)
-- enabled: true
SELECT
    macskcb,
    ma_lk,
    'XML2' AS loaihoso,
    'MA_BAC_SI' AS field,
    concat('STT ', stt, ': MA_NHOM=', coalesce(ma_nhom, '(empty)'), '; MA_BAC_SI empty') AS value
FROM chk.xml2
WHERE nullif(trim(ma_bac_si), '') IS NULL
