-- code: BIZ.${table}.MA_KHOA_NOT_REGISTERED
-- severity: warning
-- tables: XML2, XML3
-- field: MA_KHOA
-- message_vi: Khoa (MA_KHOA) không có trong danh mục khoa phòng đã đăng ký của cơ sở
-- message_en: The department (MA_KHOA) is not on the facility's registered department list
-- grain: one row per offending line
-- source: QĐ 130/4750 Bảng 2 #31, Bảng 3 #31 (MA_KHOA of the department that ordered); data/catalogs/README.md (the facility's approved list, loaded with bhyt-etl catalog load)
-- enabled: true
-- amount: 0: a coding or format error the facility corrects and resends; what the fund pays does not follow from this field (the lines' money is priced by the catalogue and formula rules)
SELECT
    l.macskcb,
    l.ma_lk,
    '${table}' AS loaihoso,
    'MA_KHOA' AS field,
    concat('STT ', l.stt, ': MA_KHOA=', l.ma_khoa, ' not registered') AS value,
    0 AS amount
FROM chk.${t} AS l
WHERE nullif(trim(l.ma_khoa), '') IS NOT NULL AND l.ngay_yl IS NOT NULL
    AND EXISTS (
        SELECT 1 FROM ref.catalog_versions AS v
        WHERE v.kind = 'beds' AND v.macskcb = l.macskcb AND CAST(l.ngay_yl AS DATE) BETWEEN v.valid_from AND v.valid_to
    )
    AND NOT EXISTS (
        SELECT 1 FROM ref.catalog_beds AS d
        WHERE d.macskcb = l.macskcb AND d.ma_khoa = trim(l.ma_khoa)
            AND CAST(l.ngay_yl AS DATE) BETWEEN d.valid_from AND d.valid_to
    )
