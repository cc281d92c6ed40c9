-- code: BIZ.XML2.DRUG_NAME_MISMATCH
-- severity: warning
-- table: XML2
-- field: TEN_THUOC
-- message_vi: Tên thuốc (TEN_THUOC) khác tên trong danh mục đã duyệt cho cùng mã, hàm lượng, số đăng ký và thầu
-- message_en: The drug name (TEN_THUOC) differs from the approved name of the same code, strength, registration and tender
-- grain: one row per offending line
-- source: QĐ 130/4750 Bảng 2 #6 (TEN_THUOC as registered); public practice: the BHXH portal compares the name with the approved list; data/catalogs/README.md (the facility's approved list, loaded with bhyt-etl catalog load)
-- enabled: true
-- amount: 0: a coding or format error the facility corrects and resends; what the fund pays does not follow from this field (the lines' money is priced by the catalogue and formula rules)
SELECT
    macskcb,
    ma_lk,
    'XML2' AS loaihoso,
    'TEN_THUOC' AS field,
    concat('STT ', stt, ': TEN_THUOC=', coalesce(ten_thuoc, '(empty)'), '; approved=', approved_name) AS value,
    0 AS amount
FROM chk.main.catalog_drug_lines
WHERE entries > 0
    AND lower(regexp_replace(coalesce(ten_thuoc, ''), '\s+', ' ', 'g'))
        <> lower(regexp_replace(coalesce(approved_name, ''), '\s+', ' ', 'g'))
