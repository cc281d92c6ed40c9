-- code: BIZ.XML14.REQUIRED_FIELDS
-- severity: warning
-- table: XML14
-- field: SO_GIAYHEN_KL, MA_CSKCB, NGAY_HEN_KL, NGAY_VAO, NGAY_RA
-- message_vi: Giấy hẹn khám lại (XML14) thiếu trường bắt buộc
-- message_en: The re-examination appointment (XML14) lacks a required field
-- grain: one row per missing field
-- source: QĐ 130/4750 Bảng 14 (số giấy hẹn, mã cơ sở, ngày hẹn, ngày vào, ngày ra; marked required in the public HIS description dh-hos/Mo-ta-he-thong XML130/QD4570 'bảng 14'); STANDARD.md §5.4 (NGAY_HEN_KL)
-- enabled: true
-- amount: 0: the finding is about a companion document or a field the payment does not depend on; nothing the fund pays changes when it is corrected
WITH fields AS (
    SELECT macskcb, ma_lk, unnest([
        CASE WHEN nullif(trim(so_giayhen_kl), '') IS NULL THEN 'SO_GIAYHEN_KL' END,
        CASE WHEN nullif(trim(ma_cskcb), '') IS NULL THEN 'MA_CSKCB' END,
        CASE WHEN ngay_hen_kl IS NULL THEN 'NGAY_HEN_KL' END,
        CASE WHEN ngay_vao IS NULL THEN 'NGAY_VAO' END,
        CASE WHEN ngay_ra IS NULL THEN 'NGAY_RA' END
    ]) AS missing
    FROM chk.xml14
)
SELECT
    macskcb,
    ma_lk,
    'XML14' AS loaihoso,
    missing AS field,
    concat(missing, ' empty') AS value,
    0 AS amount
FROM fields
WHERE missing IS NOT NULL
