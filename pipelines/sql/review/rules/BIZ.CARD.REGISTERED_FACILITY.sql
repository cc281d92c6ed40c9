-- code: BIZ.CARD.REGISTERED_FACILITY
-- severity: warning
-- table: XML1
-- field: MA_DKBD
-- message_vi: MA_DKBD của hồ sơ khác nơi đăng ký khám chữa bệnh ban đầu trong danh sách tra cứu thẻ của cơ quan BHXH (ảnh hưởng đến tuyến và mức hưởng)
-- message_en: The claim's MA_DKBD differs from the registered primary-care facility in the fund's card eligibility list (this decides the route and the benefit)
-- grain: one row per offending card of a claim (MA_DKBD is a ';' list parallel to MA_THE_BHYT)
-- source: STANDARD.md §3.3 XML1 #18 MA_DKBD; generator's eligibility README (ma_dkbd must equal MA_DKBD; the look-up has no result code for it); ref.eligibility
-- note: Compared only where both the claim and the list give a facility. Finds nothing while ref.eligibility is empty.
-- enabled: true
-- amount: 0 (not estimated): the money consequence is a lower benefit factor for an out-of-route visit, which depends on the route the reviewer settles; the MUC_HUONG rules price a MUC_HUONG that does not follow the claimed route; thachgiasoft/O2S_InsuranceExpertise O2S_InsuranceExpertise.Server/Process/TieuChiProcess_Server/TieuChiProcess_XML1.cs classes this check a wrong registered facility CANH_BAO (warning, no money refused)
WITH claims AS (
    SELECT macskcb, ma_lk, string_split(ma_the_bhyt, ';') AS cards, string_split(coalesce(ma_dkbd, ''), ';') AS dkbd
    FROM chk.xml1
    WHERE nullif(trim(ma_the_bhyt), '') IS NOT NULL
      AND coalesce(trim(ma_doituong_kcb), '') <> '8'
      AND EXISTS (SELECT 1 FROM ref.eligibility)
),
cards AS (
    SELECT macskcb, ma_lk, i, len(cards) AS n, upper(trim(cards[i])) AS card,
           nullif(upper(trim(dkbd[i])), '') AS ma_dkbd
    FROM (SELECT *, unnest(generate_series(1, len(cards))) AS i FROM claims)
    WHERE nullif(trim(cards[i]), '') IS NOT NULL
)
SELECT
    c.macskcb,
    c.ma_lk,
    'XML1' AS loaihoso,
    'MA_DKBD' AS field,
    concat('card ', c.i, ' of ', c.n, ': MA_DKBD ', c.ma_dkbd, ', the list ', e.ma_dkbd) AS value,
    0 AS amount
FROM cards AS c
JOIN ref.eligibility AS e ON e.ma_the_bhyt = c.card
WHERE c.ma_dkbd IS NOT NULL AND e.ma_dkbd IS NOT NULL AND c.ma_dkbd <> e.ma_dkbd
