-- code: BIZ.XML1.MA_BENH_KT_COUNT
-- severity: warning
-- table: XML1
-- field: MA_BENH_KT
-- message_vi: MA_BENH_KT có quá 12 mã bệnh kèm theo
-- message_en: MA_BENH_KT lists more than 12 secondary diagnoses
-- grain: one row per offending claim
-- source: STANDARD.md §3.3 XML1 #28 ("max 12") and §5.4 (tracnn Qd130Xml1Checker)
-- enabled: true
-- amount: 0: a coding or format error the facility corrects and resends; what the fund pays does not follow from this field (the lines' money is priced by the catalogue and formula rules)
WITH codes AS (
    SELECT macskcb, ma_lk, count(*) AS n
    FROM (SELECT macskcb, ma_lk, trim(unnest(string_split(ma_benh_kt, ';'))) AS code FROM chk.xml1)
    WHERE code <> ''
    GROUP BY macskcb, ma_lk
)
SELECT
    macskcb,
    ma_lk,
    'XML1' AS loaihoso,
    'MA_BENH_KT' AS field,
    concat(n, ' codes') AS value,
    0 AS amount
FROM codes
WHERE n > 12
