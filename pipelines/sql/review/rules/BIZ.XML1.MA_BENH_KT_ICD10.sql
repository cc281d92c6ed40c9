-- code: BIZ.XML1.MA_BENH_KT_ICD10
-- severity: error
-- table: XML1
-- field: MA_BENH_KT
-- message_vi: Mã bệnh kèm theo (MA_BENH_KT) có mã không thuộc danh mục ICD-10
-- message_en: A secondary diagnosis (MA_BENH_KT) is not an ICD-10 code
-- grain: one row per offending claim and code
-- source: STANDARD.md §3.3 XML1 #28 (';'-separated ICD-10 codes) and §4.6; WHO ICD-10 2019 list (ref.icd10)
-- enabled: true
-- amount: 0: a coding or format error the facility corrects and resends; what the fund pays does not follow from this field (the lines' money is priced by the catalogue and formula rules)
WITH codes AS (
    SELECT macskcb, ma_lk, trim(code) AS code
    FROM (SELECT macskcb, ma_lk, unnest(string_split(ma_benh_kt, ';')) AS code FROM chk.xml1)
)
SELECT
    macskcb,
    ma_lk,
    'XML1' AS loaihoso,
    'MA_BENH_KT' AS field,
    code AS value,
    0 AS amount
FROM codes
WHERE code <> '' AND code NOT IN (SELECT code FROM ref.icd10)
