-- code: BIZ.CARD.LOOKUP_ERROR
-- severity: warning
-- table: XML1
-- field: MA_THE_BHYT
-- message_vi: Danh sách tra cứu thẻ của cơ quan BHXH báo lỗi thông tin thẻ (051 sai mã thẻ, 052 sai mã tỉnh, 060/061 sai họ tên, 070 sai ngày sinh, 120–124 thẻ báo giảm, 130 trẻ em không xuất trình thẻ); đối chiếu lại thông tin hành chính
-- message_en: The fund's card eligibility list reports a card information error (051 wrong card code, 052 wrong province, 060/061 wrong name, 070 wrong birth date, 120–124 card reported as reduced, 130 child did not present a card); check the administrative data
-- grain: one row per offending card of a claim
-- source: ANCHORS.md §2.2 (card look-up result codes; qlbv hein_card_invalid.result_code); ref.eligibility
-- note: The result codes with a rule of their own (050 UNKNOWN, 003 REPLACED, 010 NOT_VALID_ON_DATE, 053
--   BENEFIT_LEVEL, 110 REVOKED) are not repeated here; 001/002 (card managed by the Ministry of Defence /
--   Public Security), 054/055 and 100/101 (look-up errors) are not card errors. Finds nothing while
--   ref.eligibility is empty.
-- enabled: true
-- amount: 0: a card whose details differ from the fund's list (name, birth date, sex, look-up errors) is corrected and checked again, not refused: thachgiasoft/O2S_InsuranceExpertise O2S_InsuranceExpertise.Server/Process/TieuChiProcess_Server/TieuChiProcess_XML1.cs classes this check these answers CANH_BAO (warning, no money refused)
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
    concat('card ', c.i, ' of ', c.n, ': the list answers ', e.ma_ket_qua) AS value,
    0 AS amount
FROM cards AS c
JOIN ref.eligibility AS e ON e.ma_the_bhyt = c.card
WHERE e.ma_ket_qua IN ('051', '052', '060', '061', '070', '120', '121', '122', '123', '124', '130')
