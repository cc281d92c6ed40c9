-- code: BIZ.XML1.MA_THE_BHYT_GROUP_UNKNOWN
-- severity: warning
-- table: XML1
-- field: MA_THE_BHYT
-- message_vi: Mã đối tượng (2 ký tự đầu của mã thẻ BHYT) không có trong danh mục nhóm đối tượng
-- message_en: The card's group code (its first 2 characters) is not in the card-group list
-- grain: one row per offending claim and card
-- source: STANDARD.md §4.5 (group codes; ref.card_groups from data/catalogs/card_groups.csv, medium reliability)
-- enabled: true
-- amount: 0: a coding or format error the facility corrects and resends; what the fund pays does not follow from this field (the lines' money is priced by the catalogue and formula rules)
WITH cards AS (
    SELECT macskcb, ma_lk, trim(card) AS card
    FROM (SELECT macskcb, ma_lk, unnest(string_split(ma_the_bhyt, ';')) AS card FROM chk.xml1)
)
SELECT
    macskcb,
    ma_lk,
    'XML1' AS loaihoso,
    'MA_THE_BHYT' AS field,
    concat('group "', left(card, 2), '"') AS value,
    0 AS amount
FROM cards
WHERE regexp_full_match(card, '[A-Z]{2}[1-5][0-9]{12}')
  AND left(card, 2) NOT IN (SELECT group_code FROM ref.card_groups)
