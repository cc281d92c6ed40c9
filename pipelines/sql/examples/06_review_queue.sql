-- title: A reviewer's queue: the claims of one facility and month with the most money at stake first
-- grain: one row per claim with at least one finding
SELECT macskcb, nam_qt, thang_qt, priority, ma_lk, amount_at_stake, top_severity, errors, warnings, rule_codes, t_bhtt
FROM review.queue
WHERE macskcb = (SELECT min(macskcb) FROM review.queue)
ORDER BY nam_qt, thang_qt, priority
LIMIT 20;
