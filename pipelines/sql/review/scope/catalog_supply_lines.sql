-- object: chk.main.catalog_supply_lines
-- grain: one row per XML3 supply line (MA_VAT_TU filled) of the claims under review whose facility has an approved supply list (ref.catalog_supplies) in force on the line's order day
-- description: each supply line set against its facility's approved list as of the order day: whether the code is on the list at all, and the entry with the same code and tender (TT_THAU, spaces and case ignored) with its approved price. Lines of a facility and day no list covers are left out. Read by the BIZ.XML3.SUPPLY_* rules. Computed once per scope (a table of the in-memory scope chk, read by several rules), never in the warehouse.
-- source: data/catalogs/README.md (catalogue kinds); QĐ 130/4750 Bảng 3 (MA_VAT_TU, TT_THAU, DON_GIA_BH)
-- param db: the warehouse's catalogue, quoted (the scope is an attached in-memory database)
-- column macskcb: facility of the claim
-- column ma_lk: the claim's MA_LK
-- column stt: STT of the line
-- column day: the order day, CAST(NGAY_YL AS DATE)
-- column ma_vat_tu: MA_VAT_TU as sent
-- column tt_thau: TT_THAU as sent
-- column don_gia_bh: DON_GIA_BH as sent
-- column so_luong: SO_LUONG as sent
-- column share: the fund's share of the line's price, exact (DECIMAL): TYLE_TT_DV/100 × TYLE_TT_BH/100 × MUC_HUONG/100 (1 when empty)
-- column t_bhtt: T_BHTT of the line as sent
-- column code_listed: the code is on the facility's list that day (any tender)
-- column entries: entries with the line's code and tender that day (0: not approved as sent)
-- column approved_price: the approved unit price DON_GIA_BH of that entry (the highest if several)
CREATE TABLE chk.main.catalog_supply_lines AS
WITH lines AS (
    SELECT
        l.macskcb, l.ma_lk, l.stt, CAST(l.ngay_yl AS DATE) AS day, l.ma_vat_tu, l.tt_thau, l.don_gia_bh, l.so_luong,
        CAST(coalesce(l.tyle_tt_dv, 100) * coalesce(l.tyle_tt_bh, 100) * coalesce(l.muc_huong, 100) AS DECIMAL(38, 6))
            * 0.000001 AS share,
        l.t_bhtt
    FROM chk.main.xml3 AS l
    WHERE l.ngay_yl IS NOT NULL AND nullif(trim(l.ma_vat_tu), '') IS NOT NULL
),
covered AS (
    SELECT l.*
    FROM lines AS l
    WHERE EXISTS (
        SELECT 1 FROM ${db}.ref.catalog_versions AS v
        WHERE v.kind = 'supplies' AND v.macskcb = l.macskcb AND l.day BETWEEN v.valid_from AND v.valid_to
    )
)
SELECT
    c.macskcb, c.ma_lk, c.stt, c.day, c.ma_vat_tu, c.tt_thau, c.don_gia_bh, c.so_luong, c.share, c.t_bhtt,
    EXISTS (
        SELECT 1 FROM ${db}.ref.catalog_supplies AS a
        WHERE a.macskcb = c.macskcb AND a.ma_vat_tu = trim(c.ma_vat_tu) AND c.day BETWEEN a.valid_from AND a.valid_to
    ) AS code_listed,
    count(s.ma_vat_tu) AS entries,
    max(s.don_gia_bh) AS approved_price
FROM covered AS c
LEFT JOIN ${db}.ref.catalog_supplies AS s
    ON s.macskcb = c.macskcb
    AND s.ma_vat_tu = trim(c.ma_vat_tu)
    AND upper(regexp_replace(coalesce(s.tt_thau, ''), '\s+', '', 'g'))
        = upper(regexp_replace(coalesce(c.tt_thau, ''), '\s+', '', 'g'))
    AND c.day BETWEEN s.valid_from AND s.valid_to
GROUP BY ALL
