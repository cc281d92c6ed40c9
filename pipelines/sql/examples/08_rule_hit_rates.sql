-- title: Which rules fire how often (a noisy rule is a rule to fix or switch off)
-- grain: one row per rule
SELECT rule_code, severity, enabled, claims_checked, claims_hit, round(hit_rate * 100, 1) AS hit_pct
FROM review.rule_hit_rates
ORDER BY hit_rate DESC NULLS LAST, rule_code
LIMIT 15;
