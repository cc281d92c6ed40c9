-- code: BIZ.XML5.MISSING
-- severity: warning
-- table: XML5
-- field: MA_LOAI_KCB
-- message_vi: Hình thức KCB (MA_LOAI_KCB) này cần gửi kèm XML5 (bảng chi tiết diễn biến lâm sàng) nhưng hồ sơ không có
-- message_en: This type of care (MA_LOAI_KCB) needs XML5 (clinical progress notes) but the claim has none
-- grain: one row per offending claim
-- source: STANDARD.md §5.4 (XML5 for 02, 05, 08, inpatient, day inpatient, commune/PKĐKKV stay, inpatient < 4 h; QĐ 4750 note on Bảng 5); types in ref.ma_loai_kcb.requires_xml5
-- enabled: true
SELECT
    x1.macskcb,
    x1.ma_lk,
    'XML5' AS loaihoso,
    'MA_LOAI_KCB' AS field,
    concat('MA_LOAI_KCB=', x1.ma_loai_kcb, '; no XML5') AS value
FROM chk.xml1 AS x1
JOIN ref.ma_loai_kcb AS k ON k.ma_loai_kcb = x1.ma_loai_kcb
WHERE k.requires_xml5
  AND NOT EXISTS (SELECT 1 FROM chk.xml5 AS d WHERE d.macskcb = x1.macskcb AND d.ma_lk = x1.ma_lk)
