-- code: BIZ.XML2.DRUG_ROUTE_MISMATCH
-- severity: warning
-- table: XML2
-- field: DUONG_DUNG
-- message_vi: Đường dùng (DUONG_DUNG) khác đường dùng của thuốc trong danh mục đã duyệt
-- message_en: The route (DUONG_DUNG) differs from the approved drug's route
-- grain: one row per offending line
-- source: QĐ 130/4750 Bảng 2 #10 (DUONG_DUNG: the route code of the approved drug); data/catalogs/README.md (the facility's approved list, loaded with bhyt-etl catalog load)
-- enabled: true
-- amount: the line's T_BHTT: the fund does not pay a line that fails this check (as the catalogue rules that refuse a line: BIZ.XML2.DRUG_NOT_IN_LIST, BIZ.XML3.MA_MAY_NOT_REGISTERED)
SELECT
    l.macskcb,
    l.ma_lk,
    'XML2' AS loaihoso,
    'DUONG_DUNG' AS field,
    concat('STT ', l.stt, ': DUONG_DUNG=', coalesce(l.duong_dung, '(empty)'), '; approved=', string_agg(DISTINCT d.ma_duong_dung, ', ')) AS value,
    greatest(coalesce(any_value(l.t_bhtt), 0), 0) AS amount
FROM chk.xml2 AS l
JOIN chk.main.catalog_drug_lines AS c ON c.macskcb = l.macskcb AND c.ma_lk = l.ma_lk AND c.stt = l.stt
JOIN ref.catalog_drugs AS d
    ON d.macskcb = l.macskcb AND d.ma_thuoc = trim(l.ma_thuoc) AND c.day BETWEEN d.valid_from AND d.valid_to
WHERE c.entries > 0 AND nullif(trim(d.ma_duong_dung), '') IS NOT NULL
GROUP BY l.macskcb, l.ma_lk, l.stt, l.duong_dung
HAVING NOT list_contains(list(trim(d.ma_duong_dung)), trim(coalesce(l.duong_dung, '')))
