-- object: ref.provinces
-- grain: one row per 2-digit province code (the 63 provinces before the 2025 merger)
-- description: province codes (characters 4–5 of MA_THE_BHYT, MATINH_CU_TRU) and short names, from data/catalogs/provinces.csv
CREATE OR REPLACE TABLE ref.provinces AS
SELECT province_code, name
FROM read_csv('${catalog_dir}/provinces.csv', header = true, all_varchar = true)
