-- code: BIZ.XML1.MA_BENH_CHINH_ICD10
-- severity: error
-- table: XML1
-- field: MA_BENH_CHINH
-- message_vi: Mã bệnh chính (MA_BENH_CHINH) trống hoặc không có trong danh mục ICD-10
-- message_en: The principal diagnosis (MA_BENH_CHINH) is empty or not an ICD-10 code
-- grain: one row per offending claim
-- source: STANDARD.md §3.3 XML1 #27 (exactly one ICD-10 code) and §4.6; WHO ICD-10 2019 list (ref.icd10)
-- enabled: true
-- amount: 0: a coding or format error the facility corrects and resends; what the fund pays does not follow from this field (the lines' money is priced by the catalogue and formula rules)
SELECT
    x1.macskcb,
    x1.ma_lk,
    'XML1' AS loaihoso,
    'MA_BENH_CHINH' AS field,
    coalesce(x1.ma_benh_chinh, '(empty)') AS value,
    0 AS amount
FROM chk.xml1 AS x1
WHERE nullif(trim(x1.ma_benh_chinh), '') IS NULL
   OR NOT EXISTS (SELECT 1 FROM ref.icd10 AS i WHERE i.code = trim(x1.ma_benh_chinh))
