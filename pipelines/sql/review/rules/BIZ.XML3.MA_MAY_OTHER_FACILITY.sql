-- code: BIZ.XML3.MA_MAY_OTHER_FACILITY
-- severity: error
-- table: XML3
-- field: MA_MAY
-- message_vi: Mã máy (MA_MAY) ghi mã cơ sở (5 ký tự thứ ba) khác cơ sở gửi hồ sơ
-- message_en: The machine code (MA_MAY) names another facility (its third part) than the one sending the claim
-- grain: one row per offending line
-- source: STANDARD.md §5.5 (MA_MAY = XX.n.YYYYY.Z with the facility's 5-character code; tracnn TR-CHK3 checks the facility)
-- enabled: true
-- amount: the line's T_BHTT: the fund does not pay a line that fails this check (as the catalogue rules that refuse a line: BIZ.XML2.DRUG_NOT_IN_LIST, BIZ.XML3.MA_MAY_NOT_REGISTERED)
WITH machines AS (
    SELECT macskcb, ma_lk, stt, t_bhtt, trim(unnest(string_split(ma_may, ';'))) AS code
    FROM chk.xml3
    WHERE nullif(trim(ma_may), '') IS NOT NULL
)
SELECT
    macskcb,
    ma_lk,
    'XML3' AS loaihoso,
    'MA_MAY' AS field,
    concat('STT ', stt, ': MA_MAY=', code, ' names facility ', split_part(code, '.', 3)) AS value,
    greatest(coalesce(t_bhtt, 0), 0) AS amount
FROM machines
WHERE regexp_matches(code, '^[A-Z]{2}\.[123]\.[0-9A-Z]{5}\.') AND split_part(code, '.', 3) <> macskcb
