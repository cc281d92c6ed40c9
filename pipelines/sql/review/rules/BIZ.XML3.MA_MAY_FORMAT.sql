-- code: BIZ.XML3.MA_MAY_FORMAT
-- severity: warning
-- table: XML3
-- field: MA_MAY
-- message_vi: Mã máy (MA_MAY) không đúng định dạng XX.n.YYYYY.Z (loại máy, nguồn kinh phí 1/2/3, mã cơ sở, số máy)
-- message_en: The machine code (MA_MAY) is not of the form XX.n.YYYYY.Z (machine type, funding source 1/2/3, facility code, serial)
-- grain: one row per offending line
-- source: STANDARD.md §5.5 (MA_MAY pattern, QĐ 4750 Bảng 3 #45); public practice: tracnn TR-CHK3 'Mã máy không đúng định dạng'
-- enabled: true
-- amount: 0: a coding or format error the facility corrects and resends; what the fund pays does not follow from this field (the lines' money is priced by the catalogue and formula rules)
WITH machines AS (
    SELECT macskcb, ma_lk, stt, trim(unnest(string_split(ma_may, ';'))) AS code
    FROM chk.xml3
    WHERE nullif(trim(ma_may), '') IS NOT NULL
)
SELECT
    macskcb,
    ma_lk,
    'XML3' AS loaihoso,
    'MA_MAY' AS field,
    concat('STT ', stt, ': MA_MAY=', code) AS value,
    0 AS amount
FROM machines
WHERE code <> '' AND NOT regexp_matches(code, '^[A-Z]{2}\.[123]\.[0-9A-Z]{5}\.[0-9A-Za-z]+$')
