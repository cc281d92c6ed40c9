-- code: BIZ.XML3.MA_MAY_CONTRACT_EXPIRED
-- severity: error
-- table: XML3
-- field: MA_MAY
-- message_vi: Máy (MA_MAY) có hợp đồng liên doanh, liên kết (HD_TU–HD_DEN) không còn hiệu lực vào ngày thực hiện dịch vụ
-- message_en: The machine (MA_MAY) is used outside its joint-venture contract (HD_TU–HD_DEN) on the service day
-- grain: one row per offending line
-- source: QĐ 130/4750 Bảng 3 #44 (MA_MAY; funding source digit 2 = xã hội hóa, STANDARD.md §4.6); public practice: tracnn/qlbv_public equipment_catalogs (hd_tu, hd_den); data/catalogs/README.md (the facility's approved list, loaded with bhyt-etl catalog load)
-- enabled: true
-- amount: the line's T_BHTT: the fund does not pay a line that fails this check (as the catalogue rules that refuse a line: BIZ.XML2.DRUG_NOT_IN_LIST, BIZ.XML3.MA_MAY_NOT_REGISTERED)
WITH machines AS (
    SELECT macskcb, ma_lk, stt, t_bhtt, CAST(coalesce(ngay_th_yl, ngay_yl) AS DATE) AS day,
        trim(unnest(string_split(ma_may, ';'))) AS code
    FROM chk.xml3
    WHERE nullif(trim(ma_may), '') IS NOT NULL AND coalesce(ngay_th_yl, ngay_yl) IS NOT NULL
)
SELECT
    m.macskcb,
    m.ma_lk,
    'XML3' AS loaihoso,
    'MA_MAY' AS field,
    concat('STT ', m.stt, ': MA_MAY=', m.code, ' on ', strftime(m.day, '%d/%m/%Y'), '; contract ',
        coalesce(strftime(any_value(e.hd_tu), '%d/%m/%Y'), '…'), ' – ', coalesce(strftime(any_value(e.hd_den), '%d/%m/%Y'), '…')) AS value,
    greatest(coalesce(any_value(m.t_bhtt), 0), 0) AS amount
FROM machines AS m
JOIN ref.catalog_equipment AS e
    ON e.macskcb = m.macskcb AND upper(e.ma_may) = upper(m.code) AND m.day BETWEEN e.valid_from AND e.valid_to
WHERE e.hd_tu IS NOT NULL OR e.hd_den IS NOT NULL
GROUP BY m.macskcb, m.ma_lk, m.stt, m.code, m.day
HAVING bool_and(m.day < coalesce(e.hd_tu, DATE '0001-01-01') OR m.day > coalesce(e.hd_den, DATE '9999-12-31'))
