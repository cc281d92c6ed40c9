-- object: chk.main.staff_codes
-- grain: one row per staff code written in a staff field of a claim under review (a field holding several codes separated by ';' gives one row per code), for facilities with a staff list (ref.catalog_staff) in force on the day
-- description: every practitioner code the claims under review carry (MA_BAC_SI of XML2, XML3, XML13, XML14; NGUOI_THUC_HIEN of XML3 and XML5; MA_BS_DOC_KQ of XML4; MA_BS of XML7, XML10, XML11; MA_TTDV of XML1, XML7, XML8, XML9, XML10, XML11, XML13, XML14), the day it acts on (the line's NGAY_YL where the table has one, the certificate's NGAY_CT for XML9–XML11, else the claim's NGAY_RA), and whether the facility's staff list registers it that day: as a practising certificate (MACCHN), or for MA_TTDV and the signers' MA_BS (XML7, XML10, XML11: the signer's medical identifier, the BHXH number, QĐ 130/4750 Bảng 7 #15, Bảng 10 #11, Bảng 11 #19) also as a BHXH number (MA_BHXH). Read by the BIZ.*.STAFF_NOT_REGISTERED rules. Computed once per scope (a table of the in-memory scope chk, read by several rules), never in the warehouse.
-- source: QĐ 130/4750 Bảng 2 #32, Bảng 3 #33–34, Bảng 4 (MA_BS_DOC_KQ), Bảng 1 (MA_TTDV), Bảng 9 #34, Bảng 10 #9/#11, Bảng 11 #18/#19; STANDARD.md §5.4 and §5.5 (tracnn checks codes against the approved staff list); data/catalogs/README.md (staff kind)
-- param db: the warehouse's catalogue, quoted (the scope is an attached in-memory database)
-- column loaihoso: the claim table: XML1 … XML14
-- column field: the field: MA_BAC_SI, NGUOI_THUC_HIEN, MA_BS_DOC_KQ, MA_BS or MA_TTDV
-- column macskcb: facility of the claim
-- column ma_lk: the claim's MA_LK
-- column stt: STT of the line (null for a table without lines)
-- column day: the day the code acts on
-- column code: one code of the field, trimmed
-- column t_bhtt: T_BHTT of the line (XML2, XML3; null elsewhere)
-- column registered: the facility's staff list registers the code that day
CREATE TABLE chk.main.staff_codes AS
WITH fields AS (
    SELECT 'XML2' AS loaihoso, 'MA_BAC_SI' AS field, macskcb, ma_lk, stt, CAST(ngay_yl AS DATE) AS day, ma_bac_si AS codes, t_bhtt FROM chk.main.xml2
    UNION ALL SELECT 'XML3', 'MA_BAC_SI', macskcb, ma_lk, stt, CAST(ngay_yl AS DATE), ma_bac_si, t_bhtt FROM chk.main.xml3
    UNION ALL SELECT 'XML3', 'NGUOI_THUC_HIEN', macskcb, ma_lk, stt, CAST(coalesce(ngay_th_yl, ngay_yl) AS DATE), nguoi_thuc_hien, t_bhtt FROM chk.main.xml3
    UNION ALL SELECT 'XML4', 'MA_BS_DOC_KQ', l.macskcb, l.ma_lk, l.stt, CAST(coalesce(l.ngay_kq, x1.ngay_ra) AS DATE), l.ma_bs_doc_kq, NULL FROM chk.main.xml4 AS l JOIN chk.main.xml1 AS x1 USING (macskcb, ma_lk)
    UNION ALL SELECT 'XML5', 'NGUOI_THUC_HIEN', l.macskcb, l.ma_lk, l.stt, CAST(coalesce(l.thoi_diem_dbls, x1.ngay_ra) AS DATE), l.nguoi_thuc_hien, NULL FROM chk.main.xml5 AS l JOIN chk.main.xml1 AS x1 USING (macskcb, ma_lk)
    UNION ALL SELECT 'XML7', 'MA_BS', l.macskcb, l.ma_lk, NULL, CAST(x1.ngay_ra AS DATE), l.ma_bs, NULL FROM chk.main.xml7 AS l JOIN chk.main.xml1 AS x1 USING (macskcb, ma_lk)
    UNION ALL SELECT 'XML13', 'MA_BAC_SI', l.macskcb, l.ma_lk, NULL, CAST(x1.ngay_ra AS DATE), l.ma_bac_si, NULL FROM chk.main.xml13 AS l JOIN chk.main.xml1 AS x1 USING (macskcb, ma_lk)
    UNION ALL SELECT 'XML14', 'MA_BAC_SI', l.macskcb, l.ma_lk, NULL, CAST(x1.ngay_ra AS DATE), l.ma_bac_si, NULL FROM chk.main.xml14 AS l JOIN chk.main.xml1 AS x1 USING (macskcb, ma_lk)
    UNION ALL SELECT 'XML1', 'MA_TTDV', macskcb, ma_lk, NULL, CAST(ngay_ra AS DATE), ma_ttdv, NULL FROM chk.main.xml1
    UNION ALL SELECT 'XML7', 'MA_TTDV', l.macskcb, l.ma_lk, NULL, CAST(x1.ngay_ra AS DATE), l.ma_ttdv, NULL FROM chk.main.xml7 AS l JOIN chk.main.xml1 AS x1 USING (macskcb, ma_lk)
    UNION ALL SELECT 'XML8', 'MA_TTDV', l.macskcb, l.ma_lk, NULL, CAST(x1.ngay_ra AS DATE), l.ma_ttdv, NULL FROM chk.main.xml8 AS l JOIN chk.main.xml1 AS x1 USING (macskcb, ma_lk)
    UNION ALL SELECT 'XML13', 'MA_TTDV', l.macskcb, l.ma_lk, NULL, CAST(x1.ngay_ra AS DATE), l.ma_ttdv, NULL FROM chk.main.xml13 AS l JOIN chk.main.xml1 AS x1 USING (macskcb, ma_lk)
    UNION ALL SELECT 'XML14', 'MA_TTDV', l.macskcb, l.ma_lk, NULL, CAST(x1.ngay_ra AS DATE), l.ma_ttdv, NULL FROM chk.main.xml14 AS l JOIN chk.main.xml1 AS x1 USING (macskcb, ma_lk)
    UNION ALL SELECT 'XML9', 'MA_TTDV', l.macskcb, l.ma_lk, NULL, coalesce(l.ngay_ct, CAST(x1.ngay_ra AS DATE)), l.ma_ttdv, NULL FROM chk.main.xml9 AS l JOIN chk.main.xml1 AS x1 USING (macskcb, ma_lk)
    UNION ALL SELECT 'XML10', 'MA_TTDV', l.macskcb, l.ma_lk, NULL, coalesce(l.ngay_ct, CAST(x1.ngay_ra AS DATE)), l.ma_ttdv, NULL FROM chk.main.xml10 AS l JOIN chk.main.xml1 AS x1 USING (macskcb, ma_lk)
    UNION ALL SELECT 'XML10', 'MA_BS', l.macskcb, l.ma_lk, NULL, coalesce(l.ngay_ct, CAST(x1.ngay_ra AS DATE)), l.ma_bs, NULL FROM chk.main.xml10 AS l JOIN chk.main.xml1 AS x1 USING (macskcb, ma_lk)
    UNION ALL SELECT 'XML11', 'MA_TTDV', l.macskcb, l.ma_lk, NULL, coalesce(l.ngay_ct, CAST(x1.ngay_ra AS DATE)), l.ma_ttdv, NULL FROM chk.main.xml11 AS l JOIN chk.main.xml1 AS x1 USING (macskcb, ma_lk)
    UNION ALL SELECT 'XML11', 'MA_BS', l.macskcb, l.ma_lk, NULL, coalesce(l.ngay_ct, CAST(x1.ngay_ra AS DATE)), l.ma_bs, NULL FROM chk.main.xml11 AS l JOIN chk.main.xml1 AS x1 USING (macskcb, ma_lk)
),
codes AS (
    SELECT loaihoso, field, macskcb, ma_lk, stt, day, trim(code) AS code, t_bhtt
    FROM (SELECT *, unnest(string_split(codes, ';')) AS code FROM fields WHERE nullif(trim(codes), '') IS NOT NULL)
    WHERE trim(code) <> '' AND day IS NOT NULL
)
SELECT
    c.loaihoso, c.field, c.macskcb, c.ma_lk, c.stt, c.day, c.code, c.t_bhtt,
    EXISTS (
        SELECT 1 FROM ${db}.ref.catalog_staff AS s
        WHERE s.macskcb = c.macskcb AND upper(s.macchn) = upper(c.code) AND c.day BETWEEN s.valid_from AND s.valid_to
    ) OR (
        c.field IN ('MA_TTDV', 'MA_BS') AND EXISTS (
            SELECT 1 FROM ${db}.ref.catalog_staff AS s
            WHERE s.macskcb = c.macskcb AND s.ma_bhxh = c.code AND c.day BETWEEN s.valid_from AND s.valid_to
        )
    ) AS registered
FROM codes AS c
WHERE EXISTS (
    SELECT 1 FROM ${db}.ref.catalog_versions AS v
    WHERE v.kind = 'staff' AND v.macskcb = c.macskcb AND c.day BETWEEN v.valid_from AND v.valid_to
)
