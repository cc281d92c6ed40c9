-- object: chk.main.catalog_drug_lines
-- grain: one row per XML2 line of the claims under review whose facility has an approved drug list (ref.catalog_drugs) in force on the line's order day (NGAY_YL)
-- description: each drug line set against its facility's approved list as of the order day: whether the code is on the list at all, and the entry with the same code, strength (HAM_LUONG, spaces and case ignored), registration number (SO_DANG_KY) and tender (TT_THAU), with its approved price and name. Lines of a facility and day no list covers are left out (a rule says nothing then). Read by the BIZ.XML2.DRUG_* rules. Computed once per scope (a table of the in-memory scope chk, read by several rules), never in the warehouse.
-- source: data/catalogs/README.md (catalogue kinds); QĐ 130/QĐ-BYT as amended by QĐ 4750 Bảng 2 (MA_THUOC, HAM_LUONG, SO_DANG_KY, TT_THAU as the approved list gives them)
-- param db: the warehouse's catalogue, quoted (the scope is an attached in-memory database)
-- column macskcb: facility of the claim
-- column ma_lk: the claim's MA_LK
-- column stt: STT of the line
-- column day: the order day, CAST(NGAY_YL AS DATE)
-- column ma_thuoc: MA_THUOC as sent
-- column ten_thuoc: TEN_THUOC as sent
-- column ham_luong: HAM_LUONG as sent
-- column so_dang_ky: SO_DANG_KY as sent
-- column tt_thau: TT_THAU as sent
-- column don_gia: DON_GIA as sent
-- column so_luong: SO_LUONG as sent
-- column share: the fund's share of the line's price, exact (DECIMAL): TYLE_TT_BH/100 × MUC_HUONG/100 (1 when empty)
-- column t_bhtt: T_BHTT of the line as sent
-- column code_listed: the code MA_THUOC is on the facility's list that day (any strength, registration, tender)
-- column entries: entries of the list with the line's code, strength, registration number and tender that day (0: not approved as sent)
-- column approved_price: the approved unit price DON_GIA_BH of that entry (the highest if several)
-- column approved_name: the approved TEN_THUOC of that entry
CREATE TABLE chk.main.catalog_drug_lines AS
WITH lines AS (
    SELECT
        l.macskcb, l.ma_lk, l.stt, CAST(l.ngay_yl AS DATE) AS day, l.ma_thuoc, l.ten_thuoc, l.ham_luong,
        l.so_dang_ky, l.tt_thau, l.don_gia, l.so_luong,
        CAST(coalesce(l.tyle_tt_bh, 100) * coalesce(l.muc_huong, 100) AS DECIMAL(38, 4)) * 0.0001 AS share,
        l.t_bhtt
    FROM chk.main.xml2 AS l
    WHERE l.ngay_yl IS NOT NULL AND nullif(trim(l.ma_thuoc), '') IS NOT NULL
),
covered AS (
    SELECT l.*
    FROM lines AS l
    WHERE EXISTS (
        SELECT 1 FROM ${db}.ref.catalog_versions AS v
        WHERE v.kind = 'drugs' AND v.macskcb = l.macskcb AND l.day BETWEEN v.valid_from AND v.valid_to
    )
)
SELECT
    c.macskcb, c.ma_lk, c.stt, c.day, c.ma_thuoc, c.ten_thuoc, c.ham_luong, c.so_dang_ky, c.tt_thau,
    c.don_gia, c.so_luong, c.share, c.t_bhtt,
    EXISTS (
        SELECT 1 FROM ${db}.ref.catalog_drugs AS a
        WHERE a.macskcb = c.macskcb AND a.ma_thuoc = trim(c.ma_thuoc) AND c.day BETWEEN a.valid_from AND a.valid_to
    ) AS code_listed,
    count(d.ma_thuoc) AS entries,
    max(d.don_gia_bh) AS approved_price,
    any_value(d.ten_thuoc) AS approved_name
FROM covered AS c
LEFT JOIN ${db}.ref.catalog_drugs AS d
    ON d.macskcb = c.macskcb
    AND d.ma_thuoc = trim(c.ma_thuoc)
    AND upper(regexp_replace(coalesce(d.ham_luong, ''), '\s+', '', 'g'))
        = upper(regexp_replace(coalesce(c.ham_luong, ''), '\s+', '', 'g'))
    AND upper(trim(coalesce(d.so_dang_ky, ''))) = upper(trim(coalesce(c.so_dang_ky, '')))
    AND upper(regexp_replace(coalesce(d.tt_thau, ''), '\s+', '', 'g'))
        = upper(regexp_replace(coalesce(c.tt_thau, ''), '\s+', '', 'g'))
    AND c.day BETWEEN d.valid_from AND d.valid_to
GROUP BY ALL
