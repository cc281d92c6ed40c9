-- code: BIZ.XML1.VISIT_DURING_INPATIENT_STAY
-- severity: warning
-- table: XML1
-- field: NGAY_VAO
-- message_vi: Người bệnh có lượt khám/điều trị ngoại trú bắt đầu trong thời gian đang điều trị nội trú ở một hồ sơ khác (cùng mã số BHXH hoặc SO_CCCD)
-- message_en: The patient has an outpatient visit that starts while an inpatient stay of another claim (same BHXH number or SO_CCCD) is going on
-- grain: one row per offending claim and inpatient claim
-- source: STANDARD.md §4.2 (types of care) and §4.5 (BHXH number); bhyt-validator "timing and overlapping episodes"
-- note: reported on the outpatient claim; the inpatient claim is any current claim in core.xml1 (any facility);
--   withdrawn claims (MA_DOITUONG_KCB 8) are ignored.
-- enabled: true
-- amount: the outpatient claim's T_BHTT: a visit while the patient is an inpatient is paid within the stay, not again
SELECT DISTINCT
    m.macskcb,
    m.ma_lk,
    'XML1' AS loaihoso,
    'NGAY_VAO' AS field,
    concat(
        'NGAY_VAO=', strftime(m.ngay_vao, '%Y%m%d%H%M'), ' inside inpatient stay ', s.macskcb, '/', s.ma_lk, ' ',
        strftime(s.ngay_vao, '%Y%m%d%H%M'), '-', strftime(s.ngay_ra, '%Y%m%d%H%M')
    ) AS value,
    (SELECT greatest(coalesce(x.t_bhtt, 0), 0)
        FROM chk.xml1 AS x
        WHERE x.macskcb = m.macskcb
        AND x.ma_lk = m.ma_lk) AS amount
FROM chk.episodes_by_patient AS m
JOIN chk.episodes_by_patient AS s
    ON s.pkey = m.pkey AND NOT (s.macskcb = m.macskcb AND s.ma_lk = m.ma_lk)
   AND m.ngay_vao > s.ngay_vao AND m.ngay_vao < s.ngay_ra
WHERE m.checked AND NOT m.inpatient AND NOT s.checked AND s.inpatient
