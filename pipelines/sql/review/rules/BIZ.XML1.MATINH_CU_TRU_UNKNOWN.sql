-- code: BIZ.XML1.MATINH_CU_TRU_UNKNOWN
-- severity: warning
-- table: XML1
-- field: MATINH_CU_TRU
-- message_vi: Mã tỉnh nơi cư trú (MATINH_CU_TRU) không có trong danh mục đơn vị hành chính áp dụng tại ngày vào
-- message_en: The residence province code (MATINH_CU_TRU) is not in the administrative-unit list in force on the admission day
-- grain: one row per offending claim
-- source: QĐ 130/4750 Bảng 1 (MATINH_CU_TRU, MAHUYEN_CU_TRU, MAXA_CU_TRU: the administrative-unit codes of the residence); Nghị quyết 202/2025/QH15 and the 2025 commune mergers (a new list from 01/07/2025); data/catalogs/README.md (admin_units kind, one dated version per list)
-- enabled: true
-- amount: 0: the finding is about a companion document or a field the payment does not depend on; nothing the fund pays changes when it is corrected
SELECT
    x1.macskcb,
    x1.ma_lk,
    'XML1' AS loaihoso,
    'MATINH_CU_TRU' AS field,
    concat('MATINH_CU_TRU=', x1.matinh_cu_tru, ' not in the list of ', strftime(x1.ngay_vao, '%d/%m/%Y')) AS value,
    0 AS amount
FROM chk.xml1 AS x1
WHERE x1.ngay_vao IS NOT NULL
    AND EXISTS (
        SELECT 1 FROM ref.catalog_versions AS v
        WHERE v.kind = 'admin_units' AND CAST(x1.ngay_vao AS DATE) BETWEEN v.valid_from AND v.valid_to
    )
    AND nullif(trim(x1.matinh_cu_tru), '') IS NOT NULL
    AND NOT EXISTS (
        SELECT 1 FROM ref.catalog_admin_units AS a
        WHERE a.ma_tinh = trim(x1.matinh_cu_tru) AND CAST(x1.ngay_vao AS DATE) BETWEEN a.valid_from AND a.valid_to
    )
