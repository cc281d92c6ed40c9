-- code: BIZ.XML1.MA_KHOA_NOT_REGISTERED
-- severity: warning
-- table: XML1
-- field: MA_KHOA
-- message_vi: Khoa điều trị của hồ sơ (MA_KHOA) không có trong danh mục khoa phòng đã đăng ký của cơ sở
-- message_en: A department of the stay (MA_KHOA) is not on the facility's registered department list
-- grain: one row per unknown department code
-- source: QĐ 130/4750 Bảng 1 #35 (MA_KHOA: the departments of the stay, ';'-separated), Bảng 7 (MA_KHOA_RV); data/catalogs/README.md (the facility's approved list, loaded with bhyt-etl catalog load)
-- enabled: true
-- amount: 0: a coding or format error the facility corrects and resends; what the fund pays does not follow from this field (the lines' money is priced by the catalogue and formula rules)
WITH codes AS (
    SELECT macskcb, ma_lk, CAST(ngay_ra AS DATE) AS day, trim(unnest(string_split(ma_khoa, ';'))) AS code
    FROM chk.xml1
    WHERE nullif(trim(ma_khoa), '') IS NOT NULL AND ngay_ra IS NOT NULL
)
SELECT
    c.macskcb,
    c.ma_lk,
    'XML1' AS loaihoso,
    'MA_KHOA' AS field,
    concat('MA_KHOA=', c.code, ' not registered') AS value,
    0 AS amount
FROM codes AS c
WHERE c.code <> ''
    AND EXISTS (
        SELECT 1 FROM ref.catalog_versions AS v
        WHERE v.kind = 'beds' AND v.macskcb = c.macskcb AND c.day BETWEEN v.valid_from AND v.valid_to
    )
    AND NOT EXISTS (
        SELECT 1 FROM ref.catalog_beds AS d
        WHERE d.macskcb = c.macskcb AND d.ma_khoa = c.code AND c.day BETWEEN d.valid_from AND d.valid_to
    )
