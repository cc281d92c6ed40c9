-- code: BIZ.XML1.CAN_NANG_REQUIRED
-- severity: warning
-- table: XML1
-- field: CAN_NANG
-- message_vi: Thiếu cân nặng người bệnh (CAN_NANG)
-- message_en: The patient's weight (CAN_NANG) is missing
-- grain: one row per offending claim
-- source: STANDARD.md §5.4 XML1 (CAN_NANG required and numeric, Check_Valid "x"; tracnn Qd130Xml1Checker)
-- enabled: true
-- amount: 0: the finding is about a companion document or a field the payment does not depend on; nothing the fund pays changes when it is corrected
SELECT
    macskcb,
    ma_lk,
    'XML1' AS loaihoso,
    'CAN_NANG' AS field,
    coalesce(CAST(can_nang AS VARCHAR), '(empty)') AS value,
    0 AS amount
FROM chk.xml1
WHERE can_nang IS NULL OR can_nang <= 0
