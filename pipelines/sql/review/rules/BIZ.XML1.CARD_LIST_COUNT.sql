-- code: BIZ.XML1.CARD_LIST_COUNT
-- severity: error
-- table: XML1
-- field: MA_THE_BHYT, MA_DKBD, GT_THE_TU, GT_THE_DEN
-- message_vi: Số thành phần (phân cách ';') của MA_THE_BHYT, MA_DKBD, GT_THE_TU, GT_THE_DEN không khớp nhau
-- message_en: MA_THE_BHYT, MA_DKBD, GT_THE_TU and GT_THE_DEN do not have the same number of ';'-separated parts
-- grain: one row per offending claim
-- source: STANDARD.md §4.5 (card changed during the episode: counts must match; tracnn "Số lượng các thành phần không khớp")
-- enabled: true
-- amount: 0: a coding or format error the facility corrects and resends; what the fund pays does not follow from this field (the lines' money is priced by the catalogue and formula rules)
WITH c AS (
    SELECT
        macskcb,
        ma_lk,
        len(string_split(ma_the_bhyt, ';')) AS n_the,
        len(string_split(ma_dkbd, ';')) AS n_dkbd,
        len(string_split(gt_the_tu, ';')) AS n_tu,
        len(string_split(gt_the_den, ';')) AS n_den
    FROM chk.xml1
    WHERE ma_the_bhyt IS NOT NULL
)
SELECT
    macskcb,
    ma_lk,
    'XML1' AS loaihoso,
    'MA_THE_BHYT, MA_DKBD, GT_THE_TU, GT_THE_DEN' AS field,
    concat('cards ', n_the, ', MA_DKBD ', coalesce(n_dkbd, 0), ', GT_THE_TU ', coalesce(n_tu, 0), ', GT_THE_DEN ', coalesce(n_den, 0)) AS value,
    0 AS amount
FROM c
WHERE (n_dkbd IS NOT NULL AND n_dkbd <> n_the)
   OR (n_tu IS NOT NULL AND n_tu <> n_the)
   OR (n_den IS NOT NULL AND n_den <> n_the)
