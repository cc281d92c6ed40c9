-- code: BIZ.XML11.SO_NGAY_NGHI_VS_DATES
-- severity: warning
-- table: XML11
-- field: SO_NGAY_NGHI, TU_NGAY, DEN_NGAY
-- message_vi: Số ngày nghỉ việc hưởng BHXH (SO_NGAY_NGHI) khác số ngày từ TU_NGAY đến DEN_NGAY (tính cả hai ngày) hoặc không lớn hơn 0
-- message_en: The days of sick leave (SO_NGAY_NGHI) differ from the days from TU_NGAY to DEN_NGAY (both included), or are not above 0
-- grain: one row per offending claim
-- source: QĐ 130/4750 Bảng 11 #13 (SO_NGAY_NGHI: the days of leave), #14–#15 (TU_NGAY, DEN_NGAY: first and last day of the benefit); tracnn/qlbv_public app/Services/Xml3176Xml11Checker.php (SO_NGAY_NGHI a whole number above 0)
-- enabled: true
-- note: a leave that ends before it starts is BIZ.XML11.DEN_NGAY_BEFORE_TU_NGAY, not this rule. amount 0: the certificate grounds a social-insurance benefit, not BHYT money of the claim
-- amount: 0: the certificate grounds a social-insurance benefit (birth, pregnancy or sick leave), not BHYT money of the claim
SELECT
    macskcb,
    ma_lk,
    'XML11' AS loaihoso,
    'SO_NGAY_NGHI' AS field,
    concat('SO_NGAY_NGHI=', so_ngay_nghi, '; ', strftime(tu_ngay, '%d/%m/%Y'), '–', strftime(den_ngay, '%d/%m/%Y'),
        ' = ', date_diff('day', tu_ngay, den_ngay) + 1, ' days') AS value,
    CAST(0 AS DECIMAL(18, 2)) AS amount
FROM chk.xml11
WHERE so_ngay_nghi IS NOT NULL AND den_ngay >= tu_ngay
    AND (so_ngay_nghi <= 0 OR so_ngay_nghi <> date_diff('day', tu_ngay, den_ngay) + 1)
