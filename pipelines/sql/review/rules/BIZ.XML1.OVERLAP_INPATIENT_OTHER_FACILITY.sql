-- code: BIZ.XML1.OVERLAP_INPATIENT_OTHER_FACILITY
-- severity: warning
-- table: XML1
-- field: NGAY_VAO, NGAY_RA
-- message_vi: Cùng người bệnh (cùng mã số BHXH trên thẻ hoặc cùng SO_CCCD) có hai đợt điều trị nội trú chồng lấn thời gian tại cơ sở KCB khác
-- message_en: The same patient (same BHXH number on the card, or same SO_CCCD) has two overlapping inpatient stays at another facility
-- grain: one row per offending claim and overlapping claim
-- source: STANDARD.md §4.5 (BHXH number = last 10 card characters) and §4.2 (inpatient types 03, 04, 09: ref.ma_loai_kcb.inpatient); tracnn OVERLAPPING_BED_USAGE; bhyt-validator "timing and overlapping episodes"
-- note: the other claim is any current claim in core.xml1; withdrawn claims (MA_DOITUONG_KCB 8) are ignored; a
--   transfer (discharge from one, admission to the next) does not overlap. The value names the other claim by
--   facility and MA_LK only.
-- enabled: true
WITH inpatient AS (
    SELECT ma_loai_kcb FROM ref.ma_loai_kcb WHERE inpatient
),
mine AS (
    SELECT DISTINCT macskcb, ma_lk, ngay_vao, ngay_ra, pkey
    FROM (
        SELECT macskcb, ma_lk, ngay_vao, ngay_ra, 'B' || right(trim(unnest(string_split(ma_the_bhyt, ';'))), 10) AS pkey
        FROM chk.xml1
        WHERE ma_loai_kcb IN (SELECT ma_loai_kcb FROM inpatient) AND coalesce(ma_doituong_kcb, '') <> '8'
        UNION ALL
        SELECT macskcb, ma_lk, ngay_vao, ngay_ra, 'C' || trim(so_cccd)
        FROM chk.xml1
        WHERE ma_loai_kcb IN (SELECT ma_loai_kcb FROM inpatient) AND coalesce(ma_doituong_kcb, '') <> '8'
          AND nullif(trim(so_cccd), '') IS NOT NULL
    )
    WHERE length(pkey) >= 10
),
others AS (
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
    'NGAY_VAO, NGAY_RA' AS field,
    concat(
        strftime(m.ngay_vao, '%Y%m%d%H%M'), '-', strftime(m.ngay_ra, '%Y%m%d%H%M'), ' overlaps ', o.macskcb, '/', o.ma_lk,
        ' ', strftime(o.ngay_vao, '%Y%m%d%H%M'), '-', strftime(o.ngay_ra, '%Y%m%d%H%M')
    ) AS value
FROM mine AS m
JOIN others AS o
    ON o.pkey = m.pkey AND o.macskcb <> m.macskcb AND NOT (o.macskcb = m.macskcb AND o.ma_lk = m.ma_lk)
   AND o.ngay_vao < m.ngay_ra AND o.ngay_ra > m.ngay_vao
