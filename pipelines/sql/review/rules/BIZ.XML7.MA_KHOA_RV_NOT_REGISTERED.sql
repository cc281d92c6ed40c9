-- code: BIZ.XML7.MA_KHOA_RV_NOT_REGISTERED
-- severity: warning
-- table: XML7
-- field: MA_KHOA_RV
-- message_vi: Khoa ra viện (MA_KHOA_RV) không có trong danh mục khoa phòng đã đăng ký của cơ sở
-- message_en: The discharging department (MA_KHOA_RV) is not on the facility's registered department list
-- grain: one row per offending claim
-- source: QĐ 130/4750 Bảng 1 #35 (MA_KHOA: the departments of the stay, ';'-separated), Bảng 7 (MA_KHOA_RV); data/catalogs/README.md (the facility's approved list, loaded with bhyt-etl catalog load)
-- enabled: true
-- amount: 0: the finding is about a companion document or a field the payment does not depend on; nothing the fund pays changes when it is corrected
SELECT
    x7.macskcb,
    x7.ma_lk,
    'XML7' AS loaihoso,
    'MA_KHOA_RV' AS field,
    concat('MA_KHOA_RV=', x7.ma_khoa_rv, ' not registered') AS value,
    0 AS amount
FROM chk.xml7 AS x7
JOIN chk.xml1 AS x1 ON x1.macskcb = x7.macskcb AND x1.ma_lk = x7.ma_lk
WHERE nullif(trim(x7.ma_khoa_rv), '') IS NOT NULL AND x1.ngay_ra IS NOT NULL
    AND EXISTS (
        SELECT 1 FROM ref.catalog_versions AS v
        WHERE v.kind = 'beds' AND v.macskcb = x7.macskcb AND CAST(x1.ngay_ra AS DATE) BETWEEN v.valid_from AND v.valid_to
    )
    AND NOT EXISTS (
        SELECT 1 FROM ref.catalog_beds AS d
        WHERE d.macskcb = x7.macskcb AND d.ma_khoa = trim(x7.ma_khoa_rv)
            AND CAST(x1.ngay_ra AS DATE) BETWEEN d.valid_from AND d.valid_to
    )
