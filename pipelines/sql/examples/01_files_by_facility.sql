-- title: What arrived from each facility, and what became of it
-- grain: one row per facility and receipt status
SELECT macskcb, status, count(*) AS files, sum(claims_accepted) AS claims_accepted
FROM (
    -- a file decided again by bhyt-etl reprocess counts once, with its latest decision
    SELECT * FROM ops.files
    QUALIFY row_number() OVER (PARTITION BY coalesce(reprocess_of, arrival_id) ORDER BY arrival_id DESC) = 1
)
GROUP BY ALL
ORDER BY macskcb, status;
