-- object: ref.drugs
-- grain: one row per drug code MA_THUOC in the catalogue
-- description: drugs, oxygen and blood products (XML2) with route, unit, registration number, cost group, unit price and tender info, from data/catalogs/drugs.csv (many values illustrative, see data/catalogs/README.md)
CREATE OR REPLACE TABLE ref.drugs AS
SELECT
    ma_thuoc,
    ten_thuoc,
    ham_luong,
    duong_dung,
    dang_bao_che,
    don_vi_tinh,
    so_dang_ky,
    ma_nhom,
    TRY_CAST(don_gia AS DECIMAL(18, 3)) AS don_gia,
    tt_thau
FROM read_csv('${catalog_dir}/drugs.csv', header = true, all_varchar = true)
