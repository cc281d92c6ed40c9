-- object: ops.facilities
-- grain: one row per facility (MACSKCB) registered in the trust directory's facilities.csv
-- description: The facilities the office expects files from: every MACSKCB of <trust>/facilities.csv (one row per registered certificate there; one row per facility here, with the first name given). Read again at every warehouse build, so a facility registered today is listed tonight.
-- source: ARCHITECTURE.md "Trust directory" (facilities.csv: macskcb,name,tax_code,cert_sha256)
-- param facilities_csv: path of <trust>/facilities.csv, as an SQL string literal
-- column macskcb: facility code (MACSKCB)
-- column name: the facility's name as registered
-- column certificates: how many certificate rows facilities.csv holds for the facility
CREATE OR REPLACE TABLE ops.facilities AS
SELECT trim(macskcb) AS macskcb, first(name ORDER BY name) AS name, count(*) AS certificates
FROM read_csv(${facilities_csv}, header = true, all_varchar = true)
WHERE coalesce(trim(macskcb), '') <> ''
GROUP BY 1
ORDER BY 1
