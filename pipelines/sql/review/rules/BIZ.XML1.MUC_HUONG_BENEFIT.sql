-- code: BIZ.XML1.MUC_HUONG_BENEFIT
-- severity: warning
-- table: XML1
-- field: MUC_HUONG
-- message_vi: MUC_HUONG của các dòng chi phí không khớp mức hưởng ghi trên thẻ (ký tự thứ 3 của MA_THE_BHYT) nhân hệ số của MA_DOITUONG_KCB (QĐ 3276), cũng không phải 100% nhân hệ số đó
-- message_en: The lines' MUC_HUONG matches neither the card's benefit level (character 3 of MA_THE_BHYT) times the QĐ 3276 factor of MA_DOITUONG_KCB, nor 100 % times that factor
-- grain: one row per offending claim and MUC_HUONG value
-- source: STANDARD.md §4.5 (MUC_HUONG, card benefit level) and §4.3 (QĐ 3276 factors, ref.ma_doituong_kcb)
-- note: 100 × factor covers the 15 %-of-base-salary rule, commune stations and the co-payment exemption.
--   Code 1.2 pays 100 whatever the card; 3.1 is 0.4 for inpatient types, 0 otherwise; codes without a factor
--   (7, 7.2–7.4, 8 withdrawal, 10) are not checked. The level→percent mapping has one non-authoritative source
--   (STANDARD.md §7 item 16), hence a warning.
-- enabled: true
-- amount: the T_BHTT of the claim's lines with this MUC_HUONG × (MUC_HUONG − the highest allowed level) / MUC_HUONG (ratio rounded to 10 places), 0 when MUC_HUONG is below every allowed level: the part the fund pays above the benefit level the card and the route give
WITH claim AS (
    SELECT
        x1.macskcb,
        x1.ma_lk,
        x1.ma_doituong_kcb,
        x1.ma_the_bhyt,
        CASE
            WHEN x1.ma_doituong_kcb = '3.1' THEN CASE WHEN coalesce(k.inpatient, false) THEN 0.4 ELSE 0 END
            WHEN CAST(x1.ngay_ra AS DATE) >= DATE '2026-07-01' THEN d.factor_from_20260701
            ELSE d.factor_before_20260701
        END AS factor
    FROM chk.xml1 AS x1
    JOIN ref.ma_doituong_kcb AS d ON d.ma_doituong_kcb = x1.ma_doituong_kcb
    LEFT JOIN ref.ma_loai_kcb AS k ON k.ma_loai_kcb = x1.ma_loai_kcb
),
cards AS (
    SELECT macskcb, ma_lk, substr(trim(card), 3, 1) AS level_digit
    FROM (SELECT macskcb, ma_lk, unnest(string_split(ma_the_bhyt, ';')) AS card FROM claim)
),
allowed AS (
    SELECT c.macskcb, c.ma_lk, CAST(100 * c.factor AS DECIMAL(9, 3)) AS muc_huong
    FROM claim AS c
    WHERE c.factor IS NOT NULL
    UNION
    SELECT c.macskcb, c.ma_lk, CAST(b.fund_pays_percent * c.factor AS DECIMAL(9, 3))
    FROM claim AS c
    JOIN cards AS k ON k.macskcb = c.macskcb AND k.ma_lk = c.ma_lk
    JOIN ref.benefit_levels AS b ON CAST(b.benefit_level AS VARCHAR) = k.level_digit
    WHERE c.factor IS NOT NULL AND c.ma_doituong_kcb <> '1.2'
),
lines AS (
    SELECT DISTINCT macskcb, ma_lk, muc_huong FROM chk.xml2 WHERE muc_huong IS NOT NULL
    UNION
    SELECT DISTINCT macskcb, ma_lk, muc_huong FROM chk.xml3 WHERE muc_huong IS NOT NULL
)
SELECT
    l.macskcb,
    l.ma_lk,
    'XML1' AS loaihoso,
    'MUC_HUONG' AS field,
    concat(
        'MUC_HUONG=', l.muc_huong, '; MA_DOITUONG_KCB=', c.ma_doituong_kcb, ' (factor ', c.factor,
        '); card level(s) ', (SELECT string_agg(DISTINCT k.level_digit, ',') FROM cards AS k
                              WHERE k.macskcb = l.macskcb AND k.ma_lk = l.ma_lk),
        '; allowed ', (SELECT string_agg(DISTINCT CAST(a.muc_huong AS VARCHAR), ',') FROM allowed AS a
                       WHERE a.macskcb = l.macskcb AND a.ma_lk = l.ma_lk)
    ) AS value,
    coalesce((SELECT sum(greatest(coalesce(m.t_bhtt, 0), 0))
        FROM (SELECT macskcb, ma_lk, muc_huong, t_bhtt
        FROM chk.xml2
        UNION ALL SELECT macskcb, ma_lk, muc_huong, t_bhtt
        FROM chk.xml3) AS m
        WHERE m.macskcb = l.macskcb
        AND m.ma_lk = l.ma_lk
        AND m.muc_huong = l.muc_huong), 0)
        * CAST(round(greatest(0, (l.muc_huong - (SELECT max(a.muc_huong)
        FROM allowed AS a
        WHERE a.macskcb = l.macskcb
        AND a.ma_lk = l.ma_lk)) / l.muc_huong), 10) AS DECIMAL(11, 10)) AS amount
FROM lines AS l
JOIN claim AS c ON c.macskcb = l.macskcb AND c.ma_lk = l.ma_lk
WHERE c.factor IS NOT NULL
  AND NOT EXISTS (
      SELECT 1 FROM allowed AS a
      WHERE a.macskcb = l.macskcb AND a.ma_lk = l.ma_lk AND abs(a.muc_huong - l.muc_huong) < 0.01
  )
