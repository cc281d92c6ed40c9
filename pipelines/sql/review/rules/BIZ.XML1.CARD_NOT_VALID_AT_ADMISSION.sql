-- code: BIZ.XML1.CARD_NOT_VALID_AT_ADMISSION
-- severity: error
-- table: XML1
-- field: GT_THE_TU, GT_THE_DEN
-- message_vi: Không thẻ BHYT nào của hồ sơ còn giá trị sử dụng vào ngày đến khám (NGAY_VAO nằm ngoài GT_THE_TU – GT_THE_DEN)
-- message_en: No card of the claim is valid on the day of arrival (NGAY_VAO outside every GT_THE_TU – GT_THE_DEN period)
-- grain: one row per offending claim
-- source: STANDARD.md §3.3 XML1 #19–20, §4.5 (card changed during the episode: ';' lists) and §5.3; tracnn card validity window
-- enabled: true
-- amount: the claim's T_BHTT: without a valid card the fund pays nothing (Luật BHYT Điều 28: the card is shown to be paid); thachgiasoft/O2S_InsuranceExpertise O2S_InsuranceExpertise.Server/Process/TieuChiProcess_Server/TieuChiProcess_XML1.cs classes 'KCB khi chưa đến hạn thẻ' and 'Thẻ có giá trị sau ngày vào viện' XUAT_TOAN (money refused)
WITH periods AS (
    SELECT
        macskcb, ma_lk, t_bhtt, ngay_vao, gt_the_tu, gt_the_den,
        CAST(try_strptime(trim(tu), '%Y%m%d') AS DATE) AS valid_from,
        CAST(try_strptime(trim(den), '%Y%m%d') AS DATE) AS valid_to
    FROM (
        SELECT macskcb, ma_lk, t_bhtt, ngay_vao, gt_the_tu, gt_the_den, unnest(string_split(gt_the_tu, ';')) AS tu,
               unnest(string_split(gt_the_den, ';')) AS den
        FROM chk.xml1
        WHERE gt_the_tu IS NOT NULL AND gt_the_den IS NOT NULL AND ngay_vao IS NOT NULL
    )
)
SELECT
    macskcb,
    ma_lk,
    'XML1' AS loaihoso,
    'GT_THE_TU, GT_THE_DEN' AS field,
    concat('GT_THE_TU=', gt_the_tu, '; GT_THE_DEN=', gt_the_den, '; NGAY_VAO=', strftime(ngay_vao, '%Y%m%d')) AS value,
    greatest(coalesce(t_bhtt, 0), 0) AS amount
FROM periods
GROUP BY macskcb, ma_lk, t_bhtt, ngay_vao, gt_the_tu, gt_the_den
HAVING NOT coalesce(bool_or(valid_from <= CAST(ngay_vao AS DATE) AND CAST(ngay_vao AS DATE) <= valid_to), false)
