-- object: ref.ma_nhom
-- grain: one row per cost group code MA_NHOM (QĐ 5937 Phụ lục 3, 1–19)
-- description: cost groups with the claim table they belong in (table_name XML2 or XML3) and whether the code is legacy (5, 6, 9, 11), from data/catalogs/ma_nhom.csv
-- param catalog_dir: the folder of the reference catalogues (data/catalogs unless load_reference is given another)
-- column ma_nhom: MA_NHOM: cost group code as text, 1–19 (QĐ 5937 Phụ lục 3, QĐ 130 / STANDARD.md §4.4)
-- column ten_nhom: name of the cost group, in Vietnamese (Xét nghiệm, Chẩn đoán hình ảnh …)
-- column name_en: name of the cost group, in English
-- column table_name: the claim table where lines of this group belong: XML2 (drugs, oxygen, blood: 4–7, 17) or XML3 (everything else)
-- column legacy: true for 5, 6, 9, 11, no longer in QĐ 5937 but still accepted by checkers (a warning)
CREATE OR REPLACE TABLE ref.ma_nhom AS
SELECT ma_nhom, ten_nhom, name_en, "table" AS table_name, legacy = '1' AS legacy
FROM read_csv('${catalog_dir}/ma_nhom.csv', header = true, all_varchar = true)
