-- object: ref.benefit_levels
-- grain: one row per card benefit level (character 3 of MA_THE_BHYT, 1–5)
-- description: the percent of in-scope cost the fund pays for each benefit level printed on the card (1, 2, 5: 100; 3: 95; 4: 80; STANDARD.md §4.5), derived from data/catalogs/card_groups.csv
-- param catalog_dir: the folder of the reference catalogues (data/catalogs unless load_reference is given another)
-- column benefit_level: benefit level printed on the card, character 3 of MA_THE_BHYT, 1–5 (STANDARD.md §4.5)
-- column fund_pays_percent: percent of in-scope cost the fund pays at that level (1, 2, 5: 100; 3: 95; 4: 80), before the MA_DOITUONG_KCB factor; compared with MUC_HUONG of XML2/XML3 lines
CREATE OR REPLACE TABLE ref.benefit_levels AS
SELECT DISTINCT
    CAST(benefit_level AS INTEGER) AS benefit_level,
    CAST(fund_pays_percent AS INTEGER) AS fund_pays_percent
FROM read_csv('${catalog_dir}/card_groups.csv', header = true, all_varchar = true)
WHERE nullif(benefit_level, '') IS NOT NULL
ORDER BY benefit_level
