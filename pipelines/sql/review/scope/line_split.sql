-- object: chk.main.line_split
-- grain: one row per drug (XML2) or service/supply (XML3) line with MUC_HUONG of the claims under review
-- description: the expected split of every line: T_BHTT = THANH_TIEN_BH x MUC_HUONG / 100, T_BNCCT =
--   THANH_TIEN_BH - T_BHTT, T_BNTT = THANH_TIEN_BV - THANH_TIEN_BH, other-source money (T_NGUONKHAC) taken off
--   T_BNTT, then T_BNCCT, then T_BHTT. Read by the *_FORMULA rules. Lives in the review's in-memory scope
--   (chk), never in the warehouse.
-- source: STANDARD.md §5.1 L6, L7 case a
-- column loaihoso: the line's table, XML2 or XML3
-- column macskcb: facility of the claim
-- column ma_lk: the claim's MA_LK
-- column stt: STT of the line
-- column muc_huong: MUC_HUONG of the line (percent)
-- column t_bhtt: T_BHTT as sent
-- column t_bncct: T_BNCCT as sent
-- column t_bntt: T_BNTT as sent
-- column thanh_tien_bv: THANH_TIEN_BV as sent
-- column thanh_tien_bh: THANH_TIEN_BH as sent
-- column t_nguonkhac: T_NGUONKHAC as sent
-- column bv: THANH_TIEN_BV as DOUBLE (0 when empty)
-- column bh: THANH_TIEN_BH as DOUBLE (0 when empty)
-- column nk: T_NGUONKHAC as DOUBLE (0 when empty)
-- column bhtt0: THANH_TIEN_BH x MUC_HUONG / 100, rounded to 2 decimals, before other sources
-- column bncct0: THANH_TIEN_BH - bhtt0, before other sources
-- column bntt0: THANH_TIEN_BV - THANH_TIEN_BH, before other sources
-- column exp_bntt: expected T_BNTT: bntt0 less the other-source money, not below 0
-- column exp_bncct: expected T_BNCCT: bncct0 less what other sources pay beyond bntt0, not below 0
-- column exp_bhtt: expected T_BHTT: bhtt0 less what other sources pay beyond bntt0 + bncct0
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
