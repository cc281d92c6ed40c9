-- object: _pk_ids
-- grain: one row per claim and usable identifier (kind, value)
-- description: the identifiers of every claim to link: kind 0 = a CCCD (8-15 letters or digits), kind 1 = a
--   BHXH number (the last 10 digits of each 10- or 15-character card of MA_THE_BHYT); values made of one
--   repeated character cannot identify anyone and are left out (a TEMP table of the patient linking)
-- column cid: the claim (_pk_claims.cid)
-- column kind: 0 CCCD, 1 BHXH number
-- column value: the identifier, upper case (never leaves the build)
CREATE OR REPLACE TEMP TABLE _pk_ids AS
WITH raw AS (
    SELECT cid, 0 AS kind, upper(trim(so_cccd)) AS value
    FROM _pk_claims
    WHERE so_cccd IS NOT NULL
    UNION ALL
    SELECT cid, 1 AS kind, right(card, 10) AS value
    FROM (
        SELECT cid, upper(trim(unnest(string_split(ma_the_bhyt, ';')))) AS card
        FROM _pk_claims
        WHERE ma_the_bhyt IS NOT NULL
    )
    WHERE length(card) IN (10, 15)
)
SELECT DISTINCT cid, kind, value
FROM raw
WHERE CASE kind
        WHEN 0 THEN regexp_full_match(value, '[0-9A-Z]{8,15}')
        ELSE regexp_full_match(value, '[0-9]{10}')
    END
  AND replace(value, left(value, 1), '') <> ''
