-- code: BIZ.XML1.NGAY_SINH_AFTER_NGAY_VAO
-- severity: error
-- table: XML1
-- field: NGAY_SINH
-- message_vi: Ngày sinh (NGAY_SINH) sau thời điểm vào (NGAY_VAO)
-- message_en: The birth date (NGAY_SINH) is after the admission (NGAY_VAO)
-- grain: one row per offending claim
-- source: STANDARD.md §3.2 (NGAY_SINH yyyyMMddHHmm, month and day may be 00 when unknown) and §5.3
-- enabled: true
-- amount: 0: the finding is about a companion document or a field the payment does not depend on; nothing the fund pays changes when it is corrected
WITH c AS (
    SELECT
        macskcb,
        ma_lk,
        ngay_sinh,
        ngay_vao,
        TRY_CAST(substr(ngay_sinh, 1, 4) AS INTEGER) AS y,
        TRY_CAST(substr(ngay_sinh, 5, 2) AS INTEGER) AS m,
        TRY_CAST(substr(ngay_sinh, 7, 2) AS INTEGER) AS d
    FROM chk.xml1
    WHERE ngay_sinh IS NOT NULL AND ngay_vao IS NOT NULL
),
earliest AS (
    -- earliest possible birth date (an unknown month or day counts as the 1st)
    SELECT
        *,
        coalesce(
            CAST(try_strptime(substr(ngay_sinh, 1, 8), '%Y%m%d') AS DATE),
            make_date(y, CASE WHEN m BETWEEN 1 AND 12 THEN m ELSE 1 END, 1)
        ) AS birth
    FROM c
    WHERE y IS NOT NULL
)
SELECT
    macskcb,
    ma_lk,
    'XML1' AS loaihoso,
    'NGAY_SINH' AS field,
    -- the birth date itself is personal data: only how far it lies after the admission is shown
    concat('NGAY_SINH is ', date_diff('day', CAST(ngay_vao AS DATE), birth), ' day(s) after NGAY_VAO') AS value,
    0 AS amount
FROM earliest
WHERE birth > CAST(ngay_vao AS DATE)
