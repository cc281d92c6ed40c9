-- code: BIZ.${table}.MA_BENH_CHINH_ASTERISK
-- severity: warning
-- tables: XML1, XML13, XML14
-- field: MA_BENH_CHINH
-- message_vi: Mã bệnh chính (MA_BENH_CHINH) là mã dấu sao (*) của ICD-10, chỉ là biểu hiện của một bệnh khác: ghi mã dấu thập (†) của bệnh nguyên nhân làm bệnh chính, mã dấu sao làm bệnh kèm theo
-- message_en: The main diagnosis (MA_BENH_CHINH) is an ICD-10 asterisk (*) code, a manifestation of another disease: the dagger (†) code of the underlying disease is the main diagnosis, the asterisk code a secondary one
-- grain: one row per offending claim
-- source: WHO ICD-10 2019 Volume 2 §3.1.3 (dagger and asterisk: the dagger code is the primary code, the asterisk code additional); data/catalogs/icd10_asterisk.csv (ref.icd10_asterisk); QĐ 130/4750 Bảng 1 #27 (MA_BENH_CHINH: the ICD-10 code of the main disease)
-- enabled: true
-- note: amount 0: the code is wrong, not the money; the fund pays the claim once the main diagnosis is the underlying (dagger) disease. The list is the 83 WHO asterisk categories (see data/catalogs/README.md for its trust)
-- amount: 0: the code is wrong, not the money; the fund pays the claim once the main diagnosis is the underlying (dagger) disease
SELECT
    d.macskcb,
    d.ma_lk,
    '${table}' AS loaihoso,
    'MA_BENH_CHINH' AS field,
    concat('MA_BENH_CHINH=', trim(d.ma_benh_chinh), ' (', a.code, '* ', a.title_en, ')') AS value,
    CAST(0 AS DECIMAL(18, 2)) AS amount
FROM chk.${t} AS d
JOIN ref.icd10_asterisk AS a ON a.code = upper(left(trim(d.ma_benh_chinh), 3))
WHERE nullif(trim(d.ma_benh_chinh), '') IS NOT NULL
