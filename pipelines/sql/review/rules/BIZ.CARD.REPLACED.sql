-- code: BIZ.CARD.REPLACED
-- severity: error
-- table: XML1
-- field: MA_THE_BHYT
-- message_vi: Thẻ BHYT đã được cấp đổi thẻ mới trước ngày khám chữa bệnh (mã kết quả 003: thẻ cũ hết giá trị) nhưng hồ sơ vẫn dùng thẻ cũ; dùng mã thẻ mới
-- message_en: The card had been replaced by a new one before the date of care (look-up result 003: old card expired) but the claim still uses the old card; use the new card number
-- grain: one row per offending card of a claim
-- source: ANCHORS.md §2.2 (003 / 004: old card replaced by a new one, old card expired / still valid; qlbv treats 003, not 004, as a card error); ref.eligibility ma_the_moi
-- note: Fires for result 003, or for a new card number (ma_the_moi) with a result other than 004, when the new
--   card was valid on the date of care (or the list does not know when it became valid). 004 (the old card
--   still valid) is not a finding. Finds nothing while ref.eligibility is empty.
-- enabled: true
-- amount: the claim's T_BHTT: without a valid card the fund pays nothing (Luật BHYT Điều 28: the card is shown to be paid); thachgiasoft/O2S_InsuranceExpertise O2S_InsuranceExpertise.Server/Process/TieuChiProcess_Server/TieuChiProcess_XML1.cs classes an expired card or care before the card's validity XUAT_TOAN (money refused). A claim with several cards: each card found carries the claim's T_BHTT (the lines are not split by card period); the queue counts the claim once, at most its T_BHTT
WITH claims AS (
    SELECT macskcb, ma_lk, ngay_vao, string_split(ma_the_bhyt, ';') AS cards,
           string_split(coalesce(gt_the_tu, ''), ';') AS tu
    FROM chk.xml1
    WHERE nullif(trim(ma_the_bhyt), '') IS NOT NULL
      AND coalesce(trim(ma_doituong_kcb), '') <> '8'
      AND EXISTS (SELECT 1 FROM ref.eligibility)
),
cards AS (
    SELECT
        macskcb, ma_lk, i, len(cards) AS n, upper(trim(cards[i])) AS card,
        CAST(CASE WHEN i = 1 THEN ngay_vao
                  ELSE greatest(ngay_vao, coalesce(try_strptime(trim(tu[i]), '%Y%m%d'), ngay_vao)) END AS DATE)
            AS care_date
    FROM (SELECT *, unnest(generate_series(1, len(cards))) AS i FROM claims)
    WHERE nullif(trim(cards[i]), '') IS NOT NULL
)
SELECT
    c.macskcb,
    c.ma_lk,
    'XML1' AS loaihoso,
    'MA_THE_BHYT' AS field,
    concat(
        'card ', c.i, ' of ', c.n, ': the list answers ', coalesce(e.ma_ket_qua, '?'),
        ', replaced by a card valid from ', coalesce(strftime(nw.gt_the_tu, '%Y%m%d'), '(unknown)'),
        '; date of care ', coalesce(strftime(c.care_date, '%Y%m%d'), '?')
    ) AS value,
    (SELECT greatest(coalesce(x.t_bhtt, 0), 0)
        FROM chk.xml1 AS x
        WHERE x.macskcb = c.macskcb
        AND x.ma_lk = c.ma_lk) AS amount
FROM cards AS c
JOIN ref.eligibility AS e ON e.ma_the_bhyt = c.card
LEFT JOIN ref.eligibility AS nw ON nw.ma_the_bhyt = e.ma_the_moi
WHERE (e.ma_ket_qua = '003' OR (e.ma_the_moi IS NOT NULL AND coalesce(e.ma_ket_qua, '') <> '004'))
  AND (nw.gt_the_tu IS NULL OR c.care_date IS NULL OR nw.gt_the_tu <= c.care_date)
