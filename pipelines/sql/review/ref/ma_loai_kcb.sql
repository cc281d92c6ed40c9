-- object: ref.ma_loai_kcb
-- grain: one row per type of care MA_LOAI_KCB (QĐ 824 Phụ lục 1, 01–09)
-- description: types of care with the inpatient flag, the SO_NGAY_DTRI rule and which of XML5/XML7/XML8 the type requires, from data/catalogs/ma_loai_kcb.csv
CREATE OR REPLACE TABLE ref.ma_loai_kcb AS
SELECT
    ma_loai_kcb,
    ten,
    name_en,
    inpatient = '1' AS inpatient,
    so_ngay_dtri_rule,
    requires_xml5 = '1' AS requires_xml5,
    requires_xml7 = '1' AS requires_xml7,
    requires_xml8 = '1' AS requires_xml8
FROM read_csv('${catalog_dir}/ma_loai_kcb.csv', header = true, all_varchar = true)
