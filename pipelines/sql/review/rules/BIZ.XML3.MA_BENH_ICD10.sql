-- code: BIZ.XML3.MA_BENH_ICD10
-- severity: error
-- table: XML3
-- field: MA_BENH
-- message_vi: Mã bệnh của dòng dịch vụ (MA_BENH) không phải mã ICD-10
-- message_en: The line's diagnosis code (MA_BENH) is not an ICD-10 code
-- grain: one row per unknown code
-- source: QĐ 130/4750 Bảng 3 #35 (MA_BENH: ICD-10 codes of the diseases the service treats); WHO ICD-10 2019 (data/catalogs/icd10.csv)
-- enabled: true
-- amount: 0: a coding or format error the facility corrects and resends; what the fund pays does not follow from this field (the lines' money is priced by the catalogue and formula rules)
WITH codes AS (
    SELECT macskcb, ma_lk, stt, trim(unnest(string_split(ma_benh, ';'))) AS code
    FROM chk.xml3
    WHERE nullif(trim(ma_benh), '') IS NOT NULL
)
SELECT
    macskcb,
    ma_lk,
    'XML3' AS loaihoso,
    'MA_BENH' AS field,
    concat('STT ', stt, ': MA_BENH=', code, ' is not an ICD-10 code') AS value,
    0 AS amount
FROM codes
WHERE code <> '' AND code NOT IN (SELECT code FROM ref.icd10)
