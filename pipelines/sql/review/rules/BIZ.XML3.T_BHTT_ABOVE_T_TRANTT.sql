-- code: BIZ.XML3.T_BHTT_ABOVE_T_TRANTT
-- severity: warning
-- table: XML3
-- field: T_BHTT
-- message_vi: T_BHTT của dòng vượt mức thanh toán tối đa T_TRANTT
-- message_en: The line's T_BHTT exceeds its payment ceiling T_TRANTT
-- grain: one row per offending line
-- source: STANDARD.md §5.1 L11 (tracnn Qd130Xml3Checker checkTTranttAndTBhtt)
-- enabled: true
-- amount: T_BHTT − T_TRANTT: the fund pays a service with a ceiling up to the ceiling (§5.1 L11)
SELECT
    macskcb,
    ma_lk,
    'XML3' AS loaihoso,
    'T_BHTT' AS field,
    concat('STT ', stt, ': T_BHTT=', t_bhtt, '; T_TRANTT=', t_trantt) AS value,
    t_bhtt - t_trantt AS amount
FROM chk.xml3
WHERE t_trantt IS NOT NULL AND t_trantt > 0 AND t_bhtt > t_trantt + 2
