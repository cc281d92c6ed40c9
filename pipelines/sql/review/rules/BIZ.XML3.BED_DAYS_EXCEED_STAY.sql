-- code: BIZ.XML3.BED_DAYS_EXCEED_STAY
-- severity: error
-- table: XML3
-- field: SO_LUONG
-- message_vi: Tổng số ngày giường (MA_NHOM 14, 15, 16) vượt số ngày được tính theo quy định: số ngày (ngày ra − ngày vào nội trú), cộng 1 chỉ khi tử vong, chuyển tuyến, trốn viện, xin ra viện hoặc nặng hơn/không thay đổi
-- message_en: The total bed-days (MA_NHOM 14, 15, 16) exceed what the rule allows: the days between inpatient admission and discharge, plus one only on death, transfer, absconding, discharge on request or a worse/unchanged outcome
-- grain: one row per offending claim
-- source: TT 39/2018/TT-BYT Điều 6 k4 as carried into TT 22/2023/TT-BYT (bed-days of an inpatient stay over 24 h: ngày ra − ngày vào, + 1 for the special discharges); implemented as in tracnn/qlbv_public app/Services/Xml3176/Support/BedDaysTT39Calculator.php (special = KET_QUA_DTRI 3, 4, 5, 6 or MA_LOAI_RV 2, 3, 4, config/qd130xml.php; the day count starts at NGAY_VAO_NOI_TRU when it lies within the stay). The TT 22/2023 text itself was not read; before issue 14 this rule allowed ra − vào + 1 on every stay, one bed-day too many on a routine discharge
-- enabled: true
-- note: stays of 24 h or less are BIZ.XML3.BED_DAY_UNDER_4H and BED_DAYS_4_TO_24H; amount = the bed lines' T_BHTT × excess / billed bed-days
-- amount: the bed lines' T_BHTT × excess bed-days / billed bed-days (ratio rounded to 10 places): the excess days' share of what the fund pays for beds
WITH beds AS (
    SELECT macskcb, ma_lk, sum(coalesce(so_luong, 0)) AS bed_days, sum(coalesce(t_bhtt, 0)) AS bed_bhtt
    FROM chk.xml3
    WHERE ma_nhom IN ('14', '15', '16')
    GROUP BY macskcb, ma_lk
),
stays AS (
    SELECT
        macskcb,
        ma_lk,
        CASE
            WHEN ngay_vao_noi_tru BETWEEN ngay_vao AND ngay_ra THEN ngay_vao_noi_tru ELSE ngay_vao
        END AS start,
        ngay_ra,
        coalesce(ket_qua_dtri, '') IN ('3', '4', '5', '6') OR coalesce(ma_loai_rv, '') IN ('2', '3', '4') AS special
    FROM chk.xml1
    WHERE ngay_vao IS NOT NULL AND ngay_ra IS NOT NULL AND ngay_ra > ngay_vao + INTERVAL 24 HOUR
),
allowed AS (
    SELECT *, date_diff('day', CAST(start AS DATE), CAST(ngay_ra AS DATE)) + CASE WHEN special THEN 1 ELSE 0 END AS days
    FROM stays
)
SELECT
    a.macskcb,
    a.ma_lk,
    'XML3' AS loaihoso,
    'SO_LUONG' AS field,
    concat('bed-days=', rtrim(rtrim(CAST(b.bed_days AS VARCHAR), '0'), '.'), '; allowed=', a.days, CASE WHEN a.special THEN ' (special discharge: +1)' ELSE '' END) AS value,
    greatest(b.bed_bhtt, 0) * CAST(round((b.bed_days - a.days) / b.bed_days, 10) AS DECIMAL(11, 10)) AS amount
FROM allowed AS a
JOIN beds AS b ON b.macskcb = a.macskcb AND b.ma_lk = a.ma_lk
WHERE b.bed_days > a.days
