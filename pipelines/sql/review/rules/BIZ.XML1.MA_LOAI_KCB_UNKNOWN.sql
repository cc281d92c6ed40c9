-- code: BIZ.XML1.MA_LOAI_KCB_UNKNOWN
-- severity: warning
-- table: XML1
-- field: MA_LOAI_KCB
-- message_vi: Mã hình thức KCB (MA_LOAI_KCB) trống hoặc không có trong danh mục (QĐ 824, 01–09)
-- message_en: The type of care (MA_LOAI_KCB) is empty or not in the code list (QĐ 824, 01–09)
-- grain: one row per offending claim
-- source: STANDARD.md §4.2 (ref.ma_loai_kcb); a warning because QĐ 1804/2026 adds codes 10–16 we could not verify
-- enabled: true
-- amount: 0: a coding or format error the facility corrects and resends; what the fund pays does not follow from this field (the lines' money is priced by the catalogue and formula rules)
SELECT
    macskcb,
    ma_lk,
    'XML1' AS loaihoso,
    'MA_LOAI_KCB' AS field,
    coalesce(ma_loai_kcb, '(empty)') AS value,
    0 AS amount
FROM chk.xml1
WHERE ma_loai_kcb IS NULL OR ma_loai_kcb NOT IN (SELECT ma_loai_kcb FROM ref.ma_loai_kcb)
