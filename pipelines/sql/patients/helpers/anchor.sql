-- object: _pk_anchor
-- grain: one row per claim with at least one node
-- description: each claim's smallest node, the end every edge of the claim starts from (a TEMP table of the
--   patient linking)
-- column cid: the claim (_pk_claims.cid)
-- column anchor: the claim's smallest node (_pk_nodes.idx)
CREATE OR REPLACE TEMP TABLE _pk_anchor AS
SELECT cid, min(idx) AS anchor FROM _pk_claim_nodes GROUP BY cid
