-- object: review.rules
-- grain: one row per review rule (a file of pipelines/sql/review/rules/ holds one rule, or one per table it lists)
-- description: the rule catalogue: code, severity, table and field checked, messages in Vietnamese and English, whether it runs, its SQL file, its grain and the rule source
-- column rule_code: the rule's code, BIZ.<table>.<NAME>: the name of its file, or for a rule of several tables (BIZ.XML2+XML3.<NAME>.sql) one code per table
-- column severity: error (contradicts a formula or a required rule of the standard), warning (plausibility, or a rule the sources disagree on) or info
-- column table_name: the claim table the rule's findings point at: XML1 … XML15
-- column field: the standard's field name(s) the rule checks, e.g. T_BHTT or NGAY_VAO, NGAY_RA
-- column message_vi: the message a finding of the rule carries, in Vietnamese: what is wrong and what to do
-- column message_en: the message a finding of the rule carries, in English: what is wrong and what to do
-- column enabled: whether the rule runs; false: it is not run and its findings are hidden from review.findings
-- column sql_file: path of the rule file in the repository (its header and its SELECT)
-- column grain: what one finding of the rule stands for: one row per offending claim, per offending line, or per claim and another key (card, code, overlapping claim …)
-- column source: the STANDARD.md section, decision or checker the rule implements (why the rule exists)
-- column amount: what a finding's amount is (review.findings.amount, VND): the money the fund would not pay if the finding holds (the line's T_BHTT, the claim's T_BHTT, the overpaid part of a formula or price), or why it is 0 (the rule file's amount header)
CREATE OR REPLACE TABLE review.rules (
    rule_code  VARCHAR PRIMARY KEY,  -- BIZ.<table>.<NAME>
    severity   VARCHAR NOT NULL,     -- error | warning | info
    table_name VARCHAR NOT NULL,     -- XML1 … XML15: the table the finding points at
    field      VARCHAR NOT NULL,     -- the standard's field name(s) checked
    message_vi VARCHAR NOT NULL,
    message_en VARCHAR NOT NULL,
    enabled    BOOLEAN NOT NULL,     -- false: the rule is not run and its findings are hidden
    sql_file   VARCHAR NOT NULL,     -- path of the rule file in the repository
    grain      VARCHAR NOT NULL,     -- one row per offending claim | per offending line
    source     VARCHAR NOT NULL,     -- STANDARD.md section or checker the rule implements
    amount     VARCHAR NOT NULL      -- what a finding's amount is (the rule file's amount header)
)
