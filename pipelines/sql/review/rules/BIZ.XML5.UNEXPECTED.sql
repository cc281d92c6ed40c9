-- code: BIZ.XML5.UNEXPECTED
-- severity: warning
-- table: XML5
-- field: MA_LOAI_KCB
-- message_vi: Hồ sơ có XML5 (diễn biến lâm sàng) nhưng hình thức KCB (MA_LOAI_KCB) không thuộc các trường hợp phải lập bảng này
-- message_en: The claim has XML5 (progress notes) but its type of care (MA_LOAI_KCB) is not one that uses this table
-- grain: one row per offending claim
-- source: STANDARD.md §5.4 (XML5 only for 02, 05, 08, inpatient, day inpatient, commune/PKĐKKV stay, inpatient < 4 h); types in ref.ma_loai_kcb.requires_xml5
-- enabled: true
SELECT
    x1.macskcb,
    x1.ma_lk,
    'XML5' AS loaihoso,
    'MA_LOAI_KCB' AS field,
    concat('MA_LOAI_KCB=', coalesce(x1.ma_loai_kcb, '(empty)'), '; XML5 present') AS value
FROM chk.xml1 AS x1
LEFT JOIN ref.ma_loai_kcb AS k ON k.ma_loai_kcb = x1.ma_loai_kcb
WHERE NOT coalesce(k.requires_xml5, true)
  AND EXISTS (SELECT 1 FROM chk.xml5 AS d WHERE d.macskcb = x1.macskcb AND d.ma_lk = x1.ma_lk)
