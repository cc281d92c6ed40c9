-- code: BIZ.XML1.WITHDRAWN
-- severity: info
-- table: XML1
-- field: MA_DOITUONG_KCB
-- message_vi: Hồ sơ thu hồi đề nghị thanh toán (MA_DOITUONG_KCB = 8): không đề nghị quỹ BHYT thanh toán
-- message_en: The claim withdraws a payment request (MA_DOITUONG_KCB = 8): nothing is to be paid by the fund
-- grain: one row per offending claim
-- source: STANDARD.md §4.3 (QĐ 3276 code 8: Thu hồi đề nghị thanh toán)
-- enabled: true
-- amount: 0: a withdrawal (MA_DOITUONG_KCB 8) is the facility's own request not to be paid for the claim; there is nothing for the review to refuse
SELECT
    macskcb,
    ma_lk,
    'XML1' AS loaihoso,
    'MA_DOITUONG_KCB' AS field,
    concat('MA_DOITUONG_KCB=8; T_BHTT=', coalesce(t_bhtt, 0)) AS value,
    0 AS amount
FROM chk.xml1
WHERE ma_doituong_kcb = '8'
