-- code: BIZ.XML9.MA_BHXH_NND_FORMAT
-- severity: warning
-- table: XML9
-- field: MA_BHXH_NND
-- message_vi: Mã số BHXH của người mẹ/người nuôi dưỡng (MA_BHXH_NND) trên giấy chứng sinh phải là chữ số và không toàn số 0
-- message_en: The mother's or carer's BHXH number (MA_BHXH_NND) on the birth certificate must be digits and not all zeros
-- grain: one row per offending claim
-- source: STANDARD.md §5.4 XML9 ([V]: MA_BHXH_NND must be numeric and not all zeros); QĐ 130/4750 Bảng 9 (MA_BHXH_NND); tracnn/qlbv_public app/Services/Xml3176Xml9Checker.php (INFO_ERROR_MA_BHXH_NND, INFO_ERROR_MA_BHXH_NND_LENGTH)
-- enabled: true
-- note: the value says what is wrong, never the number (a personal identifier). amount 0: the certificate grounds a social-insurance benefit, not BHYT money of the claim
-- amount: 0: the certificate grounds a social-insurance benefit (birth, pregnancy or sick leave), not BHYT money of the claim
SELECT
    macskcb,
    ma_lk,
    'XML9' AS loaihoso,
    'MA_BHXH_NND' AS field,
    CASE WHEN regexp_matches(trim(ma_bhxh_nnd), '^0+$') THEN 'MA_BHXH_NND all zeros'
        ELSE concat('MA_BHXH_NND not digits only (', length(trim(ma_bhxh_nnd)), ' characters)') END AS value,
    CAST(0 AS DECIMAL(18, 2)) AS amount
FROM chk.xml9
WHERE nullif(trim(ma_bhxh_nnd), '') IS NOT NULL
    AND (NOT regexp_matches(trim(ma_bhxh_nnd), '^[0-9]+$') OR regexp_matches(trim(ma_bhxh_nnd), '^0+$'))
