-- code: BIZ.XML3.SUPPLY_NAME_MISMATCH
-- severity: warning
-- table: XML3
-- field: TEN_VAT_TU
-- message_vi: Tên vật tư (TEN_VAT_TU) khác tên trong danh mục vật tư đã duyệt
-- message_en: The supply name (TEN_VAT_TU) differs from the approved supply's name
-- grain: one row per offending line
-- source: QĐ 130/4750 Bảng 3 #8 (TEN_VAT_TU as approved); data/catalogs/README.md (the facility's approved list, loaded with bhyt-etl catalog load)
-- enabled: true
-- amount: 0: a coding or format error the facility corrects and resends; what the fund pays does not follow from this field (the lines' money is priced by the catalogue and formula rules)
SELECT
    l.macskcb,
    l.ma_lk,
    'XML3' AS loaihoso,
    'TEN_VAT_TU' AS field,
    concat('STT ', l.stt, ': TEN_VAT_TU=', coalesce(l.ten_vat_tu, '(empty)'), '; approved=', any_value(s.ten_vat_tu)) AS value,
    0 AS amount
FROM chk.xml3 AS l
JOIN chk.main.catalog_supply_lines AS c ON c.macskcb = l.macskcb AND c.ma_lk = l.ma_lk AND c.stt = l.stt
JOIN ref.catalog_supplies AS s
    ON s.macskcb = l.macskcb AND s.ma_vat_tu = trim(l.ma_vat_tu) AND c.day BETWEEN s.valid_from AND s.valid_to
WHERE c.entries > 0
GROUP BY l.macskcb, l.ma_lk, l.stt, l.ten_vat_tu
HAVING NOT list_contains(
    list(lower(regexp_replace(s.ten_vat_tu, '\s+', ' ', 'g'))),
    lower(regexp_replace(coalesce(l.ten_vat_tu, ''), '\s+', ' ', 'g'))
)
