-- code: BIZ.XML5.REQUIRED_FIELDS
-- severity: warning
-- table: XML5
-- field: DIEN_BIEN_LS, THOI_DIEM_DBLS, NGUOI_THUC_HIEN
-- message_vi: Dòng diễn biến lâm sàng (XML5) thiếu trường bắt buộc: diễn biến, thời điểm hoặc người ghi
-- message_en: A clinical-progress line (XML5) lacks a required field: the progress note, its time or who wrote it
-- grain: one row per missing field per line
-- source: QĐ 130/4750 Bảng 5 #3 (DIEN_BIEN_LS), #7 (THOI_DIEM_DBLS), #8 (NGUOI_THUC_HIEN: the medical identifier of who wrote the note); tracnn/qlbv_public app/Services/Xml3176Xml5Checker.php (INFO_ERROR_DIEN_BIEN_LS, INFO_ERROR_THOI_DIEM_DBLS, INFO_ERROR_NGUOI_THUC_HIEN)
-- enabled: true
-- note: amount 0: a gap in the record, not money; what the line documents is checked by the rules on XML2/XML3
-- amount: 0: a gap in the record, not money; what the line documents is checked by the rules on XML2/XML3
WITH fields AS (
    SELECT macskcb, ma_lk, stt, unnest([
        CASE WHEN nullif(trim(dien_bien_ls), '') IS NULL THEN 'DIEN_BIEN_LS' END,
        CASE WHEN thoi_diem_dbls IS NULL THEN 'THOI_DIEM_DBLS' END,
        CASE WHEN nullif(trim(nguoi_thuc_hien), '') IS NULL THEN 'NGUOI_THUC_HIEN' END
    ]) AS missing
    FROM chk.xml5
)
SELECT
    macskcb,
    ma_lk,
    'XML5' AS loaihoso,
    missing AS field,
    concat('STT ', stt, ': ', missing, ' empty') AS value,
    CAST(0 AS DECIMAL(18, 2)) AS amount
FROM fields
WHERE missing IS NOT NULL
