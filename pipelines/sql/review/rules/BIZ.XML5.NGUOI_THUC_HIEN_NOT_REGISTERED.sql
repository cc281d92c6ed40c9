-- code: BIZ.XML5.NGUOI_THUC_HIEN_NOT_REGISTERED
-- severity: warning
-- table: XML5
-- field: NGUOI_THUC_HIEN
-- message_vi: Người ghi diễn biến lâm sàng (NGUOI_THUC_HIEN) không có trong danh sách người hành nghề đã đăng ký tại cơ sở
-- message_en: The person recording the clinical progress (NGUOI_THUC_HIEN) is not on the facility's registered staff list
-- grain: one row per offending code (per line where the table has lines)
-- source: QĐ 130/4750 (staff codes: the practising-certificate number, MA_TTDV also the BHXH number, STANDARD.md §7 item 19); STANDARD.md §5.4/§5.5 (tracnn checks codes against the approved staff list); data/catalogs/README.md (staff kind: the facility's registered staff, loaded with bhyt-etl catalog load)
-- enabled: true
-- amount: 0: the finding is about a companion document or a field the payment does not depend on; nothing the fund pays changes when it is corrected
SELECT
    macskcb,
    ma_lk,
    loaihoso,
    field,
    concat(CASE WHEN stt IS NOT NULL THEN concat('STT ', stt, ': ') ELSE '' END, field, '=', code, ' not registered on ', strftime(day, '%d/%m/%Y')) AS value,
    0 AS amount
FROM chk.main.staff_codes
WHERE loaihoso = 'XML5' AND field = 'NGUOI_THUC_HIEN' AND NOT registered
