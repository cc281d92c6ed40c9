-- code: BIZ.${table}.MA_BAC_SI_NOT_REGISTERED
-- severity: error
-- tables: XML2, XML3
-- field: MA_BAC_SI
-- message_vi: Người chỉ định (MA_BAC_SI) không có trong danh sách người hành nghề đã đăng ký tại cơ sở vào ngày chỉ định: quỹ không thanh toán dòng này
-- message_en: The ordering practitioner (MA_BAC_SI) is not on the facility's registered staff list on the order day: the fund does not pay this line
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
WHERE loaihoso = '${table}' AND field = 'MA_BAC_SI' AND NOT registered
