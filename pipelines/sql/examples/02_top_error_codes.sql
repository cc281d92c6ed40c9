-- title: The error codes facilities most need to fix
-- grain: one row per error code
SELECT code, count(*) AS files, count(DISTINCT macskcb) AS facilities
FROM ops.files, unnest(error_codes) AS t(code)
WHERE reprocess_of IS NULL  -- what the facilities sent, not a decision made again by bhyt-etl reprocess
GROUP BY code
ORDER BY files DESC, code;
