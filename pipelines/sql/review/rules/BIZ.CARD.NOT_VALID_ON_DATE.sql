-- code: BIZ.CARD.NOT_VALID_ON_DATE
-- severity: error
-- table: XML1
-- field: GT_THE_TU, GT_THE_DEN
-- message_vi: Theo danh sách tra cứu thẻ của cơ quan BHXH, thẻ BHYT không còn giá trị sử dụng vào ngày khám chữa bệnh (ngoài thời hạn của thẻ hoặc mã kết quả 010: thẻ hết hạn)
-- message_en: According to the fund's card eligibility list the card was not valid on the date of care (outside its validity, or look-up result 010: card expired)
-- grain: one row per offending card of a claim
-- source: ANCHORS.md §2.2 (result code 010); generator's eligibility README (the list answers for the date of care); ref.eligibility
-- note: The date of care of the first card is NGAY_VAO; of a later card in a ';' list (card changed during the
--   episode) the later of NGAY_VAO and that card's GT_THE_TU on the claim. Cards the list reports replaced
--   (003/004), revoked (110) or unknown (050) are left to BIZ.CARD.REPLACED / REVOKED / UNKNOWN. A bound
--   missing from the list is open. Finds nothing while ref.eligibility is empty.
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
    'GT_THE_TU, GT_THE_DEN' AS field,
    concat(
        'card ', c.i, ' of ', c.n, ': the list gives validity ', coalesce(strftime(e.gt_the_tu, '%Y%m%d'), '?'),
        '-', coalesce(strftime(e.gt_the_den, '%Y%m%d'), '?'), ' and result ', coalesce(e.ma_ket_qua, '?'),
        '; date of care ', strftime(c.care_date, '%Y%m%d')
    ) AS value,
    (SELECT greatest(coalesce(x.t_bhtt, 0), 0)
        FROM chk.xml1 AS x
        WHERE x.macskcb = c.macskcb
        AND x.ma_lk = c.ma_lk) AS amount
FROM cards AS c
JOIN ref.eligibility AS e ON e.ma_the_bhyt = c.card
WHERE coalesce(e.ma_ket_qua, '') NOT IN ('003', '004', '050', '110')
  AND c.care_date IS NOT NULL
  AND (
      e.ma_ket_qua = '010'
      OR c.care_date NOT BETWEEN coalesce(e.gt_the_tu, DATE '0001-01-01') AND coalesce(e.gt_the_den, DATE '9999-12-31')
  )
