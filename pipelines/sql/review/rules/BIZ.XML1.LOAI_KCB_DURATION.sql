-- code: BIZ.XML1.LOAI_KCB_DURATION
-- severity: warning
-- table: XML1
-- field: MA_LOAI_KCB
-- message_vi: Thời gian điều trị không khớp MA_LOAI_KCB: nội trú (03) dưới 4 giờ phải là 09, hoặc 09 (nội trú dưới 4 giờ) kéo dài từ 4 giờ trở lên
-- message_en: The length of stay does not fit MA_LOAI_KCB: inpatient (03) under 4 hours should be 09, or 09 (inpatient under 4 hours) lasted 4 hours or more
-- grain: one row per offending claim
-- source: STANDARD.md §4.2 (09 = Điều trị nội trú dưới 4 giờ) and §5.3 bed-day rules
-- enabled: true
-- amount: 0: a date, period or duration inconsistency that is corrected, not refused; the money that depends on the stay's length (bed-days) is priced by the BED_DAYS rules
SELECT
    macskcb,
    ma_lk,
    'XML1' AS loaihoso,
    'MA_LOAI_KCB' AS field,
    concat('MA_LOAI_KCB=', ma_loai_kcb, '; stay ', date_diff('minute', ngay_vao, ngay_ra), ' min') AS value,
    0 AS amount
FROM chk.xml1
WHERE (ma_loai_kcb = '03' AND ngay_ra - ngay_vao < INTERVAL 4 HOUR)
   OR (ma_loai_kcb = '09' AND ngay_ra - ngay_vao >= INTERVAL 4 HOUR)
