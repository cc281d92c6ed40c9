-- code: BIZ.${table}.MA_BENH_CHINH_ICD10
-- severity: error
-- tables: XML13, XML14
-- field: MA_BENH_CHINH
-- message_vi: Mã bệnh chính (MA_BENH_CHINH) của giấy không phải mã ICD-10
-- message_en: The paper's main diagnosis (MA_BENH_CHINH) is not an ICD-10 code
-- grain: one row per offending claim
-- source: QĐ 130/4750 Bảng 13 and Bảng 14 (MA_BENH_CHINH: ICD-10); WHO ICD-10 2019 (data/catalogs/icd10.csv)
-- enabled: true
-- amount: 0: a coding or format error the facility corrects and resends; what the fund pays does not follow from this field (the lines' money is priced by the catalogue and formula rules)
SELECT
    macskcb,
    ma_lk,
    '${table}' AS loaihoso,
    'MA_BENH_CHINH' AS field,
    concat('MA_BENH_CHINH=', ma_benh_chinh, ' is not an ICD-10 code') AS value,
    0 AS amount
FROM chk.${t}
WHERE nullif(trim(ma_benh_chinh), '') IS NOT NULL AND trim(ma_benh_chinh) NOT IN (SELECT code FROM ref.icd10)
