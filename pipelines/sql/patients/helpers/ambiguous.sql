-- object: _pk_ambiguous
-- grain: one row per identifier seen with more than max_partners different identifiers of the other kind
-- description: placeholders, not people (a CCCD typed for many patients): one person has one BHXH number for
--   life and at most an old ID card, a CCCD and a passport; these identifiers link nothing (a TEMP table of
--   the patient linking)
-- param max_partners: the most identifiers of the other kind one person's identifier is seen with (patients.MAX_PARTNERS)
-- column kind: 0 CCCD, 1 BHXH number
-- column value: the identifier (never leaves the build)
CREATE OR REPLACE TEMP TABLE _pk_ambiguous AS
SELECT a.kind, a.value
FROM _pk_ids AS a
JOIN _pk_ids AS b ON b.cid = a.cid AND b.kind <> a.kind
GROUP BY a.kind, a.value
HAVING count(DISTINCT b.value) > ${max_partners}
