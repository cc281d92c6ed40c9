-- code: BIZ.${table}.MA_TTDV_NOT_REGISTERED
-- severity: warning
-- tables: XML1, XML7, XML8, XML13, XML14
-- field: MA_TTDV
-- message_vi: Mã thủ trưởng đơn vị (MA_TTDV) không khớp người nào trong danh sách nhân viên đã đăng ký của cơ sở (mã BHXH hoặc số chứng chỉ hành nghề)
-- message_en: The head-of-facility code (MA_TTDV) matches nobody on the facility's registered staff list (BHXH number or practising certificate)
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
WHERE loaihoso = '${table}' AND field = 'MA_TTDV' AND NOT registered
