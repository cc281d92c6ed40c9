-- code: BIZ.XML3.BED_DAYS_EXCEED_STAY
-- severity: error
-- table: XML3
-- field: SO_LUONG
-- message_vi: Tổng số ngày giường (MA_NHOM 14, 15, 16) vượt số ngày của đợt điều trị (ngày ra − ngày vào + 1)
-- message_en: The total bed-days (MA_NHOM 14, 15, 16) exceed the calendar days of the stay (discharge − admission + 1)
-- grain: one row per offending claim
-- source: STANDARD.md §5.3 (bed-day rules; SO_NGAY_DTRI = RA − VÀO + 1 is the most days a stay can have)
-- enabled: true
WITH beds AS (
    SELECT macskcb, ma_lk, sum(coalesce(so_luong, 0)) AS bed_days
    FROM chk.xml3
    WHERE ma_nhom IN ('14', '15', '16')
    GROUP BY macskcb, ma_lk
)
SELECT
    x1.macskcb,
    x1.ma_lk,
    'XML3' AS loaihoso,
    'SO_LUONG' AS field,
    concat(
        'bed-days=', b.bed_days, '; days of the stay=',
        date_diff('day', CAST(x1.ngay_vao AS DATE), CAST(x1.ngay_ra AS DATE)) + 1
    ) AS value
FROM chk.xml1 AS x1
JOIN beds AS b ON b.macskcb = x1.macskcb AND b.ma_lk = x1.ma_lk
WHERE b.bed_days > date_diff('day', CAST(x1.ngay_vao AS DATE), CAST(x1.ngay_ra AS DATE)) + 1
