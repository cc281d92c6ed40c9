-- code: BIZ.XML3.MA_GIUONG_FORMAT
-- severity: warning
-- table: XML3
-- field: MA_GIUONG
-- message_vi: Dòng tiền giường (MA_NHOM 14, 15, 16) thiếu MA_GIUONG hoặc mã giường không đúng dạng H/T/C/K + 3 chữ số
-- message_en: A bed line (MA_NHOM 14, 15, 16) lacks MA_GIUONG or a bed code is not H/T/C/K + 3 digits
-- grain: one row per offending line
-- source: STANDARD.md §4.4 (groups 14, 15: MA_GIUONG) and §5.5 MA_GIUONG ^[HTCK]\d{3}$ (tracnn config)
-- enabled: true
-- amount: 0: a coding or format error the facility corrects and resends; what the fund pays does not follow from this field (the lines' money is priced by the catalogue and formula rules)
SELECT
    macskcb,
    ma_lk,
    'XML3' AS loaihoso,
    'MA_GIUONG' AS field,
    concat('STT ', stt, ': MA_NHOM=', ma_nhom, '; MA_GIUONG=', coalesce(ma_giuong, '(empty)')) AS value,
    0 AS amount
FROM chk.xml3
WHERE ma_nhom IN ('14', '15', '16')
  AND (
      nullif(trim(ma_giuong), '') IS NULL
      OR NOT regexp_full_match(replace(ma_giuong, ' ', ''), '[HTCK][0-9]{3}(;[HTCK][0-9]{3})*')
  )
