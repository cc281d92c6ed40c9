-- object: ref.card_groups
-- grain: one row per card group code (the first 2 characters of MA_THE_BHYT)
-- description: card groups with their usual benefit level and the percent the fund pays, from data/catalogs/card_groups.csv (one non-authoritative source, see data/catalogs/README.md)
-- param catalog_dir: the folder of the reference catalogues (data/catalogs unless load_reference is given another)
-- column group_code: beneficiary group, the first 2 letters of MA_THE_BHYT (DN, HT, TE, QN …; STANDARD.md §4.5)
-- column benefit_level: benefit level (1–5) usually printed on this group's cards (character 3 of MA_THE_BHYT); NULL where unknown (TV); medium reliability, the card itself rules
-- column fund_pays_percent: percent of in-scope cost the fund pays at that level (100, 95 or 80); NULL where unknown
-- column note: who the group covers and its benefit, mostly in Vietnamese (from the source); for TV, why the level is empty
CREATE OR REPLACE TABLE ref.card_groups AS
SELECT
    group_code,
    TRY_CAST(nullif(benefit_level, '') AS INTEGER) AS benefit_level,
    TRY_CAST(nullif(fund_pays_percent, '') AS INTEGER) AS fund_pays_percent,
    note
FROM read_csv('${catalog_dir}/card_groups.csv', header = true, all_varchar = true)
