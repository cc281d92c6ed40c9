-- code: BIZ.${table}.MA_BENH_YHCT_UNKNOWN
-- severity: error
-- tables: XML1, XML3, XML13, XML14
-- field: MA_BENH_YHCT
-- message_vi: Mã bệnh y học cổ truyền (MA_BENH_YHCT) không có trong danh mục bệnh YHCT
-- message_en: The traditional-medicine disease code (MA_BENH_YHCT) is not on the YHCT code list
-- grain: one row per unknown code
-- source: QĐ 130/4750 Bảng 1 #29 and Bảng 3 #36 (MA_BENH_YHCT: the traditional-medicine disease codes, in their own field); data/catalogs/README.md (yhct kind, loaded with bhyt-etl catalog load)
-- enabled: true
-- amount: 0: a coding or format error the facility corrects and resends; what the fund pays does not follow from this field (the lines' money is priced by the catalogue and formula rules)
WITH codes AS (
    SELECT macskcb, ma_lk, trim(unnest(string_split(ma_benh_yhct, ';'))) AS code
    FROM chk.${t}
    WHERE nullif(trim(ma_benh_yhct), '') IS NOT NULL
)
SELECT
    c.macskcb,
    c.ma_lk,
    '${table}' AS loaihoso,
    'MA_BENH_YHCT' AS field,
    concat('MA_BENH_YHCT=', c.code, ' is not a YHCT code') AS value,
    0 AS amount
FROM codes AS c
JOIN chk.xml1 AS x1 ON x1.macskcb = c.macskcb AND x1.ma_lk = c.ma_lk
WHERE c.code <> ''
    AND EXISTS (
        SELECT 1 FROM ref.catalog_versions AS v
        WHERE v.kind = 'yhct' AND CAST(x1.ngay_ra AS DATE) BETWEEN v.valid_from AND v.valid_to
    )
    AND NOT EXISTS (
        SELECT 1 FROM ref.catalog_yhct AS y
        WHERE y.ma_benh_yhct = c.code AND CAST(x1.ngay_ra AS DATE) BETWEEN y.valid_from AND y.valid_to
    )
