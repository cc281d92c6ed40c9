-- object: ref.catalog_beds
-- grain: one row per department of a facility with its approved beds, per version and validity span
-- description: Danh mục khoa phòng - giường: departments and their approved beds (BHXH portal template, 14 columns), as loaded by bhyt-etl catalog load (pipelines/reference; data/catalogs/README.md), every version kept; read it as of a day d with d BETWEEN valid_from AND valid_to. A version applies from its version_from (the first one also to every earlier day) until the next version of the same facility (or national list) starts; the entry's own TU_NGAY/DEN_NGAY narrow that
-- source: data/catalogs/README.md (layouts of the BHXH portal catalogue templates)
-- param loaded: the relation holding the rows of every loaded version of the kind (registered by load_reference)
-- column macskcb: MACSKCB of the facility whose list this is
-- column ma_loai_kcb: MA_LOAI_KCB: type of care of the department
-- column ma_khoa: MA_KHOA: department code
-- column ten_khoa: TEN_KHOA: department name
-- column ban_kham: BAN_KHAM: examination desks
-- column giuong_pd: GIUONG_PD: approved beds
-- column giuong_2015: GIUONG_2015: beds by the 2015 standard
-- column giuong_tk: GIUONG_TK: planned beds
-- column giuong_hstc: GIUONG_HSTC: intensive-care beds
-- column giuong_hscc: GIUONG_HSCC: emergency-resuscitation beds
-- column ldlk: LDLK: joint-venture beds
-- column lien_khoa: LIEN_KHOA: shared-department code
-- column den_ngay: DEN_NGAY: the entry's own last day, as the file gives it (null: open)
-- column valid_from: first day the entry applies (inclusive; 0001-01-01 when unbounded)
-- column valid_to: last day the entry applies (inclusive; 9999-12-31 when open)
-- column version_id: the catalogue version the entry belongs to (bhyt-etl catalog list)
-- column source_row: the entry's row in the loaded file
CREATE OR REPLACE TABLE ref.catalog_beds AS
WITH entries AS (
    SELECT
        nullif(s.scope, '') AS macskcb,
        r.ma_loai_kcb, r.ma_khoa, r.ten_khoa, r.ban_kham, r.giuong_pd, r.giuong_2015, r.giuong_tk, r.giuong_hstc, r.giuong_hscc, r.ldlk, r.lien_khoa, r.den_ngay,
        greatest(coalesce(NULL, DATE '0001-01-01'), s.span_from) AS valid_from,
        least(coalesce(r.den_ngay, DATE '9999-12-31'), s.span_to) AS valid_to,
        r.version_id,
        r.source_row
    FROM ${loaded} AS r
    JOIN _ref_catalog_spans AS s ON s.scope = coalesce(r.catalog_facility, '') AND s.version_id = r.version_id
)
SELECT * FROM entries WHERE valid_from <= valid_to
