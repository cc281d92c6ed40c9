-- object: _ref_catalog_spans
-- grain: one row per loaded version of one catalogue kind, per scope (facility or national list)
-- description: the days each version of a catalogue applies: from its version_from (the first version of a scope also to every earlier day) to the day before the next version of the same scope starts (open when none); made for each kind just before its ref.catalog_<kind> table, which narrows it by the entry's own TU_NGAY/DEN_NGAY (a TEMP view, dropped when the reference is loaded)
-- param loaded: the relation holding the rows of every loaded version of the kind (registered by load_reference)
-- column scope: MACSKCB of the facility whose list the version is, '' for a national list
-- column version_id: the catalogue version (bhyt-etl catalog list)
-- column span_from: first day the version applies (inclusive; 0001-01-01 when unbounded)
-- column span_to: last day the version applies (inclusive; 9999-12-31 when open)
CREATE OR REPLACE TEMP VIEW _ref_catalog_spans AS
WITH versions AS (
    SELECT DISTINCT coalesce(catalog_facility, '') AS scope, version_id, version_from
    FROM ${loaded}
)
SELECT
    scope,
    version_id,
    coalesce(version_from, DATE '0001-01-01') AS span_from,
    coalesce(
        lead(coalesce(version_from, DATE '0001-01-01')) OVER (
            PARTITION BY scope ORDER BY coalesce(version_from, DATE '0001-01-01'), version_id
        ) - 1,
        DATE '9999-12-31'
    ) AS span_to
FROM versions
