-- object: ref.supplies
-- grain: one row per medical-supply code MA_VAT_TU in the catalogue
-- description: medical supplies (XML3, MA_NHOM 10) with unit, unit price and tender info, from data/catalogs/supplies.csv (codes end in a synthetic suffix; prices mostly illustrative)
-- param catalog_dir: the folder of the reference catalogues (data/catalogs unless load_reference is given another)
-- column ma_vat_tu: MA_VAT_TU: medical-supply code (TT 04/2017 group + portal segments; here always ending in the synthetic .0000.000.NNNN; XML3, STANDARD.md §3.3 XML3 #5)
-- column ten_vat_tu: TEN_VAT_TU: name of the supply, in Vietnamese
-- column ma_nhom: MA_NHOM: cost group of the supply line, 10 medical supply in the BHYT list (QĐ 130 / STANDARD.md §4.4; ref.ma_nhom)
-- column don_gia: unit price per don_vi_tinh, VND (mostly illustrative; implants stay under the T_TRANTT ceiling of 45 × base salary)
-- column don_vi_tinh: DON_VI_TINH: unit the price is per (Cái, Bộ …)
-- column tt_thau: TT_THAU: tender info 'decision;package;group;year', e.g. 2410/QĐ-SYT;G1;N2;2024 (illustrative; required on XML3 supply lines)
CREATE OR REPLACE TABLE ref.supplies AS
SELECT ma_vat_tu, ten_vat_tu, ma_nhom, TRY_CAST(don_gia AS DECIMAL(18, 3)) AS don_gia, don_vi_tinh, tt_thau
FROM read_csv('${catalog_dir}/supplies.csv', header = true, all_varchar = true)
