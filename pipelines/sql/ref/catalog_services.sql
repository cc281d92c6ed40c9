-- object: ref.catalog_services
-- grain: one row per service price (MA_DICH_VU, and hospital class on the common tariff) per version and validity span
-- description: Danh mục dịch vụ kỹ thuật: approved service prices (BHXH portal template), a facility's own or the common tariff by hospital class, as loaded by bhyt-etl catalog load (pipelines/reference; data/catalogs/README.md), every version kept; read it as of a day d with d BETWEEN valid_from AND valid_to. A version applies from its version_from (the first one also to every earlier day) until the next version of the same facility (or national list) starts; the entry's own TU_NGAY/DEN_NGAY narrow that
-- source: data/catalogs/README.md (layouts of the BHXH portal catalogue templates)
-- param loaded: the relation holding the rows of every loaded version of the kind (registered by load_reference)
-- column macskcb: MACSKCB of the facility whose own list this is; empty for the national list
-- column ma_dich_vu: MA_DICH_VU: service code (the template's MA_TUONG_DUONG), as XML3 MA_DICH_VU carries it
-- column ten_dich_vu: TEN_DICH_VU: the approved service name (TEN_DVKT_PHEDUYET)
-- column ten_dvkt_gia: TEN_DVKT_GIA: the name of the price the service is paid at
-- column phan_loai_pttt: PHAN_LOAI_PTTT: surgery/procedure class (đặc biệt, loại 1, 2, 3)
-- column don_gia: DON_GIA: the purchase (tender) unit price, VND
-- column ghi_chu: GHI_CHU: note
-- column quyet_dinh: QUYET_DINH: the decision approving the price
-- column hang_benh_vien: hospital class the price applies to (hạng đặc biệt, I, II, III, IV), for the common tariff; empty on a facility's own list
-- column tu_ngay: TU_NGAY: the entry's own first day, as the file gives it (null: not given)
-- column den_ngay: DEN_NGAY: the entry's own last day, as the file gives it (null: open)
-- column valid_from: first day the entry applies (inclusive; 0001-01-01 when unbounded)
-- column valid_to: last day the entry applies (inclusive; 9999-12-31 when open)
-- column version_id: the catalogue version the entry belongs to (bhyt-etl catalog list)
-- column source_row: the entry's row in the loaded file
CREATE OR REPLACE TABLE ref.catalog_services AS
WITH entries AS (
    SELECT
        nullif(s.scope, '') AS macskcb,
        r.ma_dich_vu, r.ten_dich_vu, r.ten_dvkt_gia, r.phan_loai_pttt, r.don_gia, r.ghi_chu, r.quyet_dinh, r.hang_benh_vien, r.tu_ngay, r.den_ngay,
        greatest(coalesce(r.tu_ngay, DATE '0001-01-01'), s.span_from) AS valid_from,
        least(coalesce(r.den_ngay, DATE '9999-12-31'), s.span_to) AS valid_to,
        r.version_id,
        r.source_row
    FROM ${loaded} AS r
    JOIN _ref_catalog_spans AS s ON s.scope = coalesce(r.catalog_facility, '') AND s.version_id = r.version_id
)
SELECT * FROM entries WHERE valid_from <= valid_to
