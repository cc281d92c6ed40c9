-- object: ref.services
-- grain: one row per service code MA_DICH_VU in the catalogue (examinations, beds, technical services, transport)
-- description: services with cost group, unit price and whether they are paraclinical (MA_NHOM 1, 2, 3), from data/catalogs/services.csv (prices partly illustrative, see data/catalogs/README.md)
CREATE OR REPLACE TABLE ref.services AS
SELECT
    ma_dich_vu,
    ten_dich_vu,
    ma_nhom,
    TRY_CAST(don_gia AS DECIMAL(18, 3)) AS don_gia,
    don_vi_tinh,
    is_paraclinical = '1' AS is_paraclinical
FROM read_csv('${catalog_dir}/services.csv', header = true, all_varchar = true)
