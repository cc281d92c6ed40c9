-- object: review.rules
-- grain: one row per review rule (one rule file in pipelines/sql/review/rules/)
-- description: the rule catalogue: code, severity, table and field checked, messages in Vietnamese and English, whether it runs, its SQL file, its grain and the rule source
CREATE OR REPLACE TABLE review.rules (
    rule_code  VARCHAR PRIMARY KEY,  -- BIZ.<table>.<NAME>, the rule file's name
    severity   VARCHAR NOT NULL,     -- error | warning | info
    table_name VARCHAR NOT NULL,     -- XML1 … XML15: the table the finding points at
    field      VARCHAR NOT NULL,     -- the standard's field name(s) checked
    message_vi VARCHAR NOT NULL,
    message_en VARCHAR NOT NULL,
    enabled    BOOLEAN NOT NULL,     -- false: the rule is not run and its findings are hidden
    sql_file   VARCHAR NOT NULL,     -- path of the rule file in the repository
    grain      VARCHAR NOT NULL,     -- one row per offending claim | per offending line
    source     VARCHAR NOT NULL      -- STANDARD.md section or checker the rule implements
)
