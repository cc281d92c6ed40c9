-- code: BIZ.XML1.MA_DOITUONG_KCB_UNKNOWN
-- severity: warning
-- table: XML1
-- field: MA_DOITUONG_KCB
-- message_vi: Mã đối tượng đến KCB (MA_DOITUONG_KCB) trống hoặc không có trong danh mục QĐ 3276
-- message_en: The category of visit (MA_DOITUONG_KCB) is empty or not in the QĐ 3276 list
-- grain: one row per offending claim
-- source: STANDARD.md §4.3 (QĐ 3276/QĐ-BYT Phụ lục 1, ref.ma_doituong_kcb); compared as text ("1.1" ≠ "1.10")
-- enabled: true
-- amount: 0: a coding or format error the facility corrects and resends; what the fund pays does not follow from this field (the lines' money is priced by the catalogue and formula rules)
SELECT
    macskcb,
    ma_lk,
    'XML1' AS loaihoso,
    'MA_DOITUONG_KCB' AS field,
    coalesce(ma_doituong_kcb, '(empty)') AS value,
    0 AS amount
FROM chk.xml1
WHERE ma_doituong_kcb IS NULL OR ma_doituong_kcb NOT IN (SELECT ma_doituong_kcb FROM ref.ma_doituong_kcb)
