-- title: Claims a facility sent again with corrections, and what changed in the total
-- grain: one row per claim with more than one accepted version
SELECT v.macskcb, v.ma_lk, count(*) AS versions, max(v.version) AS current_version,
       arg_min(x.t_tongchi_bv, v.version) AS first_total, arg_max(x.t_tongchi_bv, v.version) AS current_total
FROM core.claim_versions v
JOIN lake.xml1 x ON x.macskcb = v.macskcb AND x.ma_lk = v.ma_lk AND x.source_sha256 = v.source_sha256
GROUP BY ALL
HAVING count(*) > 1
ORDER BY v.macskcb, v.ma_lk;
