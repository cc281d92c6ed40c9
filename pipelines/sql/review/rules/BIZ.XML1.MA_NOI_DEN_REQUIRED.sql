-- code: BIZ.XML1.MA_NOI_DEN_REQUIRED
-- severity: warning
-- table: XML1
-- field: MA_NOI_DEN
-- message_vi: Người bệnh chuyển tuyến (MA_LOAI_RV 2, 5) nhưng thiếu mã nơi chuyển đến (MA_NOI_DEN)
-- message_en: A transferred patient (MA_LOAI_RV 2, 5) lacks the receiving facility (MA_NOI_DEN)
-- grain: one row per offending claim
-- source: STANDARD.md §3.3 XML1 #33 and §4.1 MA_LOAI_RV (2, 5 = transfer)
-- enabled: true
-- amount: 0: the finding is about a companion document or a field the payment does not depend on; nothing the fund pays changes when it is corrected
SELECT
    macskcb,
    ma_lk,
    'XML1' AS loaihoso,
    'MA_NOI_DEN' AS field,
    concat('MA_LOAI_RV=', ma_loai_rv, '; MA_NOI_DEN empty') AS value,
    0 AS amount
FROM chk.xml1
WHERE ma_loai_rv IN ('2', '5') AND nullif(trim(ma_noi_den), '') IS NULL
