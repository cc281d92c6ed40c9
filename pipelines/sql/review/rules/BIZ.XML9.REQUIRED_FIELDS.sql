-- code: BIZ.XML9.REQUIRED_FIELDS
-- severity: warning
-- table: XML9
-- field: HO_TEN_NND, SO_CCCD_NND, NGAYSINH_NND, NOI_CU_TRU_NND, HO_TEN_CON, CAN_NANG_CON, NGAY_SINH_CON, NGUOI_DO_DE, NGAY_CT, MA_TTDV
-- message_vi: Giấy chứng sinh (XML9) thiếu trường bắt buộc
-- message_en: The birth certificate (XML9) lacks a required field
-- grain: one row per missing field
-- source: STANDARD.md §5.4 XML9 ([V]: SO_CCCD_NND, CAN_NANG_CON and MA_TTDV are required); QĐ 130/4750 Bảng 9; tracnn/qlbv_public app/Services/Xml3176Xml9Checker.php (INFO_ERROR_HO_TEN_NND, INFO_ERROR_SO_CCCD_NND, INFO_ERROR_NGAYSINH_NND, INFO_ERROR_NOI_CU_TRU_NND, INFO_ERROR_HO_TEN_CON, INFO_ERROR_MA_TTDV)
-- enabled: true
-- note: the value names the missing field only, never the mother's or child's data. amount 0: the certificate grounds a social-insurance benefit, not BHYT money of the claim
-- amount: 0: the certificate grounds a social-insurance benefit (birth, pregnancy or sick leave), not BHYT money of the claim
WITH fields AS (
    SELECT macskcb, ma_lk, unnest([
        CASE WHEN nullif(trim(ho_ten_nnd), '') IS NULL THEN 'HO_TEN_NND' END,
        CASE WHEN nullif(trim(so_cccd_nnd), '') IS NULL THEN 'SO_CCCD_NND' END,
        CASE WHEN ngaysinh_nnd IS NULL THEN 'NGAYSINH_NND' END,
        CASE WHEN nullif(trim(noi_cu_tru_nnd), '') IS NULL THEN 'NOI_CU_TRU_NND' END,
        CASE WHEN nullif(trim(ho_ten_con), '') IS NULL THEN 'HO_TEN_CON' END,
        CASE WHEN nullif(trim(can_nang_con), '') IS NULL THEN 'CAN_NANG_CON' END,
        CASE WHEN ngay_sinh_con IS NULL THEN 'NGAY_SINH_CON' END,
        CASE WHEN nullif(trim(nguoi_do_de), '') IS NULL THEN 'NGUOI_DO_DE' END,
        CASE WHEN ngay_ct IS NULL THEN 'NGAY_CT' END,
        CASE WHEN nullif(trim(ma_ttdv), '') IS NULL THEN 'MA_TTDV' END
    ]) AS missing
    FROM chk.xml9
)
SELECT
    macskcb,
    ma_lk,
    'XML9' AS loaihoso,
    missing AS field,
    concat(missing, ' empty') AS value,
    CAST(0 AS DECIMAL(18, 2)) AS amount
FROM fields
WHERE missing IS NOT NULL
