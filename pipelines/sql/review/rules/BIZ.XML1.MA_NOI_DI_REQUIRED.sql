-- code: BIZ.XML1.MA_NOI_DI_REQUIRED
-- severity: warning
-- table: XML1
-- field: MA_NOI_DI, GIAY_CHUYEN_TUYEN
-- message_vi: Người bệnh đến có giấy chuyển tuyến (MA_DOITUONG_KCB 1.3) nhưng thiếu nơi chuyển đi (MA_NOI_DI) hoặc số giấy chuyển tuyến (GIAY_CHUYEN_TUYEN)
-- message_en: A referred patient (MA_DOITUONG_KCB 1.3) lacks the referring facility (MA_NOI_DI) or the referral paper number (GIAY_CHUYEN_TUYEN)
-- grain: one row per offending claim
-- source: STANDARD.md §3.3 XML1 #32, #38 and §4.3 (1.3 = arrives with a referral paper)
-- enabled: true
-- amount: 0 (not estimated): the money consequence is a lower benefit factor for an out-of-route visit, which depends on the route the reviewer settles; the MUC_HUONG rules price a MUC_HUONG that does not follow the claimed route
SELECT
    macskcb,
    ma_lk,
    'XML1' AS loaihoso,
    'MA_NOI_DI, GIAY_CHUYEN_TUYEN' AS field,
    concat('MA_DOITUONG_KCB=1.3; MA_NOI_DI ', CASE WHEN nullif(trim(ma_noi_di), '') IS NULL THEN 'empty' ELSE 'filled' END, ', GIAY_CHUYEN_TUYEN ', CASE WHEN nullif(trim(giay_chuyen_tuyen), '') IS NULL THEN 'empty' ELSE 'filled' END) AS value,
    0 AS amount
FROM chk.xml1
WHERE ma_doituong_kcb = '1.3' AND (nullif(trim(ma_noi_di), '') IS NULL OR nullif(trim(giay_chuyen_tuyen), '') IS NULL)
