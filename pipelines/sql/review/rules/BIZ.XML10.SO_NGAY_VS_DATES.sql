-- code: BIZ.XML10.SO_NGAY_VS_DATES
-- severity: warning
-- table: XML10
-- field: SO_NGAY, TU_NGAY, DEN_NGAY
-- message_vi: Số ngày nghỉ dưỡng thai (SO_NGAY) khác số ngày từ TU_NGAY đến DEN_NGAY (tính cả hai ngày)
-- message_en: The days of pregnancy leave (SO_NGAY) differ from the days from TU_NGAY to DEN_NGAY (both included)
-- grain: one row per offending claim
-- source: QĐ 130/4750 Bảng 10 #4 (SO_NGAY: the days of leave), #7–#8 (TU_NGAY, DEN_NGAY: first and last day of the leave)
-- enabled: true
-- note: a leave that ends before it starts is BIZ.XML10.DEN_NGAY_BEFORE_TU_NGAY, not this rule. amount 0: the certificate grounds a social-insurance benefit, not BHYT money of the claim
-- amount: 0: the certificate grounds a social-insurance benefit (birth, pregnancy or sick leave), not BHYT money of the claim
SELECT
    macskcb,
    ma_lk,
    'XML10' AS loaihoso,
    'SO_NGAY' AS field,
    concat('SO_NGAY=', so_ngay, '; ', strftime(tu_ngay, '%d/%m/%Y'), '–', strftime(den_ngay, '%d/%m/%Y'), ' = ',
        date_diff('day', tu_ngay, den_ngay) + 1, ' days') AS value,
    CAST(0 AS DECIMAL(18, 2)) AS amount
FROM chk.xml10
WHERE so_ngay IS NOT NULL AND den_ngay >= tu_ngay AND so_ngay <> date_diff('day', tu_ngay, den_ngay) + 1
