-- code: BIZ.CARD.REVOKED
-- severity: error
-- table: XML1
-- field: MA_THE_BHYT
-- message_vi: Thẻ BHYT đã bị thu hồi theo danh sách tra cứu thẻ của cơ quan BHXH (mã kết quả 110)
-- message_en: The card was revoked according to the fund's card eligibility list (look-up result 110)
-- grain: one row per offending card of a claim
-- source: ANCHORS.md §2.2 (result code 110: card revoked); ref.eligibility
-- note: Finds nothing while ref.eligibility is empty.
-- enabled: true
-- amount: the claim's T_BHTT: without a valid card the fund pays nothing (Luật BHYT Điều 28: the card is shown to be paid); thachgiasoft/O2S_InsuranceExpertise O2S_InsuranceExpertise.Server/Process/TieuChiProcess_Server/TieuChiProcess_XML1.cs classes an expired card or care before the card's validity XUAT_TOAN (money refused). A claim with several cards: each card found carries the claim's T_BHTT (the lines are not split by card period); the queue counts the claim once, at most its T_BHTT
WITH claims AS (
    SELECT macskcb, ma_lk, string_split(ma_the_bhyt, ';') AS cards
    FROM chk.xml1
    WHERE nullif(trim(ma_the_bhyt), '') IS NOT NULL
      AND coalesce(trim(ma_doituong_kcb), '') <> '8'
      AND EXISTS (SELECT 1 FROM ref.eligibility)
),
cards AS (
    SELECT macskcb, ma_lk, i, len(cards) AS n, upper(trim(cards[i])) AS card
    FROM (SELECT *, unnest(generate_series(1, len(cards))) AS i FROM claims)
    WHERE nullif(trim(cards[i]), '') IS NOT NULL
)
SELECT
    c.macskcb,
    c.ma_lk,
    'XML1' AS loaihoso,
    'MA_THE_BHYT' AS field,
    concat('card ', c.i, ' of ', c.n, ': the list answers 110 (revoked)') AS value,
    (SELECT greatest(coalesce(x.t_bhtt, 0), 0)
        FROM chk.xml1 AS x
        WHERE x.macskcb = c.macskcb
        AND x.ma_lk = c.ma_lk) AS amount
FROM cards AS c
JOIN ref.eligibility AS e ON e.ma_the_bhyt = c.card
WHERE e.ma_ket_qua = '110'
