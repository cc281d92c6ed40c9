-- code: BIZ.${table}.TT_THAU_FORMAT
-- severity: warning
-- tables: XML2, XML3
-- field: TT_THAU
-- message_vi: Thông tin thầu (TT_THAU) không đúng dạng 'số quyết định;gói thầu;nhóm thầu;năm' (GÓI G/N + số, năm 4 chữ số)
-- message_en: The tender information (TT_THAU) is not of the form 'decision;package;group;year' (package G/N + digits, a 4-digit year)
-- grain: one row per offending line
-- source: STANDARD.md §5.5 (TT_THAU: QĐ-number;package;group;year(yyyy)[;…], QĐ 4750 Bảng 2 #15, Bảng 3)
-- enabled: true
-- amount: 0: a coding or format error the facility corrects and resends; what the fund pays does not follow from this field (the lines' money is priced by the catalogue and formula rules)
SELECT
    macskcb,
    ma_lk,
    '${table}' AS loaihoso,
    'TT_THAU' AS field,
    concat('STT ', stt, ': TT_THAU=', tt_thau) AS value,
    0 AS amount
FROM chk.${t}
WHERE nullif(trim(tt_thau), '') IS NOT NULL
    AND NOT regexp_matches(trim(tt_thau), '^[^;]+;[GN][0-9]{1,2}(\.[0-9]+)?;[GN][0-9]{1,2};[0-9]{4}(;.*)?$')
