-- code: BIZ.XML3.T_BNTT_FORMULA
-- severity: error
-- table: XML3
-- field: T_BNTT
-- message_vi: T_BNTT (số tiền người bệnh tự trả) của dòng không đúng cách phân bổ theo MUC_HUONG và nguồn khác: T_BHTT = THANH_TIEN_BH × MUC_HUONG/100, T_BNCCT = THANH_TIEN_BH − T_BHTT, T_BNTT = THANH_TIEN_BV − THANH_TIEN_BH; nguồn khác trừ lần lượt vào T_BNTT, T_BNCCT rồi T_BHTT
-- message_en: The line's T_BNTT (patient self-pay) does not follow the split by MUC_HUONG and other sources: T_BHTT = THANH_TIEN_BH × MUC_HUONG/100, T_BNCCT = THANH_TIEN_BH − T_BHTT, T_BNTT = THANH_TIEN_BV − THANH_TIEN_BH; other-source money comes off T_BNTT, then T_BNCCT, then T_BHTT
-- grain: one row per offending line
-- source: STANDARD.md §5.1 L6 (T_NGUONKHAC = 0) and L7 case (a) (0 < T_NGUONKHAC); QĐ 4750 Bảng 2 #24–30, Bảng 3 #23–30; tolerance ±2 đ
-- enabled: true
WITH base AS (
    SELECT
        *,
        CAST(coalesce(thanh_tien_bv, 0) AS DOUBLE) AS bv,
        CAST(coalesce(thanh_tien_bh, 0) AS DOUBLE) AS bh,
        CAST(coalesce(t_nguonkhac, 0) AS DOUBLE) AS nk,
        round(CAST(coalesce(thanh_tien_bh, 0) AS DOUBLE) * CAST(muc_huong AS DOUBLE) / 100, 2) AS bhtt0
    FROM chk.xml3
    WHERE muc_huong IS NOT NULL
),
provisional AS (
    SELECT *, bh - bhtt0 AS bncct0, bv - bh AS bntt0 FROM base
),
expected AS (
    SELECT
        *,
        greatest(0, bntt0 - nk) AS exp_bntt,
        CASE WHEN nk <= bntt0 THEN bncct0 ELSE greatest(0, bncct0 - (nk - bntt0)) END AS exp_bncct,
        CASE WHEN nk < bncct0 + bntt0 THEN bhtt0 ELSE bhtt0 - (nk - bncct0 - bntt0) END AS exp_bhtt
    FROM provisional
)
SELECT
    macskcb,
    ma_lk,
    'XML3' AS loaihoso,
    'T_BNTT' AS field,
    concat(
        'STT ', stt, ': T_BNTT=', coalesce(t_bntt, 0), '; expected ', CAST(round(exp_bntt, 2) AS DECIMAL(18, 2)),
        ' (THANH_TIEN_BH=', CAST(bh AS DECIMAL(18, 2)), ', MUC_HUONG=', muc_huong, ', T_NGUONKHAC=', CAST(nk AS DECIMAL(18, 2)), ')'
    ) AS value
FROM expected
WHERE abs(coalesce(t_bntt, 0) - exp_bntt) > 2
