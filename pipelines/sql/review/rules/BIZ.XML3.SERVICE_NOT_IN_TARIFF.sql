-- code: BIZ.XML3.SERVICE_NOT_IN_TARIFF
-- severity: error
-- table: XML3
-- field: MA_DICH_VU
-- message_vi: Dịch vụ (MA_DICH_VU) không có trong danh mục giá đã duyệt áp dụng cho cơ sở tại ngày chỉ định: quỹ BHYT không thanh toán dòng này
-- message_en: The service (MA_DICH_VU) has no approved price applying to the facility on the order day: the fund does not pay this line
-- grain: one row per offending line
-- source: QĐ 130/4750 Bảng 3 #3 (MA_DICH_VU per the approved price list); TT 22/2023/TT-BYT (prices by hospital class); public practice: tracnn/qlbv_public service_catalogs; data/catalogs/README.md (the facility's approved list, loaded with bhyt-etl catalog load)
-- enabled: true
-- amount: the line's T_BHTT: the fund does not pay a line that fails this check (as the catalogue rules that refuse a line: BIZ.XML2.DRUG_NOT_IN_LIST, BIZ.XML3.MA_MAY_NOT_REGISTERED)
SELECT
    macskcb,
    ma_lk,
    'XML3' AS loaihoso,
    'MA_DICH_VU' AS field,
    concat(
        'STT ', stt, ': MA_DICH_VU=', ma_dich_vu, ' not in the ', CASE WHEN own_list THEN 'facility''s' ELSE 'common' END,
        ' price list on ', strftime(day, '%d/%m/%Y')
    ) AS value,
    greatest(coalesce(t_bhtt, 0), 0) AS amount
FROM chk.main.catalog_service_lines
WHERE entries = 0
