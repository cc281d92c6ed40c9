-- object: ref.card_groups
-- grain: one row per card group code (the first 2 characters of MA_THE_BHYT)
-- description: card groups with their usual benefit level and the percent the fund pays, from data/catalogs/card_groups.csv (one non-authoritative source, see data/catalogs/README.md)
CREATE OR REPLACE TABLE ref.card_groups AS
SELECT
    group_code,
    TRY_CAST(nullif(benefit_level, '') AS INTEGER) AS benefit_level,
    TRY_CAST(nullif(fund_pays_percent, '') AS INTEGER) AS fund_pays_percent,
    note
FROM read_csv('${catalog_dir}/card_groups.csv', header = true, all_varchar = true)
