-- code: BIZ.XML11.LEAVE_OUTSIDE_STAY
-- severity: warning
-- table: XML11
-- field: TU_NGAY, DEN_NGAY
-- message_vi: Thời gian nghỉ việc hưởng BHXH (TU_NGAY–DEN_NGAY) không gắn với lần khám chữa bệnh: bắt đầu sau ngày ra (NGAY_RA) hoặc kết thúc trước ngày vào (NGAY_VAO)
-- message_en: The sick leave (TU_NGAY–DEN_NGAY) does not belong to the visit: it starts after discharge (NGAY_RA) or ends before admission (NGAY_VAO)
-- grain: one row per offending claim
-- source: QĐ 130/4750 Bảng 11 #14–#15 (the leave granted for this visit, TT 18/2022/TT-BYT); tracnn/qlbv_public app/Services/Xml3176Xml11Checker.php (INFO_ERROR_TU_NGAY_GREATER_NGAY_RA, INFO_ERROR_DEN_NGAY_LESS_THAN_NGAY_VAO: compared by day)
-- enabled: true
-- note: amount 0: the certificate grounds a social-insurance benefit, not BHYT money of the claim
-- amount: 0: the certificate grounds a social-insurance benefit (birth, pregnancy or sick leave), not BHYT money of the claim
SELECT
    l.macskcb,
    l.ma_lk,
    'XML11' AS loaihoso,
    CASE WHEN l.tu_ngay > CAST(x1.ngay_ra AS DATE) THEN 'TU_NGAY' ELSE 'DEN_NGAY' END AS field,
    concat('TU_NGAY=', strftime(l.tu_ngay, '%d/%m/%Y'), '; DEN_NGAY=', strftime(l.den_ngay, '%d/%m/%Y'),
        '; stay ', strftime(x1.ngay_vao, '%d/%m/%Y'), '–', strftime(x1.ngay_ra, '%d/%m/%Y')) AS value,
    CAST(0 AS DECIMAL(18, 2)) AS amount
FROM chk.xml11 AS l
JOIN chk.xml1 AS x1 ON x1.macskcb = l.macskcb AND x1.ma_lk = l.ma_lk
WHERE l.tu_ngay > CAST(x1.ngay_ra AS DATE) OR l.den_ngay < CAST(x1.ngay_vao AS DATE)
