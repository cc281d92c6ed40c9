-- code: BIZ.XML1.CARD_EXPIRED_BEFORE_DISCHARGE
-- severity: warning
-- table: XML1
-- field: GT_THE_DEN
-- message_vi: Thẻ BHYT hết giá trị (GT_THE_DEN) trước ngày ra viện (NGAY_RA): kiểm tra quyền lợi phần chi phí sau ngày thẻ hết hạn
-- message_en: The card expires (GT_THE_DEN) before the discharge (NGAY_RA): check the benefit for the cost after the expiry
-- grain: one row per offending claim
-- source: STANDARD.md §3.3 XML1 #20 and §5.3 (validity covering the stay); a warning because a card expiring during an inpatient stay may still be honoured to discharge
-- enabled: true
-- amount: 0: a card that expires during an inpatient stay is honoured to discharge (the rule is a warning for that reason); thachgiasoft/O2S_InsuranceExpertise O2S_InsuranceExpertise.Server/Process/TieuChiProcess_Server/TieuChiProcess_XML1.cs classes this check 'Thẻ hết hạn khi chưa ra viện' CANH_BAO
WITH periods AS (
    SELECT macskcb, ma_lk, ngay_ra, gt_the_den, CAST(try_strptime(trim(den), '%Y%m%d') AS DATE) AS valid_to
    FROM (
        SELECT macskcb, ma_lk, ngay_ra, gt_the_den, unnest(string_split(gt_the_den, ';')) AS den
        FROM chk.xml1
        WHERE gt_the_den IS NOT NULL AND ngay_ra IS NOT NULL
    )
)
SELECT
    macskcb,
    ma_lk,
    'XML1' AS loaihoso,
    'GT_THE_DEN' AS field,
    concat('GT_THE_DEN=', gt_the_den, '; NGAY_RA=', strftime(ngay_ra, '%Y%m%d')) AS value,
    0 AS amount
FROM periods
GROUP BY macskcb, ma_lk, ngay_ra, gt_the_den
HAVING max(valid_to) < CAST(ngay_ra AS DATE)
