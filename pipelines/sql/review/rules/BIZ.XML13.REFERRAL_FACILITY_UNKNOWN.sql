-- code: BIZ.XML13.REFERRAL_FACILITY_UNKNOWN
-- severity: warning
-- table: XML13
-- field: MA_NOI_DI, MA_NOI_DEN, MA_CSKCB_DI, MA_CSKCB_DEN
-- message_vi: Giấy chuyển tuyến ghi mã cơ sở (MA_NOI_DI, MA_NOI_DEN, MA_CSKCB_DI, MA_CSKCB_DEN) không có trong danh sách cơ sở KCB
-- message_en: The referral paper names a facility (MA_NOI_DI, MA_NOI_DEN, MA_CSKCB_DI, MA_CSKCB_DEN) that is not on the facility list
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
WHERE loaihoso = 'XML13' AND NOT known
