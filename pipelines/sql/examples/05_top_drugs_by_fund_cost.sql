-- title: The ten drugs the fund pays most for
-- grain: one row per drug code
SELECT ma_thuoc, any_value(ten_thuoc) AS ten_thuoc, sum(so_luong) AS so_luong, sum(t_bhtt) AS t_bhtt
FROM core.xml2
GROUP BY ma_thuoc
ORDER BY t_bhtt DESC
LIMIT 10;
