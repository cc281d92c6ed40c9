-- code: BIZ.XML3.NGUOI_THUC_HIEN_NOT_REGISTERED
-- severity: error
-- table: XML3
-- field: NGUOI_THUC_HIEN
-- message_vi: Người thực hiện dịch vụ (NGUOI_THUC_HIEN) không có trong danh sách người hành nghề đã đăng ký tại cơ sở vào ngày thực hiện: quỹ không thanh toán dòng này
-- message_en: The performing practitioner (NGUOI_THUC_HIEN) is not on the facility's registered staff list on the day: the fund does not pay this line
-- grain: one row per offending code (per line where the table has lines)
-- source: QĐ 130/4750 (staff codes: the practising-certificate number, MA_TTDV also the BHXH number, STANDARD.md §7 item 19); STANDARD.md §5.4/§5.5 (tracnn checks codes against the approved staff list); data/catalogs/README.md (staff kind: the facility's registered staff, loaded with bhyt-etl catalog load)
-- enabled: true
-- amount: the line's T_BHTT: the fund does not pay a line that fails this check (as the catalogue rules that refuse a line: BIZ.XML2.DRUG_NOT_IN_LIST, BIZ.XML3.MA_MAY_NOT_REGISTERED)
SELECT
    macskcb,
    ma_lk,
    loaihoso,
    field,
    concat(CASE WHEN stt IS NOT NULL THEN concat('STT ', stt, ': ') ELSE '' END, field, '=', code, ' not registered on ', strftime(day, '%d/%m/%Y')) AS value, greatest(coalesce(t_bhtt, 0), 0) AS amount
FROM chk.main.staff_codes
WHERE loaihoso = 'XML3' AND field = 'NGUOI_THUC_HIEN' AND NOT registered
