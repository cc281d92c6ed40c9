-- object: review.queue
-- grain: one row per current claim with at least one finding
-- description: the reviewer's work list per facility (macskcb) and settlement period (nam_qt, thang_qt): each claim with findings, counted by severity, with the rules hit and the amounts at stake; priority 1 is reviewed first: the most money at stake (amount_at_stake), then most errors, most warnings, largest T_BHTT
-- column macskcb: MACSKCB: 5-character code of the facility that sent the claim; the queue is ranked per facility and settlement period
-- column nam_qt: NAM_QT: settlement year the facility claims the episode in (XML1, STANDARD.md §3.3 XML1 #54)
-- column thang_qt: THANG_QT: settlement month the facility claims the episode in, 1–12 (XML1, STANDARD.md §3.3 XML1 #55)
-- column priority: review order within (macskcb, nam_qt, thang_qt), 1 first: most money at stake, then most errors, most warnings, largest T_BHTT, then MA_LK
-- column ma_lk: MA_LK: the claim's episode key (XML1 MA_LK); look up its findings in review.findings
-- column ma_loai_kcb: MA_LOAI_KCB: type of care of the episode, 01–09 (QĐ 824 Phụ lục 1, STANDARD.md §4.2; names in ref.ma_loai_kcb)
-- column top_severity: the most serious severity among the claim's findings: error, warning or info
-- column errors: number of error findings on the claim (current version, enabled rules)
-- column warnings: number of warning findings on the claim (current version, enabled rules)
-- column infos: number of info findings on the claim (current version, enabled rules)
-- column rule_codes: sorted list of the distinct rules (review.rules.rule_code) that fired on the claim
-- column t_tongchi_bv: T_TONGCHI_BV: total cost of the episode at hospital prices, VND (sum of THANH_TIEN_BV of XML2 and XML3; STANDARD.md §3.3 XML1 #47, §5.2 H3)
-- column t_tongchi_bh: T_TONGCHI_BH: total cost within the insurance scope, VND (sum of THANH_TIEN_BH of XML2 and XML3; STANDARD.md §3.3 XML1 #48, §5.2 H4)
-- column t_bhtt: T_BHTT: amount the facility asks the BHXH fund to pay, VND (= T_TONGCHI_BH − T_BNCCT; STANDARD.md §3.3 XML1 #51, §5.2 H6)
-- column amount_at_stake: what the fund would not pay if the claim's findings hold, VND: the sum of the findings' amounts (review.findings.amount), at most the claim's T_BHTT (two rules on one line do not count it twice beyond the claim)
CREATE OR REPLACE VIEW review.queue AS
WITH per_claim AS (
    SELECT
        macskcb,
        ma_lk,
        count(*) FILTER (WHERE severity = 'error') AS errors,
        count(*) FILTER (WHERE severity = 'warning') AS warnings,
        count(*) FILTER (WHERE severity = 'info') AS infos,
        list_sort(list(DISTINCT rule_code)) AS rule_codes,
        sum(coalesce(amount, 0)) AS amount
    FROM review.findings
    GROUP BY macskcb, ma_lk
)
SELECT
    x1.macskcb,
    x1.nam_qt,
    x1.thang_qt,
    row_number() OVER (
        PARTITION BY x1.macskcb, x1.nam_qt, x1.thang_qt
        ORDER BY
            least(p.amount, greatest(coalesce(x1.t_bhtt, 0), 0)) DESC,
            p.errors DESC,
            p.warnings DESC,
            x1.t_bhtt DESC NULLS LAST,
            p.ma_lk
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
    x1.t_bhtt,
    CAST(least(p.amount, greatest(coalesce(x1.t_bhtt, 0), 0)) AS DECIMAL(18, 2)) AS amount_at_stake
FROM per_claim AS p
JOIN core.xml1 AS x1 ON x1.macskcb = p.macskcb AND x1.ma_lk = p.ma_lk
ORDER BY x1.macskcb, x1.nam_qt, x1.thang_qt, priority
