-- object: ref.ma_loai_kcb
-- grain: one row per type of care MA_LOAI_KCB (QĐ 824 Phụ lục 1, 01–09)
-- description: types of care with the inpatient flag, the SO_NGAY_DTRI rule and which of XML5/XML7/XML8 the type requires, from data/catalogs/ma_loai_kcb.csv
-- param catalog_dir: the folder of the reference catalogues (data/catalogs unless load_reference is given another)
-- column ma_loai_kcb: MA_LOAI_KCB: type of care as 2-digit text, 01–09 (XML1, QĐ 824 Phụ lục 1 / STANDARD.md §4.2)
-- column ten: name of the type of care, in Vietnamese (wording of 05, 06, 08 unchecked)
-- column name_en: name of the type of care, in English
-- column inpatient: true for the inpatient types 03, 04, 09 (used by the overlapping-stay rules); 06 observation stay is false
-- column so_ngay_dtri_rule: how SO_NGAY_DTRI is counted (STANDARD.md §5.3): zero, discharge_minus_admission_plus_1, days_of_drug_supply or days_with_technical_services
-- column requires_xml5: true when the type requires XML5 clinical progress notes (02–06, 08, 09)
-- column requires_xml7: true when the type requires XML7, the discharge certificate (03, 04, 09)
-- column requires_xml8: true when the type requires XML8, the medical-record summary (03, 04, 06)
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
