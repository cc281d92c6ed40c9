-- code: BIZ.${table}.STAFF_OF_OTHER_FACILITY
-- severity: warning
-- tables: XML2, XML3
-- field: MA_BAC_SI, NGUOI_THUC_HIEN
-- message_vi: Người hành nghề (MA_BAC_SI/NGUOI_THUC_HIEN) không đăng ký tại cơ sở này vào ngày đó mà đang đăng ký hành nghề tại cơ sở khác, và cơ sở này không có trong danh sách cơ sở khác (CSKCB_KHAC) của đăng ký đó: hành nghề ngoài nơi đăng ký
-- message_en: The practitioner (MA_BAC_SI/NGUOI_THUC_HIEN) is not registered at this facility on the day but at another one, whose registration does not name this facility among the other places of work (CSKCB_KHAC): practice outside the registered place
-- grain: one row per offending code (per line)
-- source: Luật Khám bệnh, chữa bệnh 2023 (a practitioner works at the facility where registered; staff lists sent to BHXH); data/catalogs/README.md (staff kind: the BHXH portal template's MA_CSKCB list per facility and CSKCB_KHAC, the other facilities the person works at); tracnn/qlbv_public config/catalog_import_mapping.php (the template columns)
-- enabled: true
-- note: the weaker, honest form of a scope-of-practice rule: PHAMVI_CM holds scope codes whose meaning we have no source for, so the service is not compared with the scope. Each such code also gets the facility's *_NOT_REGISTERED finding; this one says where the person is registered. amount = the line's T_BHTT
-- amount: the line's T_BHTT: a service performed or ordered by a person not licensed at the facility on the day is not paid (Luật Khám bệnh, chữa bệnh 2023)
SELECT
    c.macskcb,
    c.ma_lk,
    c.loaihoso,
    c.field,
    concat('STT ', c.stt, ': ', c.field, '=', c.code, ' registered on ', strftime(c.day, '%d/%m/%Y'),
        ' at ', string_agg(DISTINCT s.macskcb, ', ' ORDER BY s.macskcb), ', not here') AS value,
    CAST(greatest(coalesce(any_value(c.t_bhtt), 0), 0) AS DECIMAL(18, 2)) AS amount
FROM chk.main.staff_codes AS c
JOIN ref.catalog_staff AS s
    ON upper(s.macchn) = upper(c.code) AND s.macskcb <> c.macskcb AND c.day BETWEEN s.valid_from AND s.valid_to
WHERE c.loaihoso = '${table}' AND c.field IN ('MA_BAC_SI', 'NGUOI_THUC_HIEN') AND NOT c.registered
    AND NOT list_contains(
        list_transform(string_split_regex(coalesce(s.cskcb_khac, ''), '[;,]'), lambda x: trim(x)), c.macskcb
    )
GROUP BY c.macskcb, c.ma_lk, c.loaihoso, c.field, c.stt, c.code, c.day
