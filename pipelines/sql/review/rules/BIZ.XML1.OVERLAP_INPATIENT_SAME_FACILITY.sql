-- code: BIZ.XML1.OVERLAP_INPATIENT_SAME_FACILITY
-- severity: error
-- table: XML1
-- field: NGAY_VAO, NGAY_RA
-- message_vi: Cùng người bệnh (cùng mã số BHXH trên thẻ hoặc cùng SO_CCCD) có hai đợt điều trị nội trú chồng lấn thời gian tại cùng cơ sở KCB
-- message_en: The same patient (same BHXH number on the card, or same SO_CCCD) has two overlapping inpatient stays at the same facility
-- grain: one row per offending claim and overlapping claim
-- source: STANDARD.md §4.5 (BHXH number = last 10 card characters) and §4.2 (inpatient types 03, 04, 09: ref.ma_loai_kcb.inpatient); tracnn OVERLAPPING_BED_USAGE; bhyt-validator "timing and overlapping episodes"
-- note: the other claim is any current claim in core.xml1; withdrawn claims (MA_DOITUONG_KCB 8) are ignored; a
--   transfer (discharge from one, admission to the next) does not overlap. The value names the other claim by
--   facility and MA_LK only.
-- enabled: true
-- amount: the claim's T_BHTT times the part of its stay the other stay overlaps (minutes, ratio rounded to 10 places, at most 1): one patient is in one bed at a time, the overlapping days are paid once
SELECT DISTINCT
    m.macskcb,
    m.ma_lk,
    'XML1' AS loaihoso,
    'NGAY_VAO, NGAY_RA' AS field,
    concat(
        strftime(m.ngay_vao, '%Y%m%d%H%M'), '-', strftime(m.ngay_ra, '%Y%m%d%H%M'), ' overlaps ', o.macskcb, '/', o.ma_lk,
        ' ', strftime(o.ngay_vao, '%Y%m%d%H%M'), '-', strftime(o.ngay_ra, '%Y%m%d%H%M')
    ) AS value,
    (SELECT greatest(coalesce(x.t_bhtt, 0), 0)
        FROM chk.xml1 AS x
        WHERE x.macskcb = m.macskcb
        AND x.ma_lk = m.ma_lk)
        * CAST(round(least(1.0, greatest(0, date_diff('minute', greatest(m.ngay_vao, o.ngay_vao), least(m.ngay_ra, o.ngay_ra))) / greatest(date_diff('minute', m.ngay_vao, m.ngay_ra), 1)), 10) AS DECIMAL(11, 10)) AS amount
FROM chk.episodes_by_patient AS m
JOIN chk.episodes_by_patient AS o
    ON o.pkey = m.pkey AND o.macskcb = m.macskcb AND NOT (o.macskcb = m.macskcb AND o.ma_lk = m.ma_lk)
   AND o.ngay_vao < m.ngay_ra AND o.ngay_ra > m.ngay_vao
WHERE m.checked AND m.inpatient AND NOT o.checked AND o.inpatient
