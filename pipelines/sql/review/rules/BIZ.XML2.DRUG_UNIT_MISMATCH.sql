-- code: BIZ.XML2.DRUG_UNIT_MISMATCH
-- severity: warning
-- table: XML2
-- field: DON_VI_TINH
-- message_vi: Đơn vị tính (DON_VI_TINH) khác đơn vị của thuốc trong danh mục đã duyệt: đơn giá có thể không cùng đơn vị
-- message_en: The unit (DON_VI_TINH) differs from the approved drug's unit: the price may not be per the same unit
-- grain: one row per offending line
-- source: QĐ 130/4750 Bảng 2 #7 (DON_VI_TINH: the smallest unit of use); data/catalogs/README.md (the facility's approved list, loaded with bhyt-etl catalog load)
-- enabled: true
-- amount: the line's T_BHTT: the fund does not pay a line that fails this check (as the catalogue rules that refuse a line: BIZ.XML2.DRUG_NOT_IN_LIST, BIZ.XML3.MA_MAY_NOT_REGISTERED)
SELECT
    l.macskcb,
    l.ma_lk,
    'XML2' AS loaihoso,
    'DON_VI_TINH' AS field,
    concat('STT ', l.stt, ': DON_VI_TINH=', coalesce(l.don_vi_tinh, '(empty)'), '; approved=', string_agg(DISTINCT d.don_vi_tinh, ', ')) AS value,
    greatest(coalesce(any_value(l.t_bhtt), 0), 0) AS amount
FROM chk.xml2 AS l
JOIN chk.main.catalog_drug_lines AS c ON c.macskcb = l.macskcb AND c.ma_lk = l.ma_lk AND c.stt = l.stt
JOIN ref.catalog_drugs AS d
    ON d.macskcb = l.macskcb AND d.ma_thuoc = trim(l.ma_thuoc) AND c.day BETWEEN d.valid_from AND d.valid_to
WHERE c.entries > 0 AND nullif(trim(d.don_vi_tinh), '') IS NOT NULL
GROUP BY l.macskcb, l.ma_lk, l.stt, l.don_vi_tinh
HAVING NOT list_contains(list(lower(trim(d.don_vi_tinh))), lower(trim(coalesce(l.don_vi_tinh, ''))))
