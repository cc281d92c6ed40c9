-- code: BIZ.XML3.MA_MAY_REQUIRED
-- severity: warning
-- table: XML3
-- field: MA_MAY
-- message_vi: Dịch vụ chẩn đoán hình ảnh, thăm dò chức năng (MA_NHOM 2, 3) thiếu mã máy (MA_MAY)
-- message_en: An imaging or functional-exploration line (MA_NHOM 2, 3) lacks the machine code (MA_MAY)
-- grain: one row per offending line
-- source: STANDARD.md §5.4 XML3 (MA_MAY required for machine-based services, tracnn Qd130Xml3Checker); tracnn also requires it for tests (MA_NHOM 1), not done here because manual tests exist
-- enabled: true
-- amount: the line's T_BHTT: the fund does not pay a line that fails this check (as the catalogue rules that refuse a line: BIZ.XML2.DRUG_NOT_IN_LIST, BIZ.XML3.MA_MAY_NOT_REGISTERED)
SELECT
    macskcb,
    ma_lk,
    'XML3' AS loaihoso,
    'MA_MAY' AS field,
    concat('STT ', stt, ': MA_NHOM=', coalesce(ma_nhom, '(empty)'), '; MA_MAY empty') AS value,
    greatest(coalesce(t_bhtt, 0), 0) AS amount
FROM chk.xml3
WHERE ma_nhom IN ('2', '3') AND nullif(trim(ma_may), '') IS NULL
