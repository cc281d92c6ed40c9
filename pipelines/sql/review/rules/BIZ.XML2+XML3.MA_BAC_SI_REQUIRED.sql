-- code: BIZ.${table}.MA_BAC_SI_REQUIRED
-- severity: warning
-- tables: XML2, XML3
-- field: MA_BAC_SI
-- message_vi XML2: Dòng thuốc thiếu mã bác sĩ chỉ định (MA_BAC_SI)
-- message_vi XML3: Dòng dịch vụ, vật tư thiếu mã nhân viên y tế chỉ định (MA_BAC_SI)
-- message_en XML2: A drug line lacks the prescribing clinician (MA_BAC_SI)
-- message_en XML3: A service or supply line lacks the ordering clinician (MA_BAC_SI)
-- grain: one row per offending line
-- source XML2: STANDARD.md §5.4 XML2 (MA_BAC_SI as under 4210, tracnn flags a missing doctor code)
-- source XML3: STANDARD.md §3.3 XML3 #33 and §5.4 (tracnn flags a missing doctor code)
-- enabled: true
-- amount: the line's T_BHTT: the fund does not pay a line that fails this check (as the catalogue rules that refuse a line: BIZ.XML2.DRUG_NOT_IN_LIST, BIZ.XML3.MA_MAY_NOT_REGISTERED)
SELECT
    macskcb,
    ma_lk,
    '${table}' AS loaihoso,
    'MA_BAC_SI' AS field,
    concat('STT ', stt, ': MA_NHOM=', coalesce(ma_nhom, '(empty)'), '; MA_BAC_SI empty') AS value,
    greatest(coalesce(t_bhtt, 0), 0) AS amount
FROM chk.${t}
WHERE nullif(trim(ma_bac_si), '') IS NULL
