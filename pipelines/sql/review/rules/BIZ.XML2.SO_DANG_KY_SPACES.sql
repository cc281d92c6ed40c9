-- code: BIZ.XML2.SO_DANG_KY_SPACES
-- severity: warning
-- table: XML2
-- field: SO_DANG_KY
-- message_vi: Số đăng ký (SO_DANG_KY) có khoảng trắng: ghi liền như giấy đăng ký lưu hành
-- message_en: The registration number (SO_DANG_KY) contains spaces: write it as the marketing authorisation does
-- grain: one row per offending line
-- source: STANDARD.md §5.4 XML2 (SO_DANG_KY has no spaces, QĐ 4750 Bảng 2 #14)
-- enabled: true
-- amount: 0: a coding or format error the facility corrects and resends; what the fund pays does not follow from this field (the lines' money is priced by the catalogue and formula rules)
SELECT
    macskcb,
    ma_lk,
    'XML2' AS loaihoso,
    'SO_DANG_KY' AS field,
    concat('STT ', stt, ': SO_DANG_KY=''', so_dang_ky, '''') AS value,
    0 AS amount
FROM chk.xml2
WHERE regexp_matches(coalesce(so_dang_ky, ''), '\s')
