-- title: What exactly is wrong with one claim, field by field, in both languages
-- grain: one row per finding of the claim
SELECT loaihoso, field, value, rule_code, severity, message_vi, message_en
FROM review.findings
WHERE (macskcb, ma_lk) = (SELECT (macskcb, ma_lk) FROM review.queue ORDER BY priority LIMIT 1)
ORDER BY severity, rule_code;
