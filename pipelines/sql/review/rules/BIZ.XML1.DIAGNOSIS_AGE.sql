-- code: BIZ.XML1.DIAGNOSIS_AGE
-- severity: warning
-- table: XML1
-- field: MA_BENH_CHINH, MA_BENH_KT
-- message_vi: Chẩn đoán không phù hợp tuổi người bệnh (ví dụ chương P bệnh lý chu sinh ở người lớn, thai sản ngoài độ tuổi sinh đẻ)
-- message_en: A diagnosis does not fit the patient's age (e.g. chapter P perinatal conditions in an adult, pregnancy outside the reproductive ages)
-- grain: one row per offending claim and code
-- source: data/catalogs/README.md icd10.csv age_min_years/age_max_years (heuristics from ICD-10 titles; plausibility, hence a warning)
-- note: age at NGAY_VAO in completed years; with an unknown birth month/day (0000) the claim is flagged only if
--   every possible birth date of that year gives an age outside the range.
-- enabled: true
-- amount: 0: a coding or format error the facility corrects and resends; what the fund pays does not follow from this field (the lines' money is priced by the catalogue and formula rules)
WITH people AS (
    SELECT
        macskcb, ma_lk, ma_benh_chinh, ma_benh_kt,
        CAST(ngay_vao AS DATE) AS vao,
        TRY_CAST(substr(ngay_sinh, 1, 4) AS INTEGER) AS y,
        CAST(try_strptime(substr(ngay_sinh, 1, 8), '%Y%m%d') AS DATE) AS birth
    FROM chk.xml1
    WHERE ngay_sinh IS NOT NULL AND ngay_vao IS NOT NULL
),
ages AS (
    SELECT
        *,
        -- youngest and oldest possible age (equal when the full birth date is known)
        date_sub('year', coalesce(birth, make_date(y, 12, 31)), vao) AS age_lo,
        date_sub('year', coalesce(birth, make_date(y, 1, 1)), vao) AS age_hi
    FROM people
    WHERE y IS NOT NULL
),
codes AS (
    SELECT macskcb, ma_lk, age_lo, age_hi, 'MA_BENH_CHINH' AS src, trim(ma_benh_chinh) AS code
    FROM ages
    WHERE ma_benh_chinh IS NOT NULL
    UNION ALL
    SELECT macskcb, ma_lk, age_lo, age_hi, 'MA_BENH_KT', trim(code)
    FROM (SELECT macskcb, ma_lk, age_lo, age_hi, unnest(string_split(ma_benh_kt, ';')) AS code FROM ages)
)
SELECT
    c.macskcb,
    c.ma_lk,
    'XML1' AS loaihoso,
    c.src AS field,
    concat(
        c.code, ' (ages ', coalesce(CAST(i.age_min_years AS VARCHAR), '0'), '-', coalesce(CAST(i.age_max_years AS VARCHAR), ''),
        '); age ', CASE WHEN c.age_lo = c.age_hi THEN CAST(c.age_lo AS VARCHAR) ELSE concat(c.age_lo, '-', c.age_hi) END
    ) AS value,
    0 AS amount
FROM codes AS c
JOIN ref.icd10 AS i ON i.code = c.code
WHERE (i.age_max_years IS NOT NULL AND c.age_lo > i.age_max_years)
   OR (i.age_min_years IS NOT NULL AND c.age_hi < i.age_min_years)
