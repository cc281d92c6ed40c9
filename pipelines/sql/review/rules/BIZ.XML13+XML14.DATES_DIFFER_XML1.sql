-- code: BIZ.${table}.DATES_DIFFER_XML1
-- severity: error
-- tables: XML13, XML14
-- field: NGAY_VAO_NOI_TRU, NGAY_RA
-- message_vi: NGAY_VAO_NOI_TRU hoặc NGAY_RA của ${table} (khi có dữ liệu) khác thông tin này ở XML1
-- message_en: NGAY_VAO_NOI_TRU or NGAY_RA in ${table} (when filled) differs from XML1
-- grain: one row per offending claim
-- source: STANDARD.md §5.3 ("nếu có dữ liệu thì phải giống thông tin này ở bảng 1", Check_Valid QĐ 4750)
-- enabled: true
-- amount: 0: the finding is about a companion document or a field the payment does not depend on; nothing the fund pays changes when it is corrected
SELECT
    d.macskcb,
    d.ma_lk,
    '${table}' AS loaihoso,
    'NGAY_VAO_NOI_TRU, NGAY_RA' AS field,
    concat(
        '${table} NGAY_VAO_NOI_TRU=', coalesce(strftime(d.ngay_vao_noi_tru, '%Y%m%d%H%M'), '(empty)'),
        ', NGAY_RA=', coalesce(strftime(d.ngay_ra, '%Y%m%d%H%M'), '(empty)'),
        '; XML1 NGAY_VAO_NOI_TRU=', coalesce(strftime(x1.ngay_vao_noi_tru, '%Y%m%d%H%M'), '(empty)'),
        ', NGAY_RA=', coalesce(strftime(x1.ngay_ra, '%Y%m%d%H%M'), '(empty)')
    ) AS value,
    0 AS amount
FROM chk.${t} AS d
JOIN chk.xml1 AS x1 ON x1.macskcb = d.macskcb AND x1.ma_lk = d.ma_lk
WHERE (d.ngay_vao_noi_tru IS NOT NULL AND d.ngay_vao_noi_tru IS DISTINCT FROM x1.ngay_vao_noi_tru)
   OR (d.ngay_ra IS NOT NULL AND d.ngay_ra IS DISTINCT FROM x1.ngay_ra)
