-- object: ref.catalog_facilities
-- grain: one row per facility code (MA_CSKCB) per version and validity span
-- description: Danh sách cơ sở KCB: facility codes, level and class (BHXH portal list: STT, Mã, Tên, Tuyến CMKT, Hạng bệnh viện, Địa chỉ), as loaded by bhyt-etl catalog load (pipelines/reference; data/catalogs/README.md), every version kept; read it as of a day d with d BETWEEN valid_from AND valid_to. A version applies from its version_from (the first one also to every earlier day) until the next version of the same facility (or national list) starts; the entry's own TU_NGAY/DEN_NGAY narrow that
-- source: data/catalogs/README.md (layouts of the BHXH portal catalogue templates)
-- param loaded: the relation holding the rows of every loaded version of the kind (registered by load_reference)
-- column macskcb: always empty: a national list
-- column ma_cskcb: MA_CSKCB: facility code written in the file's row (informative; the list's facility is macskcb)
-- column ten_cskcb: TEN_CSKCB: facility name
-- column tuyen_cmkt: TUYEN_CMKT: technical level (tuyến chuyên môn kỹ thuật)
-- column hang_benh_vien: hospital class the price applies to (hạng đặc biệt, I, II, III, IV), for the common tariff; empty on a facility's own list
-- column dia_chi: DIA_CHI: address
-- column ma_tinh: MA_TINH: province code
-- column tu_ngay: TU_NGAY: the entry's own first day, as the file gives it (null: not given)
-- column den_ngay: DEN_NGAY: the entry's own last day, as the file gives it (null: open)
-- column valid_from: first day the entry applies (inclusive; 0001-01-01 when unbounded)
-- column valid_to: last day the entry applies (inclusive; 9999-12-31 when open)
-- column version_id: the catalogue version the entry belongs to (bhyt-etl catalog list)
-- column source_row: the entry's row in the loaded file
CREATE OR REPLACE TABLE ref.catalog_facilities AS
WITH entries AS (
    SELECT
        nullif(s.scope, '') AS macskcb,
        r.ma_cskcb, r.ten_cskcb, r.tuyen_cmkt, r.hang_benh_vien, r.dia_chi, r.ma_tinh, r.tu_ngay, r.den_ngay,
        greatest(coalesce(r.tu_ngay, DATE '0001-01-01'), s.span_from) AS valid_from,
        least(coalesce(r.den_ngay, DATE '9999-12-31'), s.span_to) AS valid_to,
        r.version_id,
        r.source_row
    FROM ${loaded} AS r
    JOIN _ref_catalog_spans AS s ON s.scope = coalesce(r.catalog_facility, '') AND s.version_id = r.version_id
)
SELECT * FROM entries WHERE valid_from <= valid_to
