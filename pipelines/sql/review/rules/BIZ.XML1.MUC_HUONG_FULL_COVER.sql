-- code: BIZ.XML1.MUC_HUONG_FULL_COVER
-- severity: warning
-- table: XML1
-- field: MUC_HUONG
-- message_vi: Chi phí trong phạm vi BHYT của đợt dưới 15% lương cơ sở (hoặc người bệnh có NGAY_MIEN_CCT) nhưng MUC_HUONG các dòng thấp hơn 100% × hệ số của MA_DOITUONG_KCB
-- message_en: The episode's in-scope cost is under 15 % of the base salary (or the patient has NGAY_MIEN_CCT) but the lines' MUC_HUONG is below 100 % × the MA_DOITUONG_KCB factor
-- grain: one row per offending claim
-- source: STANDARD.md §4.5 MUC_HUONG (QĐ 4750 Bảng 2 #27, Bảng 3 #22: 100 under 15 % of the base salary or with the co-payment exemption); base salary in ref.base_salary
-- enabled: true
-- amount: 0: the lines ask the fund for less than it owes (MUC_HUONG below 100 where the fund pays in full); the fund pays no more than claimed, the patient is owed the difference
WITH claim AS (
    SELECT
        x1.macskcb,
        x1.ma_lk,
        x1.ma_doituong_kcb,
        coalesce(x1.t_tongchi_bh, 0) AS t_tongchi_bh,
        (SELECT s.amount FROM ref.base_salary AS s WHERE s.effective_from <= CAST(x1.ngay_ra AS DATE)
         ORDER BY s.effective_from DESC LIMIT 1) AS base_salary,
        try_strptime(left(x1.ngay_mien_cct, 8), '%Y%m%d') <= x1.ngay_vao AS exempt,
        CASE
            WHEN x1.ma_doituong_kcb = '1.2' THEN 1
            WHEN x1.ma_doituong_kcb = '3.1' THEN CASE WHEN coalesce(k.inpatient, false) THEN 0.4 ELSE 0 END
            WHEN CAST(x1.ngay_ra AS DATE) >= DATE '2026-07-01' THEN d.factor_from_20260701
            ELSE d.factor_before_20260701
        END AS factor
    FROM chk.xml1 AS x1
    JOIN ref.ma_doituong_kcb AS d ON d.ma_doituong_kcb = x1.ma_doituong_kcb
    LEFT JOIN ref.ma_loai_kcb AS k ON k.ma_loai_kcb = x1.ma_loai_kcb
),
lines AS (
    SELECT macskcb, ma_lk, min(muc_huong) AS min_muc_huong
    FROM (
        SELECT macskcb, ma_lk, muc_huong FROM chk.xml2
        UNION ALL
        SELECT macskcb, ma_lk, muc_huong FROM chk.xml3
    )
    WHERE muc_huong IS NOT NULL
    GROUP BY macskcb, ma_lk
)
SELECT
    c.macskcb,
    c.ma_lk,
    'XML1' AS loaihoso,
    'MUC_HUONG' AS field,
    concat(
        'min MUC_HUONG=', l.min_muc_huong, '; expected ', 100 * c.factor, '; T_TONGCHI_BH=', c.t_tongchi_bh,
        '; 15% of base salary=', 0.15 * c.base_salary,
        CASE WHEN coalesce(c.exempt, false) THEN '; NGAY_MIEN_CCT before admission' ELSE '' END
    ) AS value,
    0 AS amount
FROM claim AS c
JOIN lines AS l ON l.macskcb = c.macskcb AND l.ma_lk = c.ma_lk
WHERE c.factor IS NOT NULL
  AND (c.t_tongchi_bh < 0.15 * c.base_salary OR coalesce(c.exempt, false))
  AND l.min_muc_huong < 100 * c.factor - 0.01
