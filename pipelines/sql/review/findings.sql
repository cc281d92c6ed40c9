-- object: review.findings
-- grain: one row per rule hit on the current version of a claim (per claim or per line, as the rule's grain says)
-- description: review findings of enabled rules on current claim versions: where (macskcb, ma_lk, loaihoso, field), what (value), which rule (rule_code, severity) and why (message_vi, message_en); findings of superseded claim versions and of disabled rules are hidden
CREATE OR REPLACE VIEW review.findings AS
SELECT
    f.macskcb,
    f.ma_lk,
    f.source_sha256,
    c.version,
    f.rule_code,
    f.severity,
    f.loaihoso,
    f.field,
    f.value,
    f.message_vi,
    f.message_en
FROM ${findings_relation} AS f
JOIN core.claim_current AS c
    ON c.macskcb = f.macskcb AND c.ma_lk = f.ma_lk AND c.source_sha256 = f.source_sha256
JOIN review.rules AS r
    ON r.rule_code = f.rule_code AND r.enabled
