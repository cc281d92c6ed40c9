-- object: ref.catalog_admin_units
-- grain: one row per commune / ward per version and validity span (the 2025 mergers are a version of their own)
-- description: Đơn vị hành chính: provinces and communes (GSO export: Tỉnh Thành Phố, Mã TP, Quận Huyện, Mã QH, Phường Xã, Mã PX, Cấp, Tên Tiếng Anh); the 2025 mergers are a version valid from 01/07/2025, as loaded by bhyt-etl catalog load (pipelines/reference; data/catalogs/README.md), every version kept; read it as of a day d with d BETWEEN valid_from AND valid_to. A version applies from its version_from (the first one also to every earlier day) until the next version of the same facility (or national list) starts; the entry's own TU_NGAY/DEN_NGAY narrow that
-- source: data/catalogs/README.md (layouts of the BHXH portal catalogue templates)
-- param loaded: the relation holding the rows of every loaded version of the kind (registered by load_reference)
-- column macskcb: always empty: a national list
-- column ten_tinh: province name
-- column ma_tinh: MA_TINH: province code
-- column ten_huyen: district name (empty after the 2025 mergers, which removed districts)
-- column ma_huyen: district code (empty after the 2025 mergers)
-- column ten_xa: commune / ward name
-- column ma_xa: commune / ward code
-- column cap: kind of unit (Xã, Phường, Thị trấn, Đặc khu)
-- column ten_tieng_anh: English name
-- column valid_from: first day the entry applies (inclusive; 0001-01-01 when unbounded)
-- column valid_to: last day the entry applies (inclusive; 9999-12-31 when open)
-- column version_id: the catalogue version the entry belongs to (bhyt-etl catalog list)
-- column source_row: the entry's row in the loaded file
CREATE OR REPLACE TABLE ref.catalog_admin_units AS
WITH entries AS (
    SELECT
        nullif(s.scope, '') AS macskcb,
        r.ten_tinh, r.ma_tinh, r.ten_huyen, r.ma_huyen, r.ten_xa, r.ma_xa, r.cap, r.ten_tieng_anh,
        greatest(coalesce(NULL, DATE '0001-01-01'), s.span_from) AS valid_from,
        least(coalesce(NULL, DATE '9999-12-31'), s.span_to) AS valid_to,
        r.version_id,
        r.source_row
    FROM ${loaded} AS r
    JOIN _ref_catalog_spans AS s ON s.scope = coalesce(r.catalog_facility, '') AND s.version_id = r.version_id
)
SELECT * FROM entries WHERE valid_from <= valid_to
