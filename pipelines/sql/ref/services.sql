-- object: ref.services
-- grain: one row per service code MA_DICH_VU in the catalogue (examinations, beds, technical services, transport)
-- description: services with cost group, unit price and whether they are paraclinical (MA_NHOM 1, 2, 3), from data/catalogs/services.csv (prices partly illustrative, see data/catalogs/README.md)
-- param catalog_dir: the folder of the reference catalogues (data/catalogs unless load_reference is given another)
-- column ma_dich_vu: MA_DICH_VU: service code XX.YYYY.ZZZZ (chapter.technique.price code; exams XX.1896, beds Kxx.19yy, transport VC.xxxxx; XML3, STANDARD.md §3.3 XML3 #3)
-- column ten_dich_vu: TEN_DICH_VU: name of the service, in Vietnamese
-- column ma_nhom: MA_NHOM: cost group of the service line, e.g. 1 test, 2 imaging, 3 functional, 8 surgery, 12 transport, 13 exam, 15 bed-day (QĐ 130 / STANDARD.md §4.4; ref.ma_nhom)
-- column don_gia: unit price per don_vi_tinh, VND (prices approved for Bệnh viện Nhi Trung ương by QĐ 3467/QĐ-BYT, some illustrative; compare with XML3 DON_GIA_BH as a magnitude only)
-- column don_vi_tinh: DON_VI_TINH: unit the price is per: Lần, Ngày (beds, ventilation), Km (transport)
-- column is_paraclinical: true for MA_NHOM 1, 2, 3 (paraclinical: XML4 results, NGUOI_THUC_HIEN and NGAY_TH_YL required; review.repeat_services)
CREATE OR REPLACE TABLE ref.services AS
SELECT
    ma_dich_vu,
    ten_dich_vu,
    ma_nhom,
    TRY_CAST(don_gia AS DECIMAL(18, 3)) AS don_gia,
    don_vi_tinh,
    is_paraclinical = '1' AS is_paraclinical
FROM read_csv('${catalog_dir}/services.csv', header = true, all_varchar = true)
