-- code: BIZ.XML1.MA_THE_BHYT_FORMAT
-- severity: error
-- table: XML1
-- field: MA_THE_BHYT
-- message_vi: Mã thẻ BHYT không đúng cấu trúc 15 ký tự: 2 chữ cái mã đối tượng, 1 chữ số mức hưởng (1–5), 2 chữ số mã tỉnh, 10 chữ số mã số BHXH
-- message_en: A card number does not have the 15-character layout: 2-letter group, benefit level digit 1–5, 2-digit province, 10-digit BHXH number
-- grain: one row per offending claim and card
-- source: STANDARD.md §4.5 (XX Y ZZ NNNNNNNNNN, ^[A-Z]{2}[1-5]\d{2}\d{10}$) and §5.5 (15 chars per card, ';' list; BHXH GDH 17)
-- note: the value never shows the card number, only its position in the list, length, group and level characters.
-- enabled: true
-- amount: 0: a coding or format error the facility corrects and resends; what the fund pays does not follow from this field (the lines' money is priced by the catalogue and formula rules)
WITH cards AS (
    SELECT macskcb, ma_lk, trim(card) AS card, i
    FROM (
        SELECT macskcb, ma_lk, unnest(parts) AS card, unnest(range(1, len(parts) + 1)) AS i
        FROM (SELECT macskcb, ma_lk, string_split(coalesce(ma_the_bhyt, ''), ';') AS parts FROM chk.xml1)
    )
)
SELECT
    macskcb,
    ma_lk,
    'XML1' AS loaihoso,
    'MA_THE_BHYT' AS field,
    concat('card ', i, ': length ', length(card), ', group "', left(card, 2), '", level "', substr(card, 3, 1), '"') AS value,
    0 AS amount
FROM cards
WHERE NOT regexp_full_match(card, '[A-Z]{2}[1-5][0-9]{12}')
