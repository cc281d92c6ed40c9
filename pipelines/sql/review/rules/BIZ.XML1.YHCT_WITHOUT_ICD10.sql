-- code: BIZ.XML1.YHCT_WITHOUT_ICD10
-- severity: warning
-- table: XML1
-- field: MA_BENH_YHCT, MA_BENH_CHINH
-- message_vi: Có mã bệnh YHCT (MA_BENH_YHCT) nhưng mã ICD-10 tương ứng trong danh mục YHCT không có trong chẩn đoán (MA_BENH_CHINH, MA_BENH_KT)
-- message_en: A YHCT disease code (MA_BENH_YHCT) is given, but the ICD-10 code the YHCT list pairs it with is not among the diagnoses (MA_BENH_CHINH, MA_BENH_KT)
-- grain: one row per offending code
-- source: QĐ 130/4750 Bảng 1 #27–29 (the ICD-10 diagnosis goes with the YHCT one); data/catalogs/README.md (yhct kind: ICD10_CODE of each YHCT code)
-- enabled: true
-- amount: 0: a coding or format error the facility corrects and resends; what the fund pays does not follow from this field (the lines' money is priced by the catalogue and formula rules)
WITH codes AS (
    SELECT macskcb, ma_lk, ngay_ra, ma_benh_chinh, ma_benh_kt, trim(unnest(string_split(ma_benh_yhct, ';'))) AS code
    FROM chk.xml1
    WHERE nullif(trim(ma_benh_yhct), '') IS NOT NULL
)
SELECT
    c.macskcb,
    c.ma_lk,
    'XML1' AS loaihoso,
    'MA_BENH_YHCT, MA_BENH_CHINH' AS field,
    concat('MA_BENH_YHCT=', c.code, ' goes with ICD-10 ', y.ma_icd10, ', not among the diagnoses') AS value,
    0 AS amount
FROM codes AS c
JOIN ref.catalog_yhct AS y
    ON y.ma_benh_yhct = c.code AND CAST(c.ngay_ra AS DATE) BETWEEN y.valid_from AND y.valid_to
WHERE nullif(trim(y.ma_icd10), '') IS NOT NULL
    AND trim(y.ma_icd10) <> coalesce(trim(c.ma_benh_chinh), '')
    AND NOT list_contains(list_transform(string_split(coalesce(c.ma_benh_kt, ''), ';'), lambda k: trim(k)), trim(y.ma_icd10))
