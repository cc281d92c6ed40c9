-- code: BIZ.XML10.REQUIRED_FIELDS
-- severity: warning
-- table: XML10
-- field: SO_SERI, SO_CT, SO_NGAY, DON_VI, CHAN_DOAN_RV, TU_NGAY, DEN_NGAY, MA_TTDV, TEN_BS, MA_BS, NGAY_CT
-- message_vi: Giấy chứng nhận nghỉ dưỡng thai (XML10) thiếu trường bắt buộc
-- message_en: The pregnancy-leave certificate (XML10) lacks a required field
-- grain: one row per missing field
-- source: QĐ 130/4750 Bảng 10 #2–#12; tracnn/qlbv_public app/Services/Xml3176Xml10Checker.php (INFO_ERROR_SO_SERI, INFO_ERROR_SO_CT, INFO_ERROR_SO_NGAY, INFO_ERROR_DON_VI, INFO_ERROR_CHAN_DOAN_RV, INFO_ERROR_TU_NGAY, INFO_ERROR_DEN_NGAY, INFO_ERROR_MA_TTDV)
-- enabled: true
-- note: amount 0: the certificate grounds a social-insurance benefit, not BHYT money of the claim
-- amount: 0: the certificate grounds a social-insurance benefit (birth, pregnancy or sick leave), not BHYT money of the claim
WITH fields AS (
    SELECT macskcb, ma_lk, unnest([
        CASE WHEN nullif(trim(so_seri), '') IS NULL THEN 'SO_SERI' END,
        CASE WHEN nullif(trim(so_ct), '') IS NULL THEN 'SO_CT' END,
        CASE WHEN so_ngay IS NULL THEN 'SO_NGAY' END,
        CASE WHEN nullif(trim(don_vi), '') IS NULL THEN 'DON_VI' END,
        CASE WHEN nullif(trim(chan_doan_rv), '') IS NULL THEN 'CHAN_DOAN_RV' END,
        CASE WHEN tu_ngay IS NULL THEN 'TU_NGAY' END,
        CASE WHEN den_ngay IS NULL THEN 'DEN_NGAY' END,
        CASE WHEN nullif(trim(ma_ttdv), '') IS NULL THEN 'MA_TTDV' END,
        CASE WHEN nullif(trim(ten_bs), '') IS NULL THEN 'TEN_BS' END,
        CASE WHEN nullif(trim(ma_bs), '') IS NULL THEN 'MA_BS' END,
        CASE WHEN ngay_ct IS NULL THEN 'NGAY_CT' END
    ]) AS missing
    FROM chk.xml10
)
SELECT
    macskcb,
    ma_lk,
    'XML10' AS loaihoso,
    missing AS field,
    concat(missing, ' empty') AS value,
    CAST(0 AS DECIMAL(18, 2)) AS amount
FROM fields
WHERE missing IS NOT NULL
