-- object: ref.ma_doituong_kcb
-- grain: one row per category of visit MA_DOITUONG_KCB (QĐ 3276 Phụ lục 1; codes are text, 1.1 ≠ 1.10)
-- description: categories of visit with the factor applied to the card's benefit level before and from 01/07/2026 (empty where the decision gives no single number), from data/catalogs/ma_doituong_kcb.csv
CREATE OR REPLACE TABLE ref.ma_doituong_kcb AS
SELECT
    ma_doituong_kcb,
    ten,
    TRY_CAST(nullif(factor_before_20260701, '') AS DECIMAL(6, 3)) AS factor_before_20260701,
    TRY_CAST(nullif(factor_from_20260701, '') AS DECIMAL(6, 3)) AS factor_from_20260701,
    note
FROM read_csv('${catalog_dir}/ma_doituong_kcb.csv', header = true, all_varchar = true)
