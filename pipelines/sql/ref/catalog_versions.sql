-- object: ref.catalog_versions
-- grain: one row per loaded catalogue version (kind, facility or national, version)
-- description: what bhyt-etl catalog load has put in the lake (pipelines/reference): every version of every kind, with the days it answers for. A version applies from its version_from (the first version of a kind and scope, loaded without --valid-from, also to every earlier day) to the day before the next version of the same kind and scope starts. A rule that checks a claim line against a list first asks whether a version covers the line's day: without one it says nothing
-- source: data/catalogs/README.md (catalogue kinds, versions)
-- param loaded: the relation listing the loaded versions (registered by load_reference)
-- column kind: catalogue kind: drugs, services, supplies, staff, beds, equipment, facilities, admin_units, yhct
-- column macskcb: MACSKCB of the facility whose list it is; null for a national list
-- column version_id: the version's identifier (<version_from>-<loaded_at>-<file hash>), also its file name in the lake
-- column version_from: the day the version was loaded to apply from (--valid-from); null: the first version, also for every earlier day
-- column valid_from: first day the version answers for (0001-01-01: every earlier day)
-- column valid_to: last day the version answers for (the day before the next version; 9999-12-31 while it is the latest)
-- column loaded_at: when it was loaded (UTC)
-- column source_file: the name of the file it was loaded from
-- column source_sha256: SHA-256 of that file
-- column rows: entries in the version
CREATE OR REPLACE TABLE ref.catalog_versions AS
SELECT
    kind,
    macskcb,
    version_id,
    version_from,
    coalesce(version_from, DATE '0001-01-01') AS valid_from,
    coalesce(
        lead(coalesce(version_from, DATE '0001-01-01')) OVER (
            PARTITION BY kind, coalesce(macskcb, '')
            ORDER BY coalesce(version_from, DATE '0001-01-01'), version_id
        ) - 1,
        DATE '9999-12-31'
    ) AS valid_to,
    loaded_at,
    source_file,
    source_sha256,
    rows
FROM ${loaded}
