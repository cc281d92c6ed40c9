-- object: ref.catalog_equipment
-- grain: one row per machine (MA_MAY) of a facility, per version and validity span
-- description: Danh mục trang thiết bị: the facility's machines and their MA_MAY (BHXH portal template, 14 columns), as loaded by bhyt-etl catalog load (pipelines/reference; data/catalogs/README.md), every version kept; read it as of a day d with d BETWEEN valid_from AND valid_to. A version applies from its version_from (the first one also to every earlier day) until the next version of the same facility (or national list) starts; the entry's own TU_NGAY/DEN_NGAY narrow that
-- source: data/catalogs/README.md (layouts of the BHXH portal catalogue templates)
-- param loaded: the relation holding the rows of every loaded version of the kind (registered by load_reference)
-- column macskcb: MACSKCB of the facility whose list this is
-- column ten_tb: TEN_TB: equipment name
-- column ky_hieu: KY_HIEU: model
-- column congty_sx: CONGTY_SX: manufacturer
-- column nuoc_sx: NUOC_SX: country of manufacture
-- column nam_sx: NAM_SX: year made
-- column nam_sd: NAM_SD: year in use
-- column ma_may: MA_MAY: the machine code XML3 MA_MAY carries (XX.n.MACSKCB.serial)
-- column so_luu_hanh: SO_LUU_HANH: circulation number
-- column hd_tu: HD_TU: first day of the contract (socialised equipment)
-- column hd_den: HD_DEN: last day of the contract
-- column tu_ngay: TU_NGAY: the entry's own first day, as the file gives it (null: not given)
-- column den_ngay: DEN_NGAY: the entry's own last day, as the file gives it (null: open)
-- column valid_from: first day the entry applies (inclusive; 0001-01-01 when unbounded)
-- column valid_to: last day the entry applies (inclusive; 9999-12-31 when open)
-- column version_id: the catalogue version the entry belongs to (bhyt-etl catalog list)
-- column source_row: the entry's row in the loaded file
CREATE OR REPLACE TABLE ref.catalog_equipment AS
WITH entries AS (
    SELECT
        nullif(s.scope, '') AS macskcb,
        r.ten_tb, r.ky_hieu, r.congty_sx, r.nuoc_sx, r.nam_sx, r.nam_sd, r.ma_may, r.so_luu_hanh, r.hd_tu, r.hd_den, r.tu_ngay, r.den_ngay,
        greatest(coalesce(r.tu_ngay, DATE '0001-01-01'), s.span_from) AS valid_from,
        least(coalesce(r.den_ngay, DATE '9999-12-31'), s.span_to) AS valid_to,
        r.version_id,
        r.source_row
    FROM ${loaded} AS r
    JOIN _ref_catalog_spans AS s ON s.scope = coalesce(r.catalog_facility, '') AND s.version_id = r.version_id
)
SELECT * FROM entries WHERE valid_from <= valid_to
