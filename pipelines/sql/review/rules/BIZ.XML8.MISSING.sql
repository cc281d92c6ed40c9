-- code: BIZ.XML8.MISSING
-- severity: warning
-- table: XML8
-- field: MA_LOAI_KCB
-- message_vi: Hình thức KCB (MA_LOAI_KCB) này cần gửi kèm XML8 (tóm tắt hồ sơ bệnh án) nhưng hồ sơ không có
-- message_en: This type of care (MA_LOAI_KCB) needs XML8 (medical-record summary) but the claim has none
-- grain: one row per offending claim
-- source: STANDARD.md §5.4 (XML8 for 03, 04, 06; QĐ 4750 note on Bảng 8, Check_Valid QĐ 4750); types in ref.ma_loai_kcb.requires_xml8
-- enabled: true
SELECT
    x1.macskcb,
    x1.ma_lk,
    'XML8' AS loaihoso,
    'MA_LOAI_KCB' AS field,
    concat('MA_LOAI_KCB=', x1.ma_loai_kcb, '; no XML8') AS value
FROM chk.xml1 AS x1
JOIN ref.ma_loai_kcb AS k ON k.ma_loai_kcb = x1.ma_loai_kcb
WHERE k.requires_xml8
  AND NOT EXISTS (SELECT 1 FROM chk.xml8 AS d WHERE d.macskcb = x1.macskcb AND d.ma_lk = x1.ma_lk)
