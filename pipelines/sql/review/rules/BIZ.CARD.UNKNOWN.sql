-- code: BIZ.CARD.UNKNOWN
-- severity: error
-- table: XML1
-- field: MA_THE_BHYT
-- message_vi: Thẻ BHYT của hồ sơ không có trong danh sách tra cứu thẻ của cơ quan BHXH (mã kết quả 050: không có thông tin thẻ); kiểm tra lại mã thẻ
-- message_en: A card of the claim is not in the fund's card eligibility list (look-up result 050: no card information); check the card number
-- grain: one row per offending card of a claim (a ';' list of cards gives one row per card)
-- source: ANCHORS.md §2.2 (card look-up result codes: 050); offline list ref.eligibility (<reference>/eligibility.csv, README.md beside it)
-- note: Finds nothing while ref.eligibility is empty (no list configured). Withdrawals (MA_DOITUONG_KCB 8) are
--   not checked. The value names the card's position in MA_THE_BHYT, never the card number.
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
    concat(
        'card ', c.i, ' of ', c.n, ': ',
        CASE WHEN e.ma_the_bhyt IS NULL THEN 'not in the eligibility list'
             ELSE 'the list answers 050 (no card information)' END
    ) AS value,
    (SELECT greatest(coalesce(x.t_bhtt, 0), 0)
        FROM chk.xml1 AS x
        WHERE x.macskcb = c.macskcb
        AND x.ma_lk = c.ma_lk) AS amount
FROM cards AS c
LEFT JOIN ref.eligibility AS e ON e.ma_the_bhyt = c.card
WHERE e.ma_the_bhyt IS NULL OR e.ma_ket_qua = '050'
