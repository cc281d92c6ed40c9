-- code: BIZ.CARD.BENEFIT_LEVEL
-- severity: warning
-- table: XML1
-- field: MUC_HUONG
-- message_vi: Mức hưởng theo danh sách tra cứu thẻ của cơ quan BHXH khác mức hưởng ghi trên thẻ (ký tự thứ 3 của MA_THE_BHYT, mã kết quả 053) hoặc không khớp MUC_HUONG của các dòng chi phí (mức hưởng của danh sách nhân hệ số của MA_DOITUONG_KCB)
-- message_en: The benefit level in the fund's card eligibility list differs from the card's benefit digit (character 3 of MA_THE_BHYT, look-up result 053), or does not give the lines' MUC_HUONG (the list's level times the MA_DOITUONG_KCB factor)
-- grain: one row per offending claim
-- source: STANDARD.md §4.5 (benefit level, MUC_HUONG = card level x QĐ 3276 factor; 100 under 15 % of the base salary or with NGAY_MIEN_CCT); ANCHORS.md §2.2 (053); generator's eligibility README; the same factors and thresholds as BIZ.XML1.MUC_HUONG_BENEFIT and BIZ.XML1.MUC_HUONG_FULL_COVER
-- note: The list's muc_huong is the card's level before route factors. It is compared (1) always with the level
--   the card's benefit digit stands for (ref.benefit_levels), and (2) with the lines' MUC_HUONG, each of which
--   must equal the list's level x the factor of MA_DOITUONG_KCB where MUC_HUONG follows the card's level at all:
--   code not 1.2, a factor known, T_TONGCHI_BH at least 15 % of the base salary and no NGAY_MIEN_CCT (otherwise
--   100 x factor is due whatever the card says). A warning because the level-to-percent mapping has one
--   non-authoritative source (STANDARD.md §7). Finds nothing while ref.eligibility is empty.
-- enabled: true
-- amount: for each line whose MUC_HUONG is above the list's level × the route factor: its T_BHTT × (MUC_HUONG − that level) / MUC_HUONG (ratio rounded to 10 places), summed over the claim; 0 when only the card's benefit digit differs from the list: the part the fund pays above the level the fund's list gives
WITH claims AS (
    SELECT
        x1.macskcb,
        x1.ma_lk,
        x1.ma_doituong_kcb,
        string_split(x1.ma_the_bhyt, ';') AS cards,
        coalesce(x1.t_tongchi_bh, 0) AS t_tongchi_bh,
        (SELECT s.amount FROM ref.base_salary AS s WHERE s.effective_from <= CAST(x1.ngay_ra AS DATE)
         ORDER BY s.effective_from DESC LIMIT 1) AS base_salary,
        coalesce(try_strptime(left(x1.ngay_mien_cct, 8), '%Y%m%d') <= x1.ngay_vao, false) AS exempt,
        CASE
            WHEN x1.ma_doituong_kcb = '3.1' THEN CASE WHEN coalesce(k.inpatient, false) THEN 0.4 ELSE 0 END
            WHEN CAST(x1.ngay_ra AS DATE) >= DATE '2026-07-01' THEN d.factor_from_20260701
            ELSE d.factor_before_20260701
        END AS factor
    FROM chk.xml1 AS x1
    LEFT JOIN ref.ma_doituong_kcb AS d ON d.ma_doituong_kcb = x1.ma_doituong_kcb
    LEFT JOIN ref.ma_loai_kcb AS k ON k.ma_loai_kcb = x1.ma_loai_kcb
    WHERE nullif(trim(x1.ma_the_bhyt), '') IS NOT NULL
      AND coalesce(trim(x1.ma_doituong_kcb), '') <> '8'
      AND EXISTS (SELECT 1 FROM ref.eligibility)
),
listed AS (
    SELECT
        c.macskcb,
        c.ma_lk,
        e.muc_huong AS list_level,
        e.ma_ket_qua,
        CAST(b.fund_pays_percent AS DECIMAL(5, 2)) AS card_level
    FROM (SELECT macskcb, ma_lk, upper(trim(unnest(cards))) AS card FROM claims) AS c
    JOIN ref.eligibility AS e ON e.ma_the_bhyt = c.card
    LEFT JOIN ref.benefit_levels AS b ON CAST(b.benefit_level AS VARCHAR) = substr(c.card, 3, 1)
    WHERE e.muc_huong IS NOT NULL
),
lines AS (
    SELECT DISTINCT macskcb, ma_lk, muc_huong FROM chk.xml2 WHERE muc_huong IS NOT NULL
    UNION
    SELECT DISTINCT macskcb, ma_lk, muc_huong FROM chk.xml3 WHERE muc_huong IS NOT NULL
),
checked AS (
    SELECT
        c.macskcb,
        c.ma_lk,
        c.ma_doituong_kcb,
        c.factor,
        coalesce(
            c.factor IS NOT NULL AND c.ma_doituong_kcb <> '1.2' AND NOT c.exempt
            AND c.t_tongchi_bh >= 0.15 * c.base_salary,
            false
        ) AS level_applies,
        bool_or(l.card_level IS NOT NULL AND l.card_level <> l.list_level) AS digit_differs,
        string_agg(DISTINCT CAST(CAST(l.list_level AS DOUBLE) AS VARCHAR), ',') AS list_levels,
        string_agg(DISTINCT coalesce(l.ma_ket_qua, '?'), ',') AS results,
        string_agg(DISTINCT CAST(CAST(l.card_level AS DOUBLE) AS VARCHAR), ',') AS card_levels
    FROM claims AS c
    JOIN listed AS l ON l.macskcb = c.macskcb AND l.ma_lk = c.ma_lk
    GROUP BY c.macskcb, c.ma_lk, c.ma_doituong_kcb, c.factor, c.exempt, c.t_tongchi_bh, c.base_salary
),
offending_lines AS (
    SELECT ln.macskcb, ln.ma_lk
    FROM lines AS ln
    JOIN checked AS k ON k.macskcb = ln.macskcb AND k.ma_lk = ln.ma_lk
    WHERE k.level_applies
      AND NOT EXISTS (
          SELECT 1 FROM listed AS l
          WHERE l.macskcb = ln.macskcb AND l.ma_lk = ln.ma_lk AND abs(l.list_level * k.factor - ln.muc_huong) < 0.01
      )
)
SELECT
    k.macskcb,
    k.ma_lk,
    'XML1' AS loaihoso,
    'MUC_HUONG' AS field,
    concat(
        'the list gives level ', k.list_levels, ' % (result ', k.results, '); the card''s benefit digit ',
        coalesce(k.card_levels, '?'), ' %; MUC_HUONG ',
        coalesce((SELECT string_agg(DISTINCT CAST(CAST(ln.muc_huong AS DOUBLE) AS VARCHAR), ',') FROM lines AS ln
                  WHERE ln.macskcb = k.macskcb AND ln.ma_lk = k.ma_lk), '(no lines)'),
        '; MA_DOITUONG_KCB ', coalesce(k.ma_doituong_kcb, '?'), ' (factor ', coalesce(CAST(k.factor AS VARCHAR), '?'),
        CASE WHEN k.level_applies THEN ')' ELSE '; MUC_HUONG does not follow the card level here)' END
    ) AS value,
    coalesce((SELECT sum(greatest(coalesce(m.t_bhtt, 0), 0)
        * CAST(round(greatest(0, (m.muc_huong - (SELECT max(li.list_level)
        FROM listed AS li
        WHERE li.macskcb = k.macskcb
        AND li.ma_lk = k.ma_lk) * k.factor) / m.muc_huong), 10) AS DECIMAL(11, 10)))
        FROM (SELECT macskcb, ma_lk, muc_huong, t_bhtt
        FROM chk.xml2
        UNION ALL SELECT macskcb, ma_lk, muc_huong, t_bhtt
        FROM chk.xml3) AS m
        WHERE m.macskcb = k.macskcb
        AND m.ma_lk = k.ma_lk
        AND m.muc_huong > 0
        AND k.level_applies), 0) AS amount
FROM checked AS k
WHERE k.digit_differs
   OR EXISTS (SELECT 1 FROM offending_lines AS o WHERE o.macskcb = k.macskcb AND o.ma_lk = k.ma_lk)
