-- object: review.findings
-- grain: one row per rule hit on the current version of a claim (per claim or per line, as the rule's grain says)
-- description: review findings of enabled rules on current claim versions: where (macskcb, ma_lk, loaihoso, field), what (value), which rule (rule_code, severity) and why (message_vi, message_en); findings of superseded claim versions and of disabled rules are hidden
-- param findings_relation: the table or view holding the findings of every claim version checked (lake.review_findings in a nightly build)
-- column macskcb: MACSKCB: 5-character code of the facility that sent the claim (its landing folder, bound to the signer); with ma_lk it identifies the claim
-- column ma_lk: MA_LK: the claim's episode key (XML1 MA_LK, STANDARD.md §3.3 XML1 #1), unique within the facility; joins to core.xml1 … core.xml15
-- column source_sha256: SHA-256 of the file that carried the claim version checked (always the current version; ops.files.sha256, core.claim_current.source_sha256)
-- column version: number of the claim version checked, i.e. the current one (core.claim_current.version: 1 for the first accepted file, +1 for each resend)
-- column rule_code: the rule that fired, BIZ.<table>.<NAME> (review.rules; its SQL file is review.rules.sql_file)
-- column severity: error (contradicts a formula or a required rule of the standard; a clean claim never gets one), warning (plausibility, or a rule the sources disagree on) or info
-- column loaihoso: the claim table (LOAIHOSO) the finding points at: XML1 … XML15
-- column field: the standard's field name(s) the finding is about, e.g. T_BHTT, MA_BENH_CHINH, NGAY_VAO, NGAY_RA (as in review.rules.field)
-- column value: the offending value as text, often with what was expected (for line rules it starts with the line's STT, e.g. 'STT 3: DON_GIA_BH=…'); never a patient identifier
-- column message_vi: what is wrong and what to do, in Vietnamese (the rule's message_vi)
-- column message_en: what is wrong and what to do, in English (the rule's message_en)
-- column amount: the money at stake, VND: what the fund would not pay if the finding holds (the line's T_BHTT, or the part above the approved price times the quantity and the fund's share); 0 when the rule has no money consequence (a companion document, a code the payment does not follow); every rule gives one, review.rules.amount says what it is
-- column ruleset: the rule-set version that produced the finding (a hash of the rules and of the catalogue versions loaded; bhyt-etl review --recheck writes the findings again under the new version)
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
    f.message_en,
    f.amount,
    f.ruleset
FROM ${findings_relation} AS f
JOIN core.claim_current AS c
    ON c.macskcb = f.macskcb AND c.ma_lk = f.ma_lk AND c.source_sha256 = f.source_sha256
JOIN review.rules AS r
    ON r.rule_code = f.rule_code AND r.enabled
