-- object: chk.main.catalog_service_lines
-- grain: one row per XML3 service line (MA_DICH_VU, no MA_VAT_TU; examinations, beds, technical services, transport) of the claims under review for which a service price list (ref.catalog_services) is in force on the line's order day
-- description: each service line set against the price that applies to it as of the order day: the facility's own approved list when one covers the day, otherwise the common tariff for the facility's hospital class (ref.catalog_facilities.hang_benh_vien; a tariff row without a class applies to every class). Lines of a facility and day no list covers are left out. Read by the BIZ.XML3.SERVICE_* and DON_GIA_BH_ABOVE_TARIFF rules. Computed once per scope (a table of the in-memory scope chk, read by several rules), never in the warehouse.
-- source: data/catalogs/README.md (catalogue kinds); TT 22/2023/TT-BYT (common prices by hospital class); QĐ 130/4750 Bảng 3 (MA_DICH_VU, DON_GIA_BH)
-- param db: the warehouse's catalogue, quoted (the scope is an attached in-memory database)
-- column macskcb: facility of the claim
-- column ma_lk: the claim's MA_LK
-- column stt: STT of the line
-- column day: the order day, CAST(NGAY_YL AS DATE)
-- column ma_dich_vu: MA_DICH_VU as sent
-- column ten_dich_vu: TEN_DICH_VU as sent
-- column ma_nhom: MA_NHOM as sent
-- column don_gia_bh: DON_GIA_BH as sent
-- column so_luong: SO_LUONG as sent
-- column share: the fund's share of the line's price, exact (DECIMAL): TYLE_TT_DV/100 × TYLE_TT_BH/100 × MUC_HUONG/100 (1 when empty)
-- column t_bhtt: T_BHTT of the line as sent
-- column own_list: the price comes from the facility's own list (false: the common tariff)
-- column entries: price entries for the code that day (0: the service is not in the list that applies)
-- column tariff_price: the approved price (the highest if several)
-- column tariff_name: the approved name
CREATE TABLE chk.main.catalog_service_lines AS
WITH lines AS (
    SELECT
        l.macskcb, l.ma_lk, l.stt, CAST(l.ngay_yl AS DATE) AS day, l.ma_dich_vu, l.ten_dich_vu, l.ma_nhom,
        l.don_gia_bh, l.so_luong,
        CAST(coalesce(l.tyle_tt_dv, 100) * coalesce(l.tyle_tt_bh, 100) * coalesce(l.muc_huong, 100) AS DECIMAL(38, 6))
            * 0.000001 AS share,
        l.t_bhtt
    FROM chk.main.xml3 AS l
    WHERE l.ngay_yl IS NOT NULL AND nullif(trim(l.ma_dich_vu), '') IS NOT NULL
        AND nullif(trim(l.ma_vat_tu), '') IS NULL AND coalesce(l.ma_nhom, '') NOT IN ('10', '11')
),
scoped AS (
    SELECT
        l.*,
        EXISTS (
            SELECT 1 FROM ${db}.ref.catalog_versions AS v
            WHERE v.kind = 'services' AND v.macskcb = l.macskcb AND l.day BETWEEN v.valid_from AND v.valid_to
        ) AS own_list,
        EXISTS (
            SELECT 1 FROM ${db}.ref.catalog_versions AS v
            WHERE v.kind = 'services' AND v.macskcb IS NULL AND l.day BETWEEN v.valid_from AND v.valid_to
        ) AS common_list,
        (
            SELECT max(f.hang_benh_vien) FROM ${db}.ref.catalog_facilities AS f
            WHERE f.ma_cskcb = l.macskcb AND l.day BETWEEN f.valid_from AND f.valid_to
        ) AS hang
    FROM lines AS l
)
SELECT
    c.macskcb, c.ma_lk, c.stt, c.day, c.ma_dich_vu, c.ten_dich_vu, c.ma_nhom, c.don_gia_bh, c.so_luong, c.share,
    c.t_bhtt, c.own_list,
    count(s.ma_dich_vu) AS entries,
    max(s.don_gia) AS tariff_price,
    any_value(s.ten_dich_vu) AS tariff_name
FROM scoped AS c
LEFT JOIN ${db}.ref.catalog_services AS s
    ON s.ma_dich_vu = trim(c.ma_dich_vu)
    AND c.day BETWEEN s.valid_from AND s.valid_to
    AND (
        (c.own_list AND s.macskcb = c.macskcb)
        OR (NOT c.own_list AND s.macskcb IS NULL
            AND (nullif(s.hang_benh_vien, '') IS NULL OR s.hang_benh_vien = c.hang))
    )
WHERE c.own_list OR c.common_list
GROUP BY ALL
