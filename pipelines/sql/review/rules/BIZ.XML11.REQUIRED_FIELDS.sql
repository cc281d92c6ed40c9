-- code: BIZ.XML11.REQUIRED_FIELDS
-- severity: warning
-- table: XML11
-- field: SO_CT, SO_SERI, SO_KCB, MA_BHXH, CHAN_DOAN_RV, PP_DIEUTRI, SO_NGAY_NGHI, TU_NGAY, DEN_NGAY, MA_TTDV, MA_BS, NGAY_CT
-- message_vi: Giấy chứng nhận nghỉ việc hưởng BHXH (XML11) thiếu trường bắt buộc
-- message_en: The sick-leave certificate (XML11) lacks a required field
-- grain: one row per missing field
-- source: QĐ 130/4750 Bảng 11 #2–#20; tracnn/qlbv_public app/Services/Xml3176Xml11Checker.php (INFO_ERROR_SO_CT, INFO_ERROR_SO_SERI, INFO_ERROR_SO_KCB, INFO_ERROR_MA_BHXH, INFO_ERROR_CHAN_DOAN_RV, INFO_ERROR_PP_DIEUTRI, INFO_ERROR_SO_NGAY_NGHI, INFO_ERROR_TU_NGAY, INFO_ERROR_DEN_NGAY, INFO_ERROR_MA_TTDV, INFO_ERROR_MA_BS, INFO_ERROR_NGAY_CT)
-- enabled: true
-- note: MA_THE_BHYT is left out (a worker without a card gets a certificate too); the value names the field only. amount 0: the certificate grounds a social-insurance benefit, not BHYT money of the claim
-- amount: 0: the certificate grounds a social-insurance benefit (birth, pregnancy or sick leave), not BHYT money of the claim
WITH fields AS (
    SELECT macskcb, ma_lk, unnest([
        CASE WHEN nullif(trim(so_ct), '') IS NULL THEN 'SO_CT' END,
        CASE WHEN nullif(trim(so_seri), '') IS NULL THEN 'SO_SERI' END,
        CASE WHEN nullif(trim(so_kcb), '') IS NULL THEN 'SO_KCB' END,
        CASE WHEN nullif(trim(ma_bhxh), '') IS NULL THEN 'MA_BHXH' END,
        CASE WHEN nullif(trim(chan_doan_rv), '') IS NULL THEN 'CHAN_DOAN_RV' END,
        CASE WHEN nullif(trim(pp_dieutri), '') IS NULL THEN 'PP_DIEUTRI' END,
        CASE WHEN so_ngay_nghi IS NULL THEN 'SO_NGAY_NGHI' END,
        CASE WHEN tu_ngay IS NULL THEN 'TU_NGAY' END,
        CASE WHEN den_ngay IS NULL THEN 'DEN_NGAY' END,
        CASE WHEN nullif(trim(ma_ttdv), '') IS NULL THEN 'MA_TTDV' END,
        CASE WHEN nullif(trim(ma_bs), '') IS NULL THEN 'MA_BS' END,
        CASE WHEN ngay_ct IS NULL THEN 'NGAY_CT' END
    ]) AS missing
    FROM chk.xml11
)
SELECT
    macskcb,
    ma_lk,
    'XML11' AS loaihoso,
    missing AS field,
    concat(missing, ' empty') AS value,
    CAST(0 AS DECIMAL(18, 2)) AS amount
FROM fields
WHERE missing IS NOT NULL
