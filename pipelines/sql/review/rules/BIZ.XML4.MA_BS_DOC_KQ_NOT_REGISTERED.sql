-- code: BIZ.XML4.MA_BS_DOC_KQ_NOT_REGISTERED
-- severity: error
-- table: XML4
-- field: MA_BS_DOC_KQ
-- message_vi: Người đọc kết quả (MA_BS_DOC_KQ) không có trong danh sách người hành nghề đã đăng ký tại cơ sở vào ngày trả kết quả: quỹ không thanh toán dịch vụ
-- message_en: The practitioner who read the result (MA_BS_DOC_KQ) is not on the facility's registered staff list on the result day: the fund does not pay the service
-- grain: one row per offending code per result line
-- source: QĐ 130/4750 (staff codes: the practising-certificate number, MA_TTDV also the BHXH number, STANDARD.md §7 item 19); STANDARD.md §5.4/§5.5 (tracnn checks codes against the approved staff list); data/catalogs/README.md (staff kind: the facility's registered staff, loaded with bhyt-etl catalog load)
-- enabled: true
-- note: amount = T_BHTT of the XML3 line of the same service
-- amount: the T_BHTT of the XML3 service line the result belongs to (same MA_DICH_VU): a result read by an unregistered doctor is not paid
SELECT
    c.macskcb,
    c.ma_lk,
    c.loaihoso,
    c.field,
    concat('STT ', c.stt, ': MA_BS_DOC_KQ=', c.code, ' not registered on ', strftime(c.day, '%d/%m/%Y')) AS value,
    coalesce((
        SELECT max(greatest(x3.t_bhtt, 0)) FROM chk.xml3 AS x3 JOIN chk.xml4 AS x4 USING (macskcb, ma_lk, ma_dich_vu)
        WHERE x4.macskcb = c.macskcb AND x4.ma_lk = c.ma_lk AND x4.stt = c.stt
    ), 0) AS amount
FROM chk.main.staff_codes AS c
WHERE c.loaihoso = 'XML4' AND c.field = 'MA_BS_DOC_KQ' AND NOT c.registered
