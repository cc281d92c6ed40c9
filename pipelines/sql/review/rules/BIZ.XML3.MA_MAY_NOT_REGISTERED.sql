-- code: BIZ.XML3.MA_MAY_NOT_REGISTERED
-- severity: error
-- table: XML3
-- field: MA_MAY
-- message_vi: Mã máy (MA_MAY) không có trong danh mục trang thiết bị đã đăng ký của cơ sở vào ngày thực hiện: quỹ không thanh toán dòng này
-- message_en: The machine code (MA_MAY) is not on the facility's registered equipment list on the day: the fund does not pay this line
-- grain: one row per offending line
-- source: QĐ 130/4750 Bảng 3 #44 (MA_MAY of the machines that performed the service); STANDARD.md §5.5 (tracnn TR-CHK3 checks the machine against the facility); data/catalogs/README.md (the facility's approved list, loaded with bhyt-etl catalog load)
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
    concat('STT ', m.stt, ': MA_MAY=', m.code, ' not registered on ', strftime(m.day, '%d/%m/%Y')) AS value,
    greatest(coalesce(m.t_bhtt, 0), 0) AS amount
FROM machines AS m
WHERE m.code <> ''
    AND EXISTS (
        SELECT 1 FROM ref.catalog_versions AS v
        WHERE v.kind = 'equipment' AND v.macskcb = m.macskcb AND m.day BETWEEN v.valid_from AND v.valid_to
    )
    AND NOT EXISTS (
        SELECT 1 FROM ref.catalog_equipment AS e
        WHERE e.macskcb = m.macskcb AND upper(e.ma_may) = upper(m.code) AND m.day BETWEEN e.valid_from AND e.valid_to
    )
