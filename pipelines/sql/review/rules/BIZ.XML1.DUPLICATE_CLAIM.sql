-- code: BIZ.XML1.DUPLICATE_CLAIM
-- severity: error
-- table: XML1
-- field: MA_LK
-- message_vi: Hồ sơ trùng: cùng cơ sở KCB, cùng người bệnh (mã số BHXH hoặc SO_CCCD), cùng MA_LOAI_KCB, cùng thời điểm vào và ra nhưng MA_LK khác
-- message_en: Duplicate claim: same facility, same patient (BHXH number or SO_CCCD), same MA_LOAI_KCB, same admission and discharge times, another MA_LK
-- grain: one row per offending claim and duplicate
-- source: ANCHORS.md §2.4 (bhyt-validator duplicates; tracnn "last file wins" per MA_LK); STANDARD.md §3.3 (MA_LK unique per episode)
-- note: withdrawn claims (MA_DOITUONG_KCB 8) are ignored, so a withdrawal followed by a resubmission is not a duplicate.
-- enabled: true
-- amount: the claim's T_BHTT on one claim of each pair, 0 on the other: the fund pays the episode once; the claim whose MA_LK sorts after the other's is taken as the duplicate, so that the pair counts once in review.savings (ANCHORS.md §2.4: duplicates are refused)
WITH mine AS (
    SELECT DISTINCT macskcb, ma_lk, ma_loai_kcb, ngay_vao, ngay_ra, pkey
    FROM (
        SELECT macskcb, ma_lk, ma_loai_kcb, ngay_vao, ngay_ra, 'B' || right(trim(unnest(string_split(ma_the_bhyt, ';'))), 10) AS pkey
        FROM chk.xml1 WHERE coalesce(ma_doituong_kcb, '') <> '8'
        UNION ALL
        SELECT macskcb, ma_lk, ma_loai_kcb, ngay_vao, ngay_ra, 'C' || trim(so_cccd)
        FROM chk.xml1 WHERE coalesce(ma_doituong_kcb, '') <> '8' AND nullif(trim(so_cccd), '') IS NOT NULL
    )
    WHERE length(pkey) >= 10
),
others AS (
    SELECT DISTINCT macskcb, ma_lk, ma_loai_kcb, ngay_vao, ngay_ra, pkey
    FROM (
        SELECT macskcb, ma_lk, ma_loai_kcb, ngay_vao, ngay_ra, 'B' || right(trim(unnest(string_split(ma_the_bhyt, ';'))), 10) AS pkey
        FROM core.xml1 WHERE coalesce(ma_doituong_kcb, '') <> '8'
        UNION ALL
        SELECT macskcb, ma_lk, ma_loai_kcb, ngay_vao, ngay_ra, 'C' || trim(so_cccd)
        FROM core.xml1 WHERE coalesce(ma_doituong_kcb, '') <> '8' AND nullif(trim(so_cccd), '') IS NOT NULL
    )
    WHERE length(pkey) >= 10 AND pkey IN (SELECT pkey FROM mine)  -- only the patients under review: not the whole history
)
SELECT DISTINCT
    m.macskcb,
    m.ma_lk,
    'XML1' AS loaihoso,
    'MA_LK' AS field,
    concat('same episode as ', o.macskcb, '/', o.ma_lk, ' (', strftime(m.ngay_vao, '%Y%m%d%H%M'), ')') AS value,
    CASE WHEN m.ma_lk > o.ma_lk
        THEN (SELECT greatest(coalesce(x.t_bhtt, 0), 0)
        FROM chk.xml1 AS x
        WHERE x.macskcb = m.macskcb
        AND x.ma_lk = m.ma_lk) ELSE 0 END AS amount
FROM mine AS m
JOIN others AS o
    ON o.pkey = m.pkey AND o.macskcb = m.macskcb AND o.ma_lk <> m.ma_lk
   AND o.ma_loai_kcb IS NOT DISTINCT FROM m.ma_loai_kcb
   AND o.ngay_vao = m.ngay_vao AND o.ngay_ra IS NOT DISTINCT FROM m.ngay_ra
