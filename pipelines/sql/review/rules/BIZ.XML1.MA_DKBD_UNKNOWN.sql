-- code: BIZ.XML1.MA_DKBD_UNKNOWN
-- severity: warning
-- table: XML1
-- field: MA_DKBD
-- message_vi: Mã nơi đăng ký KCB ban đầu (MA_DKBD) không có trong danh sách cơ sở KCB
-- message_en: The registered primary-care facility (MA_DKBD) is not on the facility list
-- grain: one row per unknown code
-- source: QĐ 130/4750 Bảng 1 (MA_DKBD, MA_NOI_DI, MA_NOI_DEN: 5-character facility codes of the fund's list), Bảng 13; data/catalogs/README.md (facilities kind: the fund's facility list, loaded with bhyt-etl catalog load)
-- enabled: true
-- amount: 0 (not estimated): the money consequence is a lower benefit factor for an out-of-route visit, which depends on the route the reviewer settles; the MUC_HUONG rules price a MUC_HUONG that does not follow the claimed route
WITH codes AS (
    SELECT macskcb, ma_lk, 'MA_DKBD' AS field, trim(unnest(string_split(ma_dkbd, ';'))) AS code FROM chk.xml1 WHERE nullif(trim(ma_dkbd), '') IS NOT NULL
)
SELECT
    c.macskcb,
    c.ma_lk,
    'XML1' AS loaihoso,
    c.field,
    concat(c.field, '=', c.code, ' is not on the facility list') AS value,
    0 AS amount
FROM codes AS c
JOIN chk.xml1 AS x1 ON x1.macskcb = c.macskcb AND x1.ma_lk = c.ma_lk
WHERE c.code <> ''
    AND EXISTS (
        SELECT 1 FROM ref.catalog_versions AS v
        WHERE v.kind = 'facilities' AND CAST(x1.ngay_vao AS DATE) BETWEEN v.valid_from AND v.valid_to
    )
    AND NOT EXISTS (
        SELECT 1 FROM ref.catalog_facilities AS f
        WHERE f.ma_cskcb = c.code AND CAST(x1.ngay_vao AS DATE) BETWEEN f.valid_from AND f.valid_to
    )
