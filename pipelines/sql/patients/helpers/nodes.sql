-- object: _pk_nodes
-- grain: one row per distinct identifier that is not a placeholder
-- description: the nodes of the linking graph, numbered 0, 1, 2 ... in (kind, value) order, so that a
--   component's smallest node is its smallest CCCD, else its smallest BHXH number (a TEMP table of the
--   patient linking)
-- column kind: 0 CCCD, 1 BHXH number
-- column value: the identifier (never leaves the build)
-- column idx: the node's number
CREATE OR REPLACE TEMP TABLE _pk_nodes AS
SELECT kind, value, CAST(row_number() OVER (ORDER BY kind, value) - 1 AS BIGINT) AS idx
FROM (SELECT DISTINCT kind, value FROM _pk_ids) AS ids
WHERE NOT EXISTS (SELECT 1 FROM _pk_ambiguous AS a WHERE a.kind = ids.kind AND a.value = ids.value)
