-- code: BIZ.XML13.REQUIRED_FIELDS
-- severity: warning
-- table: XML13
-- field: SO_HOSO, SO_CHUYENTUYEN, GIAY_CHUYEN_TUYEN, MA_CSKCB, NGAY_VAO, NGAY_RA
-- message_vi: Giấy chuyển tuyến (XML13) thiếu trường bắt buộc
-- message_en: The referral paper (XML13) lacks a required field
-- grain: one row per missing field
-- source: QĐ 130/4750 Bảng 13 (số hồ sơ, số chuyển tuyến, giấy chuyển tuyến, mã cơ sở, ngày vào, ngày ra; marked required in the public HIS description dh-hos/Mo-ta-he-thong XML130/QD4570 'bảng 13')
-- enabled: true
-- amount: 0: the finding is about a companion document or a field the payment does not depend on; nothing the fund pays changes when it is corrected
WITH fields AS (
    SELECT macskcb, ma_lk, unnest([
        CASE WHEN nullif(trim(so_hoso), '') IS NULL THEN 'SO_HOSO' END,
        CASE WHEN nullif(trim(so_chuyentuyen), '') IS NULL THEN 'SO_CHUYENTUYEN' END,
        CASE WHEN nullif(trim(giay_chuyen_tuyen), '') IS NULL THEN 'GIAY_CHUYEN_TUYEN' END,
        CASE WHEN nullif(trim(ma_cskcb), '') IS NULL THEN 'MA_CSKCB' END,
        CASE WHEN ngay_vao IS NULL THEN 'NGAY_VAO' END,
        CASE WHEN ngay_ra IS NULL THEN 'NGAY_RA' END
    ]) AS missing
    FROM chk.xml13
)
SELECT
    macskcb,
    ma_lk,
    'XML13' AS loaihoso,
    missing AS field,
    concat(missing, ' empty') AS value,
    0 AS amount
FROM fields
WHERE missing IS NOT NULL
