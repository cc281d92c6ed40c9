-- object: ref.drugs
-- grain: one row per drug code MA_THUOC in the catalogue
-- description: drugs, oxygen and blood products (XML2) with route, unit, registration number, cost group, unit price and tender info, from data/catalogs/drugs.csv (many values illustrative, see data/catalogs/README.md)
-- param catalog_dir: the folder of the reference catalogues (data/catalogs unless load_reference is given another)
-- column ma_thuoc: MA_THUOC: active-ingredient code of the shared code list (40.n; 40.17 oxygen; blood with .NAT/.KT suffixes; XML2, STANDARD.md §3.3 XML2 #3); codes 40.9001–40.9078 are invented
-- column ten_thuoc: TEN_THUOC: drug name (a realistic generic product, not a registered one)
-- column ham_luong: HAM_LUONG: strength / concentration, e.g. 500mg
-- column duong_dung: DUONG_DUNG: 4-character route code, e.g. 1.01 oral, 2.01 injection (data/catalogs/duong_dung.csv; STANDARD.md §3.3 XML2 #10)
-- column dang_bao_che: DANG_BAO_CHE: dosage form, in Vietnamese (viên nén, dung dịch tiêm …)
-- column don_vi_tinh: DON_VI_TINH: smallest unit the price is per (Viên, Ống, Lọ, Chai, Túi …)
-- column so_dang_ky: SO_DANG_KY: marketing-authorisation number (illustrative VD-/VN-9xxxx-24; empty for blood)
-- column ma_nhom: MA_NHOM: cost group of the drug line, 4 drug in the BHYT list, 7 blood, 17 blood product (QĐ 130 / STANDARD.md §4.4; ref.ma_nhom)
-- column don_gia: DON_GIA: unit price per don_vi_tinh, VND (illustrative tender-like price; compare with XML2 DON_GIA)
-- column tt_thau: TT_THAU: tender info 'decision;package;group;year', e.g. 1825/QĐ-SYT;G1;N4;2024 (illustrative; empty for MA_NHOM 7/17, where it is not required)
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
