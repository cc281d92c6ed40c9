-- object: _pk_edges
-- grain: one row per distinct edge of the linking graph
-- description: the edges that join the identifiers found on one claim: from the claim's anchor to each of
--   its other nodes; their connected components are the people (a TEMP table of the patient linking)
-- column anchor: a claim's smallest node
-- column idx: another node of that claim
CREATE OR REPLACE TEMP TABLE _pk_edges AS
SELECT DISTINCT a.anchor, c.idx
FROM _pk_claim_nodes AS c
JOIN _pk_anchor AS a ON a.cid = c.cid
WHERE c.idx <> a.anchor
