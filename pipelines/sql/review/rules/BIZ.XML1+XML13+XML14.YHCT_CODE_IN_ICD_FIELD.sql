-- code: BIZ.${table}.YHCT_CODE_IN_ICD_FIELD
-- severity: error
-- tables: XML1, XML13, XML14
-- field: MA_BENH_CHINH, MA_BENH_KT
-- message_vi: Mã bệnh y học cổ truyền được ghi vào trường mã ICD-10 (MA_BENH_CHINH hoặc MA_BENH_KT): ghi vào MA_BENH_YHCT
-- message_en: A traditional-medicine disease code is written in an ICD-10 field (MA_BENH_CHINH or MA_BENH_KT): it belongs in MA_BENH_YHCT
-- grain: one row per offending code
-- source: QĐ 130/4750 Bảng 1 #29 and Bảng 3 #36 (MA_BENH_YHCT: the traditional-medicine disease codes, in their own field); data/catalogs/README.md (yhct kind, loaded with bhyt-etl catalog load); QĐ 130/4750 Bảng 1 #27–28 (MA_BENH_CHINH, MA_BENH_KT: ICD-10 codes)
-- enabled: true
-- amount: 0: a coding or format error the facility corrects and resends; what the fund pays does not follow from this field (the lines' money is priced by the catalogue and formula rules)
WITH codes AS (
    SELECT macskcb, ma_lk, 'MA_BENH_CHINH' AS field, trim(ma_benh_chinh) AS code FROM chk.${t} WHERE nullif(trim(ma_benh_chinh), '') IS NOT NULL
    UNION ALL
    SELECT macskcb, ma_lk, 'MA_BENH_KT', trim(unnest(string_split(ma_benh_kt, ';'))) FROM chk.${t} WHERE nullif(trim(ma_benh_kt), '') IS NOT NULL
)
SELECT
    c.macskcb,
    c.ma_lk,
    '${table}' AS loaihoso,
    c.field,
    concat(c.field, ' holds the YHCT code ', c.code) AS value,
    0 AS amount
FROM codes AS c
JOIN chk.xml1 AS x1 ON x1.macskcb = c.macskcb AND x1.ma_lk = c.ma_lk
WHERE c.code NOT IN (SELECT code FROM ref.icd10)
    AND EXISTS (
        SELECT 1 FROM ref.catalog_yhct AS y
        WHERE y.ma_benh_yhct = c.code AND CAST(x1.ngay_ra AS DATE) BETWEEN y.valid_from AND y.valid_to
    )
