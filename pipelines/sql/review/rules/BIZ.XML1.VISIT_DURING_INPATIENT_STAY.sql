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
WITH inpatient AS (
    SELECT ma_loai_kcb FROM ref.ma_loai_kcb WHERE inpatient
),
mine AS (
    SELECT DISTINCT macskcb, ma_lk, ngay_vao, pkey
    FROM (
        SELECT macskcb, ma_lk, ngay_vao, 'B' || right(trim(unnest(string_split(ma_the_bhyt, ';'))), 10) AS pkey
        FROM chk.xml1
        WHERE coalesce(ma_loai_kcb, '') NOT IN (SELECT ma_loai_kcb FROM inpatient) AND coalesce(ma_doituong_kcb, '') <> '8'
        UNION ALL
        SELECT macskcb, ma_lk, ngay_vao, 'C' || trim(so_cccd)
        FROM chk.xml1
        WHERE coalesce(ma_loai_kcb, '') NOT IN (SELECT ma_loai_kcb FROM inpatient) AND coalesce(ma_doituong_kcb, '') <> '8'
          AND nullif(trim(so_cccd), '') IS NOT NULL
    )
    WHERE length(pkey) >= 10
),
stays AS (
    SELECT DISTINCT macskcb, ma_lk, ngay_vao, ngay_ra, pkey
    FROM (
        SELECT macskcb, ma_lk, ngay_vao, ngay_ra, 'B' || right(trim(unnest(string_split(ma_the_bhyt, ';'))), 10) AS pkey
        FROM core.xml1
        WHERE ma_loai_kcb IN (SELECT ma_loai_kcb FROM inpatient) AND coalesce(ma_doituong_kcb, '') <> '8'
        UNION ALL
        SELECT macskcb, ma_lk, ngay_vao, ngay_ra, 'C' || trim(so_cccd)
        FROM core.xml1
        WHERE ma_loai_kcb IN (SELECT ma_loai_kcb FROM inpatient) AND coalesce(ma_doituong_kcb, '') <> '8'
          AND nullif(trim(so_cccd), '') IS NOT NULL
    )
    WHERE length(pkey) >= 10
)
SELECT DISTINCT
    m.macskcb,
    m.ma_lk,
    'XML1' AS loaihoso,
    'NGAY_VAO' AS field,
    concat(
        'NGAY_VAO=', strftime(m.ngay_vao, '%Y%m%d%H%M'), ' inside inpatient stay ', s.macskcb, '/', s.ma_lk, ' ',
        strftime(s.ngay_vao, '%Y%m%d%H%M'), '-', strftime(s.ngay_ra, '%Y%m%d%H%M')
    ) AS value
FROM mine AS m
JOIN stays AS s
    ON s.pkey = m.pkey AND NOT (s.macskcb = m.macskcb AND s.ma_lk = m.ma_lk)
   AND m.ngay_vao > s.ngay_vao AND m.ngay_vao < s.ngay_ra
