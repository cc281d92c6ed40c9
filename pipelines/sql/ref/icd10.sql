-- object: ref.icd10
-- grain: one row per ICD-10 code (WHO ICD-10 2019 category or subcategory, with the dot: A09, J18.9)
-- description: the ICD-10 codes rules check MA_BENH_CHINH / MA_BENH_KT against, with is_billable (WHO leaf) and the plausibility limits sex_restriction (F/M) and age_min_years/age_max_years derived from the titles (data/catalogs/icd10.csv, see data/catalogs/README.md)
-- param catalog_dir: the folder of the reference catalogues (data/catalogs unless load_reference is given another)
-- column code: ICD-10 code with the dot (A09, J18.9), as written in MA_BENH_CHINH / MA_BENH_KT (XML1) and MA_BENH (XML3)
-- column title_en: English WHO ICD-10 2019 title (no Vietnamese title: the MoH list QĐ 4469/2020 was not available)
-- column chapter: ICD-10 chapter as a Roman numeral, I … XXII
-- column block: innermost ICD-10 block, e.g. A00-A09
-- column is_billable: true when the code is a WHO leaf (has no subdivisions); a non-leaf MA_BENH_CHINH is a warning, the MoH list may differ
-- column sex_restriction: F or M when the code only fits that sex (compared with XML1 GIOI_TINH 2 female / 1 male); NULL when none; our heuristic from the titles
-- column age_min_years: youngest plausible age in completed years at NGAY_VAO (e.g. 10 for pregnancy codes O00–O99); NULL when none; heuristic, for warnings
-- column age_max_years: oldest plausible age in completed years at NGAY_VAO (e.g. 1 for perinatal codes P00–P96, 0 for Z38); NULL when none; heuristic, for warnings
CREATE OR REPLACE TABLE ref.icd10 AS
SELECT
    code,
    title_en,
    chapter,
    block,
    is_billable = '1' AS is_billable,
    nullif(sex_restriction, '') AS sex_restriction,
    TRY_CAST(nullif(age_min_years, '') AS INTEGER) AS age_min_years,
    TRY_CAST(nullif(age_max_years, '') AS INTEGER) AS age_max_years
FROM read_csv('${catalog_dir}/icd10.csv', header = true, all_varchar = true)
