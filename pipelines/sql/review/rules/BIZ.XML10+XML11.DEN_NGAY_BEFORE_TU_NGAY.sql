-- code: BIZ.${table}.DEN_NGAY_BEFORE_TU_NGAY
-- severity: error
-- tables: XML10, XML11
-- field: TU_NGAY, DEN_NGAY
-- message_vi XML10: Giấy nghỉ dưỡng thai có ngày kết thúc nghỉ (DEN_NGAY) trước ngày bắt đầu (TU_NGAY)
-- message_vi XML11: Giấy chứng nhận nghỉ việc hưởng BHXH có ngày kết thúc (DEN_NGAY) trước ngày bắt đầu hưởng chế độ (TU_NGAY)
-- message_en XML10: The pregnancy-leave certificate ends (DEN_NGAY) before it starts (TU_NGAY)
-- message_en XML11: The sick-leave certificate ends (DEN_NGAY) before it starts (TU_NGAY)
-- grain: one row per offending claim
-- source XML10: QĐ 130/4750 Bảng 10 #7–#8 (TU_NGAY, DEN_NGAY: first and last day of the leave); tracnn/qlbv_public app/Services/Xml3176Xml10Checker.php
-- source XML11: QĐ 130/4750 Bảng 11 #14–#15 (TU_NGAY, DEN_NGAY: first and last day of the benefit); tracnn/qlbv_public app/Services/Xml3176Xml11Checker.php (INFO_ERROR_DATE_RANGE: DEN_NGAY must not be before TU_NGAY)
-- enabled: true
-- note: amount 0: the certificate grounds a social-insurance benefit, not BHYT money of the claim
-- amount: 0: the certificate grounds a social-insurance benefit (birth, pregnancy or sick leave), not BHYT money of the claim
SELECT
    macskcb,
    ma_lk,
    '${table}' AS loaihoso,
    'DEN_NGAY' AS field,
    concat('TU_NGAY=', strftime(tu_ngay, '%d/%m/%Y'), '; DEN_NGAY=', strftime(den_ngay, '%d/%m/%Y')) AS value,
    CAST(0 AS DECIMAL(18, 2)) AS amount
FROM chk.${t}
WHERE den_ngay < tu_ngay
