-- code: BIZ.XML11.MAU_SO_VALUE
-- severity: warning
-- table: XML11
-- field: MAU_SO
-- message_vi: Mẫu số của giấy chứng nhận nghỉ việc hưởng BHXH (MAU_SO) phải là CT07 (hoặc để trống để Cổng tự ghi CT07)
-- message_en: The form code of the sick-leave certificate (MAU_SO) must be CT07 (or empty, and the portal writes CT07)
-- grain: one row per offending claim
-- source: QĐ 130/4750 Bảng 11 #22 (MAU_SO: facilities write CT07; empty, the portal fills CT07), STANDARD.md §4 (MAU_SO); tracnn/qlbv_public app/Services/Xml3176Xml11Checker.php (INFO_ERROR_INVALID_MAU_SO)
-- enabled: true
-- note: amount 0: the certificate grounds a social-insurance benefit, not BHYT money of the claim
-- amount: 0: the certificate grounds a social-insurance benefit (birth, pregnancy or sick leave), not BHYT money of the claim
SELECT
    macskcb,
    ma_lk,
    'XML11' AS loaihoso,
    'MAU_SO' AS field,
    concat('MAU_SO=', trim(mau_so)) AS value,
    CAST(0 AS DECIMAL(18, 2)) AS amount
FROM chk.xml11
WHERE nullif(trim(mau_so), '') IS NOT NULL AND upper(trim(mau_so)) <> 'CT07'
