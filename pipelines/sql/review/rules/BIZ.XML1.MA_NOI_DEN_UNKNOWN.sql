-- code: BIZ.XML1.MA_NOI_DEN_UNKNOWN
-- severity: warning
-- table: XML1
-- field: MA_NOI_DEN
-- message_vi: Mã nơi chuyển đến (MA_NOI_DEN) không có trong danh sách cơ sở KCB
-- message_en: The facility the patient is transferred to (MA_NOI_DEN) is not on the facility list
-- grain: one row per unknown code
-- source: QĐ 130/4750 Bảng 1 (MA_DKBD, MA_NOI_DI, MA_NOI_DEN: 5-character facility codes of the fund's list), Bảng 13; data/catalogs/README.md (facilities kind: the fund's facility list, loaded with bhyt-etl catalog load)
-- enabled: true
-- amount: 0: the finding is about a companion document or a field the payment does not depend on; nothing the fund pays changes when it is corrected
WITH codes AS (
    SELECT macskcb, ma_lk, 'MA_NOI_DEN' AS field, trim(unnest(string_split(ma_noi_den, ';'))) AS code FROM chk.xml1 WHERE nullif(trim(ma_noi_den), '') IS NOT NULL
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
