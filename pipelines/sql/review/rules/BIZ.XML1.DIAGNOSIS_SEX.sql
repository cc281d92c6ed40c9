-- code: BIZ.XML1.DIAGNOSIS_SEX
-- severity: warning
-- table: XML1
-- field: MA_BENH_CHINH, MA_BENH_KT
-- message_vi: Chẩn đoán không phù hợp giới tính người bệnh (ví dụ chương O thai sản ở nam, C61/N40 tuyến tiền liệt ở nữ)
-- message_en: A diagnosis does not fit the patient's sex (e.g. chapter O pregnancy for a male, prostate C61/N40 for a female)
-- grain: one row per offending claim and code
-- source: data/catalogs/README.md icd10.csv sex_restriction (derived from ICD-10 titles; plausibility, hence a warning); GIOI_TINH 1 male, 2 female (STANDARD.md §4.1)
-- enabled: true
-- amount: 0: a coding or format error the facility corrects and resends; what the fund pays does not follow from this field (the lines' money is priced by the catalogue and formula rules)
WITH codes AS (
    SELECT macskcb, ma_lk, gioi_tinh, 'MA_BENH_CHINH' AS src, trim(ma_benh_chinh) AS code
    FROM chk.xml1
    WHERE ma_benh_chinh IS NOT NULL
    UNION ALL
    SELECT macskcb, ma_lk, gioi_tinh, 'MA_BENH_KT', trim(code)
    FROM (SELECT macskcb, ma_lk, gioi_tinh, unnest(string_split(ma_benh_kt, ';')) AS code FROM chk.xml1)
)
SELECT
    c.macskcb,
    c.ma_lk,
    'XML1' AS loaihoso,
    c.src AS field,
    concat(c.code, ' (', CASE i.sex_restriction WHEN 'F' THEN 'female' ELSE 'male' END, ' only); GIOI_TINH=', c.gioi_tinh) AS value,
    0 AS amount
FROM codes AS c
JOIN ref.icd10 AS i ON i.code = c.code
WHERE (i.sex_restriction = 'F' AND c.gioi_tinh = '1')
   OR (i.sex_restriction = 'M' AND c.gioi_tinh = '2')
