-- object: ref.icd10
-- grain: one row per ICD-10 code (WHO ICD-10 2019 category or subcategory, with the dot: A09, J18.9)
-- description: the ICD-10 codes rules check MA_BENH_CHINH / MA_BENH_KT against, with is_billable (WHO leaf) and the plausibility limits sex_restriction (F/M) and age_min_years/age_max_years derived from the titles (data/catalogs/icd10.csv, see data/catalogs/README.md)
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
