-- object: review.queue
-- grain: one row per current claim with at least one finding
-- description: the reviewer's work list per facility (macskcb) and settlement period (nam_qt, thang_qt): each claim with findings, counted by severity, with the rules hit and the amounts at stake; priority 1 is reviewed first (most errors, then most warnings, then largest T_BHTT)
CREATE OR REPLACE VIEW review.queue AS
WITH per_claim AS (
    SELECT
        macskcb,
        ma_lk,
        count(*) FILTER (WHERE severity = 'error') AS errors,
        count(*) FILTER (WHERE severity = 'warning') AS warnings,
        count(*) FILTER (WHERE severity = 'info') AS infos,
        list_sort(list(DISTINCT rule_code)) AS rule_codes
    FROM review.findings
    GROUP BY macskcb, ma_lk
)
SELECT
    x1.macskcb,
    x1.nam_qt,
    x1.thang_qt,
    row_number() OVER (
        PARTITION BY x1.macskcb, x1.nam_qt, x1.thang_qt
        ORDER BY p.errors DESC, p.warnings DESC, x1.t_bhtt DESC NULLS LAST, p.ma_lk
    ) AS priority,
    p.ma_lk,
    x1.ma_loai_kcb,
    CASE WHEN p.errors > 0 THEN 'error' WHEN p.warnings > 0 THEN 'warning' ELSE 'info' END AS top_severity,
    p.errors,
    p.warnings,
    p.infos,
    p.rule_codes,
    x1.t_tongchi_bv,
    x1.t_tongchi_bh,
    x1.t_bhtt
FROM per_claim AS p
JOIN core.xml1 AS x1 ON x1.macskcb = p.macskcb AND x1.ma_lk = p.ma_lk
ORDER BY x1.macskcb, x1.nam_qt, x1.thang_qt, priority
