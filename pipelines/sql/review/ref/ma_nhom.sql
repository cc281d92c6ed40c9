-- object: ref.ma_nhom
-- grain: one row per cost group code MA_NHOM (QĐ 5937 Phụ lục 3, 1–19)
-- description: cost groups with the claim table they belong in (table_name XML2 or XML3) and whether the code is legacy (5, 6, 9, 11), from data/catalogs/ma_nhom.csv
CREATE OR REPLACE TABLE ref.ma_nhom AS
SELECT ma_nhom, ten_nhom, name_en, "table" AS table_name, legacy = '1' AS legacy
FROM read_csv('${catalog_dir}/ma_nhom.csv', header = true, all_varchar = true)
