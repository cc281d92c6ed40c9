-- code: BIZ.XML1.MA_DKBD_UNKNOWN
-- severity: warning
-- table: XML1
-- field: MA_DKBD
-- message_vi: Mã nơi đăng ký KCB ban đầu (MA_DKBD) không có trong danh sách cơ sở KCB
-- message_en: The registered primary-care facility (MA_DKBD) is not on the facility list
-- grain: one row per unknown code
-- source: QĐ 130/4750 Bảng 1 (MA_DKBD, MA_NOI_DI, MA_NOI_DEN: 5-character facility codes of the fund's list), Bảng 13; data/catalogs/README.md (facilities kind: the fund's facility list, loaded with bhyt-etl catalog load)
-- enabled: true
-- amount: 0 (not estimated): the money consequence is a lower benefit factor for an out-of-route visit, which depends on the route the reviewer settles; the MUC_HUONG rules price a MUC_HUONG that does not follow the claimed route
SELECT
    macskcb,
    ma_lk,
    loaihoso,
    field,
    concat(field, '=', code, ' is not on the facility list') AS value,
    0 AS amount
FROM chk.main.facility_codes  -- review/scope/facility_codes.sql: the codes, dated by the admission day
WHERE loaihoso = 'XML1' AND field = 'MA_DKBD' AND NOT known
