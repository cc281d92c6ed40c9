-- code: BIZ.XML3.BED_DAY_UNDER_4H
-- severity: error
-- table: XML3
-- field: SO_LUONG
-- message_vi: Đợt điều trị dưới 4 giờ nhưng có tính tiền ngày giường (MA_NHOM 14, 15, 16)
-- message_en: The stay lasted under 4 hours but bed-days (MA_NHOM 14, 15, 16) are charged
-- grain: one row per offending claim
-- source: STANDARD.md §5.3 bed-days (stay < 4 h → no bed-day; tracnn Xml3176CompleteChecker)
-- enabled: true
-- amount: the bed lines' T_BHTT: a stay under 4 hours is paid no bed-day (§5.3)
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
    b.bhtt AS amount
FROM chk.xml1 AS x1
JOIN beds AS b ON b.macskcb = x1.macskcb AND b.ma_lk = x1.ma_lk
WHERE b.bed_days > 0 AND x1.ngay_ra - x1.ngay_vao < INTERVAL 4 HOUR
