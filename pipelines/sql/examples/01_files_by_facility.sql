-- title: What arrived from each facility, and what became of it
-- grain: one row per facility and receipt status
SELECT macskcb, status, count(*) AS files, sum(claims_accepted) AS claims_accepted
FROM ops.files
GROUP BY ALL
ORDER BY macskcb, status;
