-- code: BIZ.XML8.UNEXPECTED
-- severity: warning
-- table: XML8
-- field: MA_LOAI_KCB
-- message_vi: Hồ sơ có XML8 (tóm tắt hồ sơ bệnh án) nhưng hình thức KCB (MA_LOAI_KCB) không thuộc các trường hợp phải lập bảng này
-- message_en: The claim has XML8 (medical-record summary) but its type of care (MA_LOAI_KCB) is not one that uses this table
-- grain: one row per offending claim
-- source: STANDARD.md §5.4 (XML8 only for 03, 04, 06; Check_Valid: XML8 implies MA_LOAI_KCB 03, 04, 06); types in ref.ma_loai_kcb.requires_xml8
-- enabled: true
SELECT
    x1.macskcb,
    x1.ma_lk,
    'XML8' AS loaihoso,
    'MA_LOAI_KCB' AS field,
    concat('MA_LOAI_KCB=', coalesce(x1.ma_loai_kcb, '(empty)'), '; XML8 present') AS value
FROM chk.xml1 AS x1
LEFT JOIN ref.ma_loai_kcb AS k ON k.ma_loai_kcb = x1.ma_loai_kcb
WHERE NOT coalesce(k.requires_xml8, true)
  AND EXISTS (SELECT 1 FROM chk.xml8 AS d WHERE d.macskcb = x1.macskcb AND d.ma_lk = x1.ma_lk)
