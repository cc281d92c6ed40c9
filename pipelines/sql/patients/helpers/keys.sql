-- object: _pk_keys
-- grain: one row per component of the linking graph, plus one per claim with no usable identifier
-- description: the patient keys: 'C' + the keyed hash of the component's smallest node when it is a CCCD,
--   'B' + that of the BHXH number when it is not; 'X' + the keyed hash of facility and MA_LK for a claim that
--   stands alone (root -cid). The key of the hash is the query parameter $key, never stored (a TEMP table of
--   the patient linking)
-- param node_hash: the keyed hash of the node's value n.value (identity.keyed_hash_sql)
-- param claim_hash: the keyed hash of the claim's c.macskcb || '/' || c.ma_lk (identity.keyed_hash_sql)
-- column root: the component's smallest node (_pk_roots.root), or -cid for a claim that stands alone
-- column patient_key: the pseudonymous patient key
CREATE OR REPLACE TEMP TABLE _pk_keys AS
SELECT n.idx AS root, CASE n.kind WHEN 0 THEN 'C' ELSE 'B' END || ${node_hash} AS patient_key
FROM _pk_nodes AS n
WHERE n.idx IN (SELECT DISTINCT root FROM _pk_roots)
UNION ALL
SELECT -c.cid AS root, 'X' || ${claim_hash} AS patient_key
FROM _pk_claims AS c
ANTI JOIN _pk_anchor AS a ON a.cid = c.cid
