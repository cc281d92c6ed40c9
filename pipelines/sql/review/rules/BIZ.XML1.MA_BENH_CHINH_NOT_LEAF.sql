-- code: BIZ.XML1.MA_BENH_CHINH_NOT_LEAF
-- severity: info
-- table: XML1
-- field: MA_BENH_CHINH
-- message_vi: Mã bệnh chính là mã ICD-10 có phân nhóm chi tiết hơn (không phải mã lá theo WHO)
-- message_en: The principal diagnosis is an ICD-10 code that has subdivisions (not a WHO leaf code)
-- grain: one row per offending claim
-- source: data/catalogs/README.md icd10.csv is_billable (WHO rule; the MoH list accepts some 3-character codes, so information only)
-- enabled: true
-- amount: 0: a coding or format error the facility corrects and resends; what the fund pays does not follow from this field (the lines' money is priced by the catalogue and formula rules)
SELECT
    x1.macskcb,
    x1.ma_lk,
    'XML1' AS loaihoso,
    'MA_BENH_CHINH' AS field,
    x1.ma_benh_chinh AS value,
    0 AS amount
FROM chk.xml1 AS x1
JOIN ref.icd10 AS i ON i.code = trim(x1.ma_benh_chinh)
WHERE NOT i.is_billable
