-- title: Medical assessments (XML12) sent in their own signed message, by facility and month of the council
-- grain: one row per facility and month of the council meeting (NGAY_HOP)
SELECT macskcb, date_trunc('month', ngay_hop) AS thang_hop, count(DISTINCT source_sha256) AS messages,
       count(*) AS records, round(avg(tong_tyle_ttct), 1) AS avg_tong_tyle_ttct
FROM core.xml12_messages
GROUP BY ALL
ORDER BY macskcb, thang_hop;
