-- code: BIZ.XML3.SERVICE_NAME_MISMATCH
-- severity: warning
-- table: XML3
-- field: TEN_DICH_VU
-- message_vi: Tên dịch vụ (TEN_DICH_VU) khác tên đã duyệt của cùng mã trong danh mục giá
-- message_en: The service name (TEN_DICH_VU) differs from the approved name of the same code in the price list
-- grain: one row per offending line
-- source: QĐ 130/4750 Bảng 3 #5 (TEN_DICH_VU as approved); data/catalogs/README.md (the facility's approved list, loaded with bhyt-etl catalog load)
-- enabled: true
-- amount: 0: a coding or format error the facility corrects and resends; what the fund pays does not follow from this field (the lines' money is priced by the catalogue and formula rules)
SELECT
    macskcb,
    ma_lk,
    'XML3' AS loaihoso,
    'TEN_DICH_VU' AS field,
    concat('STT ', stt, ': TEN_DICH_VU=', coalesce(ten_dich_vu, '(empty)'), '; approved=', tariff_name) AS value,
    0 AS amount
FROM chk.main.catalog_service_lines
WHERE entries > 0
    AND lower(regexp_replace(coalesce(ten_dich_vu, ''), '\s+', ' ', 'g'))
        <> lower(regexp_replace(coalesce(tariff_name, ''), '\s+', ' ', 'g'))
