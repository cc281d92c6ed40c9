-- The expected split of every drug (XML2) and service/supply (XML3) line of the claims under review:
-- T_BHTT = THANH_TIEN_BH x MUC_HUONG / 100, T_BNCCT = THANH_TIEN_BH - T_BHTT, T_BNTT = THANH_TIEN_BV -
-- THANH_TIEN_BH, other-source money (T_NGUONKHAC) taken off T_BNTT, then T_BNCCT, then T_BHTT
-- (STANDARD.md §5.1 L6, L7 case a). One row per line with MUC_HUONG; read by the *_FORMULA rules.
-- Lives in the review's in-memory scope (chk), never in the warehouse.
CREATE VIEW chk.main.line_split AS
WITH base AS (
    SELECT
        'XML2' AS loaihoso, macskcb, ma_lk, stt, muc_huong, t_bhtt, t_bncct, t_bntt,
        thanh_tien_bv, thanh_tien_bh, t_nguonkhac
    FROM chk.main.xml2
    WHERE muc_huong IS NOT NULL
    UNION ALL
    SELECT
        'XML3' AS loaihoso, macskcb, ma_lk, stt, muc_huong, t_bhtt, t_bncct, t_bntt,
        thanh_tien_bv, thanh_tien_bh, t_nguonkhac
    FROM chk.main.xml3
    WHERE muc_huong IS NOT NULL
),
amounts AS (
    SELECT
        *,
        CAST(coalesce(thanh_tien_bv, 0) AS DOUBLE) AS bv,
        CAST(coalesce(thanh_tien_bh, 0) AS DOUBLE) AS bh,
        CAST(coalesce(t_nguonkhac, 0) AS DOUBLE) AS nk,
        round(CAST(coalesce(thanh_tien_bh, 0) AS DOUBLE) * CAST(muc_huong AS DOUBLE) / 100, 2) AS bhtt0
    FROM base
),
provisional AS (
    SELECT *, bh - bhtt0 AS bncct0, bv - bh AS bntt0 FROM amounts
)
SELECT
    *,
    greatest(0, bntt0 - nk) AS exp_bntt,
    CASE WHEN nk <= bntt0 THEN bncct0 ELSE greatest(0, bncct0 - (nk - bntt0)) END AS exp_bncct,
    CASE WHEN nk < bncct0 + bntt0 THEN bhtt0 ELSE bhtt0 - (nk - bncct0 - bntt0) END AS exp_bhtt
FROM provisional
