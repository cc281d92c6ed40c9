-- title: What the review finds, in money: by rule, facility and settlement month
-- grain: one row per rule, facility and settlement month with findings
SELECT rule_code, severity, macskcb, nam_qt, thang_qt, findings, claims, amount
FROM review.savings
ORDER BY amount DESC, rule_code
LIMIT 20;
