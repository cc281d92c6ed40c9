-- code: BIZ.XML1.MA_NOI_DEN_UNKNOWN
-- severity: warning
-- table: XML1
-- field: MA_NOI_DEN
-- message_vi: Mã nơi chuyển đến (MA_NOI_DEN) không có trong danh sách cơ sở KCB
-- message_en: The facility the patient is transferred to (MA_NOI_DEN) is not on the facility list
-- grain: one row per unknown code
-- source: QĐ 130/4750 Bảng 1 (MA_DKBD, MA_NOI_DI, MA_NOI_DEN: 5-character facility codes of the fund's list), Bảng 13; data/catalogs/README.md (facilities kind: the fund's facility list, loaded with bhyt-etl catalog load)
-- enabled: true
-- amount: 0: the finding is about a companion document or a field the payment does not depend on; nothing the fund pays changes when it is corrected
SELECT
    macskcb,
    ma_lk,
    loaihoso,
    field,
    concat(field, '=', code, ' is not on the facility list') AS value,
    0 AS amount
FROM chk.main.facility_codes  -- review/scope/facility_codes.sql: the codes, dated by the admission day
WHERE loaihoso = 'XML1' AND field = 'MA_NOI_DEN' AND NOT known
