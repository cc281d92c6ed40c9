-- code: BIZ.XML1.SELF_REFERRAL_AT_REGISTERED_FACILITY
-- severity: warning
-- table: XML1
-- field: MA_DOITUONG_KCB, MA_DKBD
-- message_vi: Hồ sơ ghi mã đối tượng tự đến (MA_DOITUONG_KCB 1.11–1.18, 3.x) trong khi nơi đăng ký KCB ban đầu (MA_DKBD) chính là cơ sở này: phải là đúng tuyến (1.1)
-- message_en: The claim uses a self-referral code (MA_DOITUONG_KCB 1.11–1.18, 3.x) while the patient's registered facility (MA_DKBD) is this facility: it is in route (1.1)
-- grain: one row per offending claim
-- source: QĐ 3276/QĐ-BYT Phụ lục 1 (1.1: đến KCB đúng cơ sở nơi đăng ký KCB ban đầu; 1.11–1.18 and 3.x: tự đến), data/catalogs/ma_doituong_kcb.csv; STANDARD.md §4.3
-- enabled: true
-- amount: 0 (not estimated): the money consequence is a lower benefit factor for an out-of-route visit, which depends on the route the reviewer settles; the MUC_HUONG rules price a MUC_HUONG that does not follow the claimed route
SELECT
    macskcb,
    ma_lk,
    'XML1' AS loaihoso,
    'MA_DOITUONG_KCB, MA_DKBD' AS field,
    concat('MA_DOITUONG_KCB=', ma_doituong_kcb, '; MA_DKBD=', ma_dkbd, '; MA_CSKCB=', coalesce(ma_cskcb, macskcb)) AS value,
    0 AS amount
FROM chk.xml1
WHERE (ma_doituong_kcb LIKE '3.%' OR ma_doituong_kcb IN ('1.11', '1.12', '1.13', '1.14', '1.15', '1.16', '1.17', '1.18'))
    AND list_contains(list_transform(string_split(coalesce(ma_dkbd, ''), ';'), lambda c: trim(c)), coalesce(ma_cskcb, macskcb))
