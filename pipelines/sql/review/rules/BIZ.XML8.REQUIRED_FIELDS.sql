-- code: BIZ.XML8.REQUIRED_FIELDS
-- severity: warning
-- table: XML8
-- field: CHAN_DOAN_RV, QT_BENHLY, TOMTAT_KQ, PP_DIEUTRI, KET_QUA_DTRI, MA_TTDV, NGAY_CT
-- message_vi: Tóm tắt hồ sơ bệnh án (XML8) thiếu trường bắt buộc
-- message_en: The medical-record summary (XML8) lacks a required field
-- grain: one row per missing field
-- source: QĐ 130/4750 Bảng 8 (CHAN_DOAN_RV, QT_BENHLY, TOMTAT_KQ, PP_DIEUTRI, KET_QUA_DTRI, MA_TTDV, NGAY_CT); tracnn/qlbv_public app/Services/Xml3176Xml8Checker.php (INFO_ERROR_CHAN_DOAN_RV, INFO_ERROR_QT_BENHLY, INFO_ERROR_TOMTAT_KQ, INFO_ERROR_PP_DIEUTRI, INFO_ERROR_KET_QUA_DTRI, INFO_ERROR_MA_TTDV, INFO_ERROR_NGAY_CT)
-- enabled: true
-- note: amount 0: a gap in the summary, not money
-- amount: 0: a gap in the summary, not money
WITH fields AS (
    SELECT macskcb, ma_lk, unnest([
        CASE WHEN nullif(trim(chan_doan_rv), '') IS NULL THEN 'CHAN_DOAN_RV' END,
        CASE WHEN nullif(trim(qt_benhly), '') IS NULL THEN 'QT_BENHLY' END,
        CASE WHEN nullif(trim(tomtat_kq), '') IS NULL THEN 'TOMTAT_KQ' END,
        CASE WHEN nullif(trim(pp_dieutri), '') IS NULL THEN 'PP_DIEUTRI' END,
        CASE WHEN nullif(trim(ket_qua_dtri), '') IS NULL THEN 'KET_QUA_DTRI' END,
        CASE WHEN nullif(trim(ma_ttdv), '') IS NULL THEN 'MA_TTDV' END,
        CASE WHEN ngay_ct IS NULL THEN 'NGAY_CT' END
    ]) AS missing
    FROM chk.xml8
)
SELECT
    macskcb,
    ma_lk,
    'XML8' AS loaihoso,
    missing AS field,
    concat(missing, ' empty') AS value,
    CAST(0 AS DECIMAL(18, 2)) AS amount
FROM fields
WHERE missing IS NOT NULL
