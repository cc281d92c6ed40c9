-- code: BIZ.${table}.MA_NHOM_LEGACY
-- severity: warning
-- tables: XML2, XML3
-- field: MA_NHOM
-- message_vi: Mã nhóm chi phí (MA_NHOM) thuộc nhóm cũ (5, 6, 9, 11) không còn dùng theo QĐ 5937
-- message_en: The cost group (MA_NHOM) is a legacy code (5, 6, 9, 11) no longer used under QĐ 5937
-- grain: one row per offending line
-- source: STANDARD.md §4.4 and §7 item 8 (accept 1–19, warn on 5/6/9/11)
-- enabled: true
-- amount: 0: a coding or format error the facility corrects and resends; what the fund pays does not follow from this field (the lines' money is priced by the catalogue and formula rules)
SELECT
    macskcb,
    ma_lk,
    '${table}' AS loaihoso,
    'MA_NHOM' AS field,
    concat('STT ', stt, ': MA_NHOM=', ma_nhom) AS value,
    0 AS amount
FROM chk.${t}
WHERE ma_nhom IN (SELECT ma_nhom FROM ref.ma_nhom WHERE legacy)
