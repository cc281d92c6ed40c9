-- code: BIZ.XML7.DATES_DIFFER_XML1
-- severity: warning
-- table: XML7
-- field: NGAY_VAO, NGAY_RA
-- message_vi: NGAY_VAO hoặc NGAY_RA trên giấy ra viện (XML7) khác XML1
-- message_en: NGAY_VAO or NGAY_RA on the discharge paper (XML7) differs from XML1
-- grain: one row per offending claim
-- source: STANDARD.md §3.3 XML7 #5–6 (same definition as XML1 NGAY_VAO/NGAY_RA)
-- enabled: true
-- amount: 0: the finding is about a companion document or a field the payment does not depend on; nothing the fund pays changes when it is corrected
SELECT
    d.macskcb,
    d.ma_lk,
    'XML7' AS loaihoso,
    'NGAY_VAO, NGAY_RA' AS field,
    concat(
        'XML7 NGAY_VAO=', coalesce(strftime(d.ngay_vao, '%Y%m%d%H%M'), '(empty)'),
        ', NGAY_RA=', coalesce(strftime(d.ngay_ra, '%Y%m%d%H%M'), '(empty)'),
        '; XML1 NGAY_VAO=', strftime(x1.ngay_vao, '%Y%m%d%H%M'), ', NGAY_RA=', strftime(x1.ngay_ra, '%Y%m%d%H%M')
    ) AS value,
    0 AS amount
FROM chk.xml7 AS d
JOIN chk.xml1 AS x1 ON x1.macskcb = d.macskcb AND x1.ma_lk = d.ma_lk
WHERE (d.ngay_vao IS NOT NULL AND d.ngay_vao IS DISTINCT FROM x1.ngay_vao)
   OR (d.ngay_ra IS NOT NULL AND d.ngay_ra IS DISTINCT FROM x1.ngay_ra)
