-- object: ref.provinces
-- grain: one row per 2-digit province code (the 63 provinces before the 2025 merger)
-- description: province codes (characters 4–5 of MA_THE_BHYT, MATINH_CU_TRU) and short names, from data/catalogs/provinces.csv
-- param catalog_dir: the folder of the reference catalogues (data/catalogs unless load_reference is given another)
-- column province_code: 2-digit province code (QĐ 124/2004/QĐ-TTg), as in characters 4–5 of MA_THE_BHYT and in MATINH_CU_TRU (XML1)
-- column name: short name of the province before the 2025 merger (Hà Nội, TP Hồ Chí Minh …)
CREATE OR REPLACE TABLE ref.provinces AS
SELECT province_code, name
FROM read_csv('${catalog_dir}/provinces.csv', header = true, all_varchar = true)
