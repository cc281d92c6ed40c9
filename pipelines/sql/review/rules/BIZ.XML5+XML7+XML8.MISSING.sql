-- code: BIZ.${table}.MISSING
-- severity: warning
-- tables: XML5, XML7, XML8
-- field: MA_LOAI_KCB
-- message_vi XML5: Hình thức KCB (MA_LOAI_KCB) này cần gửi kèm XML5 (bảng chi tiết diễn biến lâm sàng) nhưng hồ sơ không có
-- message_vi XML7: Hình thức KCB (MA_LOAI_KCB) này cần gửi kèm XML7 (giấy ra viện) nhưng hồ sơ không có
-- message_vi XML8: Hình thức KCB (MA_LOAI_KCB) này cần gửi kèm XML8 (tóm tắt hồ sơ bệnh án) nhưng hồ sơ không có
-- message_en XML5: This type of care (MA_LOAI_KCB) needs XML5 (clinical progress notes) but the claim has none
-- message_en XML7: This type of care (MA_LOAI_KCB) needs XML7 (discharge paper) but the claim has none
-- message_en XML8: This type of care (MA_LOAI_KCB) needs XML8 (medical-record summary) but the claim has none
-- grain: one row per offending claim
-- source XML5: STANDARD.md §5.4 (XML5 for 02, 05, 08, inpatient, day inpatient, commune/PKĐKKV stay, inpatient < 4 h; QĐ 4750 note on Bảng 5); types in ref.ma_loai_kcb.requires_xml5
-- source XML7: STANDARD.md §5.4 (XML7 on discharge; required for 03, 04, 09 as tracnn Xml3176CompleteChecker); types in ref.ma_loai_kcb.requires_xml7
-- source XML8: STANDARD.md §5.4 (XML8 for 03, 04, 06; QĐ 4750 note on Bảng 8, Check_Valid QĐ 4750); types in ref.ma_loai_kcb.requires_xml8
-- enabled: true
-- amount: 0: the finding is about a companion document or a field the payment does not depend on; nothing the fund pays changes when it is corrected
SELECT
    x1.macskcb,
    x1.ma_lk,
    '${table}' AS loaihoso,
    'MA_LOAI_KCB' AS field,
    concat('MA_LOAI_KCB=', x1.ma_loai_kcb, '; no ${table}') AS value,
    0 AS amount
FROM chk.xml1 AS x1
JOIN ref.ma_loai_kcb AS k ON k.ma_loai_kcb = x1.ma_loai_kcb
WHERE k.requires_${t}
  AND NOT EXISTS (SELECT 1 FROM chk.${t} AS d WHERE d.macskcb = x1.macskcb AND d.ma_lk = x1.ma_lk)
