-- object: ref.supplies
-- grain: one row per medical-supply code MA_VAT_TU in the catalogue
-- description: medical supplies (XML3, MA_NHOM 10) with unit, unit price and tender info, from data/catalogs/supplies.csv (codes end in a synthetic suffix; prices mostly illustrative)
CREATE OR REPLACE TABLE ref.supplies AS
SELECT ma_vat_tu, ten_vat_tu, ma_nhom, TRY_CAST(don_gia AS DECIMAL(18, 3)) AS don_gia, don_vi_tinh, tt_thau
FROM read_csv('${catalog_dir}/supplies.csv', header = true, all_varchar = true)
