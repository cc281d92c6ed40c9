-- object: review.savings
-- grain: one row per rule, facility and settlement month with at least one finding
-- description: the money the review finds, by rule (review.rules), facility (macskcb) and settlement month (nam_qt, thang_qt): findings, claims and the sum of the findings' amounts (review.findings.amount). A rule's amount is what the fund would not pay if its findings hold; amounts of different rules on one line are not additive (the queue caps each claim at its T_BHTT), so read a row as "what this rule finds"
-- column rule_code: the rule (review.rules.rule_code)
-- column severity: its severity: error, warning or info
-- column macskcb: MACSKCB of the facility whose claims the findings are on
-- column nam_qt: NAM_QT: settlement year of the claims (XML1)
-- column thang_qt: THANG_QT: settlement month of the claims (XML1), 1–12
-- column findings: findings of the rule (current claim versions, enabled rules)
-- column claims: distinct claims with a finding of the rule
-- column findings_with_amount: findings whose amount is above 0 (a rule with no money consequence gives 0; null only in findings files written before issue 14)
-- column amount: sum of the findings' amounts, VND (null amounts count 0); the column foots to the sum of review.findings.amount
CREATE OR REPLACE VIEW review.savings AS
SELECT
    f.rule_code,
    any_value(f.severity) AS severity,
    f.macskcb,
    x1.nam_qt,
    x1.thang_qt,
    count(*) AS findings,
    count(DISTINCT f.ma_lk) AS claims,
    count(*) FILTER (WHERE f.amount > 0) AS findings_with_amount,
    CAST(coalesce(sum(f.amount), 0) AS DECIMAL(18, 2)) AS amount
FROM review.findings AS f
JOIN core.xml1 AS x1 ON x1.macskcb = f.macskcb AND x1.ma_lk = f.ma_lk
GROUP BY f.rule_code, f.macskcb, x1.nam_qt, x1.thang_qt
ORDER BY amount DESC, f.rule_code, f.macskcb, x1.nam_qt, x1.thang_qt
