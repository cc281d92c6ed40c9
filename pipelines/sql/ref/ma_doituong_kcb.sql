-- object: ref.ma_doituong_kcb
-- grain: one row per category of visit MA_DOITUONG_KCB (QĐ 3276 Phụ lục 1; codes are text, 1.1 ≠ 1.10)
-- description: categories of visit with the factor applied to the card's benefit level before and from 01/07/2026 (empty where the decision gives no single number), from data/catalogs/ma_doituong_kcb.csv
-- param catalog_dir: the folder of the reference catalogues (data/catalogs unless load_reference is given another)
-- column ma_doituong_kcb: MA_DOITUONG_KCB: category of the visit as text (1.1, 1.10, 2, 3.1, 8 …; XML1, QĐ 3276 Phụ lục 1 / STANDARD.md §4.3)
-- column ten: the category's wording in QĐ 3276 Phụ lục 1, in Vietnamese
-- column factor_before_20260701: multiplier on the card's benefit level for episodes discharged before 01/07/2026 (MUC_HUONG = level × factor); NULL where the decision gives no single number
-- column factor_from_20260701: multiplier on the card's benefit level for episodes discharged from 01/07/2026 (e.g. 1.13, 1.14, 1.18: 0 → 0.5); NULL where the decision gives no single number
-- column note: the decision's benefit text (Vietnamese), or an English explanation where the factor depends on the case (3.1: 0.4 inpatient, 0 outpatient)
CREATE OR REPLACE TABLE ref.ma_doituong_kcb AS
SELECT
    ma_doituong_kcb,
    ten,
    TRY_CAST(nullif(factor_before_20260701, '') AS DECIMAL(6, 3)) AS factor_before_20260701,
    TRY_CAST(nullif(factor_from_20260701, '') AS DECIMAL(6, 3)) AS factor_from_20260701,
    note
FROM read_csv('${catalog_dir}/ma_doituong_kcb.csv', header = true, all_varchar = true)
