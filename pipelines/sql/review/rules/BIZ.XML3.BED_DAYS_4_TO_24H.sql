-- code: BIZ.XML3.BED_DAYS_4_TO_24H
-- severity: error
-- table: XML3
-- field: SO_LUONG
-- message_vi: Đợt điều trị từ 4 đến 24 giờ nhưng tính quá 1 ngày giường
-- message_en: The stay lasted 4 to 24 hours but more than one bed-day is charged
-- grain: one row per offending claim
-- source: STANDARD.md §5.3 bed-days (4–24 h → at most 1; tracnn Xml3176CompleteChecker)
-- enabled: true
-- amount: the bed lines' T_BHTT × (bed-days − 1) / bed-days (ratio rounded to 10 places): a stay of 4 to 24 hours is paid one bed-day (§5.3), as BIZ.XML3.BED_DAYS_EXCEED_STAY
WITH beds AS (
    SELECT macskcb, ma_lk, sum(coalesce(so_luong, 0)) AS bed_days, sum(greatest(coalesce(t_bhtt, 0), 0)) AS bhtt
    FROM chk.xml3
    WHERE ma_nhom IN ('14', '15', '16')
    GROUP BY macskcb, ma_lk
)
SELECT
    x1.macskcb,
    x1.ma_lk,
    'XML3' AS loaihoso,
    'SO_LUONG' AS field,
    concat('bed-days=', rtrim(rtrim(CAST(b.bed_days AS VARCHAR), '0'), '.'), '; stay ', date_diff('minute', x1.ngay_vao, x1.ngay_ra), ' min') AS value,
    b.bhtt * CAST(round((b.bed_days - 1) / b.bed_days, 10) AS DECIMAL(11, 10)) AS amount
FROM chk.xml1 AS x1
JOIN beds AS b ON b.macskcb = x1.macskcb AND b.ma_lk = x1.ma_lk
WHERE b.bed_days > 1
  AND x1.ngay_ra - x1.ngay_vao >= INTERVAL 4 HOUR
  AND x1.ngay_ra - x1.ngay_vao <= INTERVAL 24 HOUR
