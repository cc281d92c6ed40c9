-- code: BIZ.XML7.MISSING
-- severity: warning
-- table: XML7
-- field: MA_LOAI_KCB
-- message_vi: Hình thức KCB (MA_LOAI_KCB) này cần gửi kèm XML7 (giấy ra viện) nhưng hồ sơ không có
-- message_en: This type of care (MA_LOAI_KCB) needs XML7 (discharge paper) but the claim has none
-- grain: one row per offending claim
-- source: STANDARD.md §5.4 (XML7 on discharge; required for 03, 04, 09 as tracnn Xml3176CompleteChecker); types in ref.ma_loai_kcb.requires_xml7
-- enabled: true
SELECT
    x1.macskcb,
    x1.ma_lk,
    'XML7' AS loaihoso,
    'MA_LOAI_KCB' AS field,
    concat('MA_LOAI_KCB=', x1.ma_loai_kcb, '; no XML7') AS value
FROM chk.xml1 AS x1
JOIN ref.ma_loai_kcb AS k ON k.ma_loai_kcb = x1.ma_loai_kcb
WHERE k.requires_xml7
  AND NOT EXISTS (SELECT 1 FROM chk.xml7 AS d WHERE d.macskcb = x1.macskcb AND d.ma_lk = x1.ma_lk)
