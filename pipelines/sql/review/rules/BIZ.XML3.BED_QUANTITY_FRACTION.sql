-- code: BIZ.XML3.BED_QUANTITY_FRACTION
-- severity: warning
-- table: XML3
-- field: SO_LUONG
-- message_vi: Số lượng ngày giường (SO_LUONG) có phần lẻ không theo quy định: chỉ được 0,5 (nằm ghép 2 người, chuyển khoa trong ngày) hoặc 0,33 (nằm ghép từ 3 người)
-- message_en: The bed-day quantity (SO_LUONG) has a fraction the rules do not allow: only .5 (two patients per bed, a ward change within the day) or .33 (three or more per bed)
-- grain: one row per offending line
-- source: QĐ 130/4750 Bảng 3 #17 (TYLE_TT_DV: shared bed, quantity 0.5 for 2 patients, 0.33 in the QĐ 130 text for 3 or more; moving between wards on one day, 0.5 to the dearest and cheapest ward), STANDARD.md §4 (TYLE_TT_DV) and §8 item 6; tracnn/qlbv_public app/Services/Xml3176Xml3Checker.php (BED_DAY_QUANTITY_ERROR: bed quantity checked per line)
-- enabled: true
-- note: amount = the line's T_BHTT for the fraction above the largest allowed one (.5, .33 or whole), pro rata of the quantity
-- amount: the line's T_BHTT for the fraction of a bed-day above the largest allowed one (.5, .33 or whole), pro rata of the quantity (ratio rounded to 10 places), never below 0
WITH beds AS (
    SELECT macskcb, ma_lk, stt, so_luong, t_bhtt, so_luong - floor(so_luong) AS frac
    FROM chk.xml3
    WHERE ma_nhom IN ('14', '15', '16') AND so_luong > 0
),
judged AS (
    SELECT *, CASE WHEN frac >= 0.5 THEN frac - 0.5 WHEN frac >= 0.33 THEN frac - 0.33 ELSE frac END AS excess
    FROM beds
    WHERE frac NOT IN (0, 0.5, 0.33)
)
SELECT
    macskcb,
    ma_lk,
    'XML3' AS loaihoso,
    'SO_LUONG' AS field,
    concat('STT ', stt, ': bed-days SO_LUONG=', so_luong) AS value,
    CAST(least(greatest(coalesce(t_bhtt, 0), 0), greatest(round(coalesce(t_bhtt, 0) * CAST(round(excess / so_luong, 10) AS DECIMAL(11, 10)), 0), 0)) AS DECIMAL(18, 2)) AS amount
FROM judged
