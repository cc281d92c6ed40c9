-- object: review.rule_hit_rates
-- grain: one row per review rule
-- description: how often each rule fires, so that noisy rules are visible: claims checked (every current claim when the rule is enabled, since the nightly build reviews all of them; 0 when disabled), claims hit, findings and hit rate = claims hit / claims checked
-- column rule_code: the rule, BIZ.<table>.<NAME> (review.rules; its SQL file is review.rules.sql_file)
-- column severity: the rule's severity: error, warning or info
-- column table_name: the claim table the rule's findings point at: XML1 … XML15
-- column field: the standard's field name(s) the rule checks
-- column enabled: whether the rule runs (false: disabled, its findings are hidden and nothing is counted)
-- column claims_checked: current claims the rule checked: every claim in core.claim_current when enabled, 0 when disabled
-- column claims_hit: distinct current claims (macskcb, ma_lk) with at least one finding of the rule in review.findings
-- column findings: findings of the rule in review.findings (a claim can have several, e.g. one per offending line)
-- column hit_rate: claims_hit / claims_checked, rounded to 4 decimals (0.0125 = 1.25 % of claims); NULL when the rule is disabled or there are no claims
CREATE OR REPLACE VIEW review.rule_hit_rates AS
WITH checked AS (
    SELECT count(*) AS n FROM core.claim_current
),
hits AS (
    SELECT rule_code, count(DISTINCT (macskcb, ma_lk)) AS claims_hit, count(*) AS findings
    FROM review.findings
    GROUP BY rule_code
)
SELECT
    r.rule_code,
    r.severity,
    r.table_name,
    r.field,
    r.enabled,
    CASE WHEN r.enabled THEN c.n ELSE 0 END AS claims_checked,
    coalesce(h.claims_hit, 0) AS claims_hit,
    coalesce(h.findings, 0) AS findings,
    CASE WHEN r.enabled AND c.n > 0 THEN round(coalesce(h.claims_hit, 0) / c.n, 4) END AS hit_rate
FROM review.rules AS r
CROSS JOIN checked AS c
LEFT JOIN hits AS h ON h.rule_code = r.rule_code
ORDER BY hit_rate DESC NULLS LAST, r.rule_code
