-- object: ref.catalog_yhct
-- grain: one row per traditional-medicine disease code per version and validity span
-- description: Danh mục bệnh YHCT: traditional-medicine disease codes and their ICD-10 counterpart (icd_yhct_categories), as loaded by bhyt-etl catalog load (pipelines/reference; data/catalogs/README.md), every version kept; read it as of a day d with d BETWEEN valid_from AND valid_to. A version applies from its version_from (the first one also to every earlier day) until the next version of the same facility (or national list) starts; the entry's own TU_NGAY/DEN_NGAY narrow that
-- source: data/catalogs/README.md (layouts of the BHXH portal catalogue templates)
-- param loaded: the relation holding the rows of every loaded version of the kind (registered by load_reference)
-- column macskcb: always empty: a national list
-- column ma_benh_yhct: MA_BENH_YHCT: traditional-medicine disease code, as XML1/XML3 MA_BENH_YHCT carry it
-- column ten_benh_yhct: traditional-medicine disease name
-- column ten_benh: disease name
-- column ma_icd10: the ICD-10 code the YHCT disease corresponds to
-- column ten_icd10: the ICD-10 title
-- column valid_from: first day the entry applies (inclusive; 0001-01-01 when unbounded)
-- column valid_to: last day the entry applies (inclusive; 9999-12-31 when open)
-- column version_id: the catalogue version the entry belongs to (bhyt-etl catalog list)
-- column source_row: the entry's row in the loaded file
CREATE OR REPLACE TABLE ref.catalog_yhct AS
WITH entries AS (
    SELECT
        nullif(s.scope, '') AS macskcb,
        r.ma_benh_yhct, r.ten_benh_yhct, r.ten_benh, r.ma_icd10, r.ten_icd10,
        greatest(coalesce(NULL, DATE '0001-01-01'), s.span_from) AS valid_from,
        least(coalesce(NULL, DATE '9999-12-31'), s.span_to) AS valid_to,
        r.version_id,
        r.source_row
    FROM ${loaded} AS r
    JOIN _ref_catalog_spans AS s ON s.scope = coalesce(r.catalog_facility, '') AND s.version_id = r.version_id
)
SELECT * FROM entries WHERE valid_from <= valid_to
