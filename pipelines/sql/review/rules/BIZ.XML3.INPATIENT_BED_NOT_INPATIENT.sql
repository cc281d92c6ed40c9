-- code: BIZ.XML3.INPATIENT_BED_NOT_INPATIENT
-- severity: warning
-- table: XML3
-- field: MA_NHOM
-- message_vi: Có tiền ngày giường điều trị nội trú (MA_NHOM 15) nhưng MA_LOAI_KCB không phải điều trị nội trú (03, 04)
-- message_en: Inpatient bed-days (MA_NHOM 15) are charged but MA_LOAI_KCB is not an inpatient type (03, 04)
-- grain: one row per offending line
-- source: STANDARD.md §4.4 (group 15 = inpatient bed-day) and §4.2 (MA_LOAI_KCB); consistency of the type of care with the lines
-- enabled: true
-- amount: the line's T_BHTT: the fund does not pay a line that fails this check (as the catalogue rules that refuse a line: BIZ.XML2.DRUG_NOT_IN_LIST, BIZ.XML3.MA_MAY_NOT_REGISTERED)
SELECT
    l.macskcb,
    l.ma_lk,
    'XML3' AS loaihoso,
    'MA_NHOM' AS field,
    concat('STT ', l.stt, ': MA_NHOM=15; MA_LOAI_KCB=', coalesce(x1.ma_loai_kcb, '(empty)')) AS value,
    greatest(coalesce(l.t_bhtt, 0), 0) AS amount
FROM chk.xml3 AS l
JOIN chk.xml1 AS x1 ON x1.macskcb = l.macskcb AND x1.ma_lk = l.ma_lk
WHERE l.ma_nhom = '15' AND coalesce(x1.ma_loai_kcb, '') NOT IN ('03', '04')
