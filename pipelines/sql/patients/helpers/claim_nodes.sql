-- object: _pk_claim_nodes
-- grain: one row per claim and node of the linking graph found on it
-- description: which nodes (identifiers) each claim carries (a TEMP table of the patient linking)
-- column cid: the claim (_pk_claims.cid)
-- column idx: the node (_pk_nodes.idx)
CREATE OR REPLACE TEMP TABLE _pk_claim_nodes AS
SELECT i.cid, n.idx
FROM _pk_ids AS i
JOIN _pk_nodes AS n ON n.kind = i.kind AND n.value = i.value
