-- code: BIZ.${table}.UNEXPECTED
-- severity: warning
-- tables: XML5, XML8
-- field: MA_LOAI_KCB
-- message_vi XML5: Hồ sơ có XML5 (diễn biến lâm sàng) nhưng hình thức KCB (MA_LOAI_KCB) không thuộc các trường hợp phải lập bảng này
-- message_vi XML8: Hồ sơ có XML8 (tóm tắt hồ sơ bệnh án) nhưng hình thức KCB (MA_LOAI_KCB) không thuộc các trường hợp phải lập bảng này
-- message_en XML5: The claim has XML5 (progress notes) but its type of care (MA_LOAI_KCB) is not one that uses this table
-- message_en XML8: The claim has XML8 (medical-record summary) but its type of care (MA_LOAI_KCB) is not one that uses this table
-- grain: one row per offending claim
-- source XML5: STANDARD.md §5.4 (XML5 only for 02, 05, 08, inpatient, day inpatient, commune/PKĐKKV stay, inpatient < 4 h); types in ref.ma_loai_kcb.requires_xml5
-- source XML8: STANDARD.md §5.4 (XML8 only for 03, 04, 06; Check_Valid: XML8 implies MA_LOAI_KCB 03, 04, 06); types in ref.ma_loai_kcb.requires_xml8
-- enabled: true
-- amount: 0: the finding is about a companion document or a field the payment does not depend on; nothing the fund pays changes when it is corrected
SELECT
    x1.macskcb,
    x1.ma_lk,
    '${table}' AS loaihoso,
    'MA_LOAI_KCB' AS field,
    concat('MA_LOAI_KCB=', coalesce(x1.ma_loai_kcb, '(empty)'), '; ${table} present') AS value,
    0 AS amount
FROM chk.xml1 AS x1
LEFT JOIN ref.ma_loai_kcb AS k ON k.ma_loai_kcb = x1.ma_loai_kcb
WHERE NOT coalesce(k.requires_${t}, true)
  AND EXISTS (SELECT 1 FROM chk.${t} AS d WHERE d.macskcb = x1.macskcb AND d.ma_lk = x1.ma_lk)
