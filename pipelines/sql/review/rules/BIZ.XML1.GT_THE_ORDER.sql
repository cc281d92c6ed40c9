-- code: BIZ.XML1.GT_THE_ORDER
-- severity: error
-- table: XML1
-- field: GT_THE_TU, GT_THE_DEN
-- message_vi: Thẻ BHYT có ngày bắt đầu giá trị (GT_THE_TU) sau ngày hết giá trị (GT_THE_DEN)
-- message_en: A card's valid-from date (GT_THE_TU) is after its valid-to date (GT_THE_DEN)
-- grain: one row per offending claim and card
-- source: STANDARD.md §3.3 XML1 #19–20 and §5.3 (GT_THE_* are 8-digit dates, ';' lists in card order)
-- enabled: true
-- amount: 0: a coding or format error the facility corrects and resends; what the fund pays does not follow from this field (the lines' money is priced by the catalogue and formula rules)
WITH periods AS (
    SELECT
        macskcb, ma_lk, i,
        trim(tu) AS tu,
        trim(den) AS den
    FROM (
        SELECT macskcb, ma_lk, unnest(tu) AS tu, unnest(den) AS den, unnest(range(1, greatest(len(tu), len(den)) + 1)) AS i
        FROM (SELECT macskcb, ma_lk, string_split(gt_the_tu, ';') AS tu, string_split(gt_the_den, ';') AS den
              FROM chk.xml1 WHERE gt_the_tu IS NOT NULL AND gt_the_den IS NOT NULL)
    )
)
SELECT
    macskcb,
    ma_lk,
    'XML1' AS loaihoso,
    'GT_THE_TU, GT_THE_DEN' AS field,
    concat('card ', i, ': GT_THE_TU=', tu, '; GT_THE_DEN=', den) AS value,
    0 AS amount
FROM periods
WHERE try_strptime(tu, '%Y%m%d') > try_strptime(den, '%Y%m%d')
