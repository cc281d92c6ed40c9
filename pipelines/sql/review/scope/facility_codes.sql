-- object: chk.main.facility_codes
-- grain: one row per facility code written in a facility field of a claim under review (a field holding several codes separated by ';' gives one row per code), for claims whose admission day has a facility list (ref.catalog_facilities) in force
-- description: every facility code the claims under review carry (MA_DKBD, MA_NOI_DI, MA_NOI_DEN of XML1; the referral's facilities of XML13: MA_NOI_DI/MA_NOI_DEN in the QĐ 130 shape, MA_CSKCB_DI/MA_CSKCB_DEN in the QĐ 3176 shape, both stored in ma_cskcb_di/ma_cskcb_den, docs/conformance.md), and whether the fund's facility list holds it on the claim's admission day (NGAY_VAO). Read by the BIZ.XML1.MA_DKBD_UNKNOWN, MA_NOI_DI_UNKNOWN, MA_NOI_DEN_UNKNOWN and BIZ.XML13.REFERRAL_FACILITY_UNKNOWN rules. Computed once per scope (a table of the in-memory scope chk, read by several rules), never in the warehouse.
-- source: QĐ 130/4750 Bảng 1 (MA_DKBD, MA_NOI_DI, MA_NOI_DEN: 5-character facility codes of the fund's list), Bảng 13; data/catalogs/README.md (facilities kind)
-- param db: the warehouse's catalogue, quoted (the scope is an attached in-memory database)
-- column loaihoso: the claim table: XML1 or XML13
-- column field: the field as the standard names it: MA_DKBD, MA_NOI_DI, MA_NOI_DEN, MA_CSKCB_DI or MA_CSKCB_DEN
-- column macskcb: facility of the claim
-- column ma_lk: the claim's MA_LK
-- column code: one code of the field, trimmed (never empty)
-- column known: the fund's facility list holds the code on the claim's admission day
CREATE TABLE chk.main.facility_codes AS
WITH codes AS (
    SELECT 'XML1' AS loaihoso, 'MA_DKBD' AS field, macskcb, ma_lk, trim(unnest(string_split(ma_dkbd, ';'))) AS code
    FROM chk.main.xml1 WHERE nullif(trim(ma_dkbd), '') IS NOT NULL
    UNION ALL SELECT 'XML1', 'MA_NOI_DI', macskcb, ma_lk, trim(unnest(string_split(ma_noi_di, ';')))
    FROM chk.main.xml1 WHERE nullif(trim(ma_noi_di), '') IS NOT NULL
    UNION ALL SELECT 'XML1', 'MA_NOI_DEN', macskcb, ma_lk, trim(unnest(string_split(ma_noi_den, ';')))
    FROM chk.main.xml1 WHERE nullif(trim(ma_noi_den), '') IS NOT NULL
    UNION ALL SELECT 'XML13', CASE WHEN xml13_shape = 'QD130' THEN 'MA_NOI_DI' ELSE 'MA_CSKCB_DI' END, macskcb, ma_lk,
        trim(unnest(string_split(ma_cskcb_di, ';')))
    FROM chk.main.xml13 WHERE nullif(trim(ma_cskcb_di), '') IS NOT NULL
    UNION ALL SELECT 'XML13', CASE WHEN xml13_shape = 'QD130' THEN 'MA_NOI_DEN' ELSE 'MA_CSKCB_DEN' END, macskcb, ma_lk,
        trim(unnest(string_split(ma_cskcb_den, ';')))
    FROM chk.main.xml13 WHERE nullif(trim(ma_cskcb_den), '') IS NOT NULL
),
dated AS (
    SELECT c.*, CAST(x1.ngay_vao AS DATE) AS day
    FROM codes AS c
    JOIN chk.main.xml1 AS x1 ON x1.macskcb = c.macskcb AND x1.ma_lk = c.ma_lk
    WHERE c.code <> ''
)
SELECT
    d.loaihoso, d.field, d.macskcb, d.ma_lk, d.code,
    EXISTS (
        SELECT 1 FROM ${db}.ref.catalog_facilities AS f
        WHERE f.ma_cskcb = d.code AND d.day BETWEEN f.valid_from AND f.valid_to
    ) AS known
FROM dated AS d
WHERE EXISTS (
    SELECT 1 FROM ${db}.ref.catalog_versions AS v
    WHERE v.kind = 'facilities' AND d.day BETWEEN v.valid_from AND v.valid_to
)
