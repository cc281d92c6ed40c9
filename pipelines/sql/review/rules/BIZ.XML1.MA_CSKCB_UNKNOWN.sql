-- code: BIZ.XML1.MA_CSKCB_UNKNOWN
-- severity: warning
-- table: XML1
-- field: MA_CSKCB
-- message_vi: Mã cơ sở KCB của hồ sơ (MA_CSKCB) không có trong danh sách cơ sở KCB
-- message_en: The claim's facility code (MA_CSKCB) is not on the facility list
-- grain: one row per offending claim
-- source: QĐ 130/4750 Bảng 1 #46 (MA_CSKCB: the 5-character code of the facility, from the fund's list); data/catalogs/README.md (facilities kind, loaded with bhyt-etl catalog load)
-- enabled: true
-- amount: 0 (not estimated): the money consequence is a lower benefit factor for an out-of-route visit, which depends on the route the reviewer settles; the MUC_HUONG rules price a MUC_HUONG that does not follow the claimed route
SELECT
    x1.macskcb,
    x1.ma_lk,
    'XML1' AS loaihoso,
    'MA_CSKCB' AS field,
    concat('MA_CSKCB=', x1.ma_cskcb, ' is not on the facility list') AS value,
    0 AS amount
FROM chk.xml1 AS x1
WHERE nullif(trim(x1.ma_cskcb), '') IS NOT NULL AND x1.ngay_vao IS NOT NULL
    AND EXISTS (
        SELECT 1 FROM ref.catalog_versions AS v
        WHERE v.kind = 'facilities' AND CAST(x1.ngay_vao AS DATE) BETWEEN v.valid_from AND v.valid_to
    )
    AND NOT EXISTS (
        SELECT 1 FROM ref.catalog_facilities AS f
        WHERE f.ma_cskcb = trim(x1.ma_cskcb) AND CAST(x1.ngay_vao AS DATE) BETWEEN f.valid_from AND f.valid_to
    )
