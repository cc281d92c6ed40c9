-- code: BIZ.XML2.DRUG_NOT_IN_LIST
-- severity: error
-- table: XML2
-- field: MA_THUOC
-- message_vi: Mã thuốc (MA_THUOC) không có trong danh mục thuốc đã được duyệt của cơ sở tại ngày chỉ định: quỹ BHYT không thanh toán dòng này
-- message_en: The drug code (MA_THUOC) is not on the facility's approved drug list on the order day: the fund does not pay this line
-- grain: one row per offending line
-- source: QĐ 130/QĐ-BYT as amended by QĐ 4750, Bảng 2 #3 (MA_THUOC per the approved list); public practice: tracnn/qlbv_public checks XML2 against medicine_catalogs; data/catalogs/README.md (the facility's approved list, loaded with bhyt-etl catalog load)
-- enabled: true
-- amount: the line's T_BHTT: the fund does not pay a line that fails this check (as the catalogue rules that refuse a line: BIZ.XML2.DRUG_NOT_IN_LIST, BIZ.XML3.MA_MAY_NOT_REGISTERED)
SELECT
    macskcb,
    ma_lk,
    'XML2' AS loaihoso,
    'MA_THUOC' AS field,
    concat('STT ', stt, ': MA_THUOC=', ma_thuoc, ' not on the approved list on ', strftime(day, '%d/%m/%Y')) AS value,
    greatest(coalesce(t_bhtt, 0), 0) AS amount
FROM chk.main.catalog_drug_lines
WHERE NOT code_listed
