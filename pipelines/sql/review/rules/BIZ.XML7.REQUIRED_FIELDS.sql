-- code: BIZ.XML7.REQUIRED_FIELDS
-- severity: warning
-- table: XML7
-- field: SO_LUU_TRU, MA_YTE, MA_KHOA_RV, CHAN_DOAN_RV, PP_DIEUTRI, MA_TTDV, MA_BS, TEN_BS, NGAY_CT
-- message_vi: Giấy ra viện (XML7) thiếu trường bắt buộc
-- message_en: The discharge paper (XML7) lacks a required field
-- grain: one row per missing field
-- source: STANDARD.md §5.4 XML7 ([CHKVALID]: MA_LK, SO_LUU_TRU, MA_YTE, MA_KHOA_RV, NGAY_VAO, NGAY_RA, CHAN_DOAN_RV, PP_DIEUTRI, MA_TTDV, MA_BS, TEN_BS and NGAY_CT are required)
-- enabled: true
-- amount: 0: the finding is about a companion document or a field the payment does not depend on; nothing the fund pays changes when it is corrected
WITH fields AS (
    SELECT macskcb, ma_lk, unnest([
        CASE WHEN nullif(trim(so_luu_tru), '') IS NULL THEN 'SO_LUU_TRU' END,
        CASE WHEN nullif(trim(ma_yte), '') IS NULL THEN 'MA_YTE' END,
        CASE WHEN nullif(trim(ma_khoa_rv), '') IS NULL THEN 'MA_KHOA_RV' END,
        CASE WHEN nullif(trim(chan_doan_rv), '') IS NULL THEN 'CHAN_DOAN_RV' END,
        CASE WHEN nullif(trim(pp_dieutri), '') IS NULL THEN 'PP_DIEUTRI' END,
        CASE WHEN nullif(trim(ma_ttdv), '') IS NULL THEN 'MA_TTDV' END,
        CASE WHEN nullif(trim(ma_bs), '') IS NULL THEN 'MA_BS' END,
        CASE WHEN nullif(trim(ten_bs), '') IS NULL THEN 'TEN_BS' END,
        CASE WHEN ngay_ct IS NULL THEN 'NGAY_CT' END
    ]) AS missing
    FROM chk.xml7
)
SELECT
    macskcb,
    ma_lk,
    'XML7' AS loaihoso,
    missing AS field,
    concat(missing, ' empty') AS value,
    0 AS amount
FROM fields
WHERE missing IS NOT NULL
