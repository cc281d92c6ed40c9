-- code: BIZ.XML2.SO_DANG_KY_SPACES
-- severity: warning
-- table: XML2
-- field: SO_DANG_KY
-- message_vi: Số đăng ký (SO_DANG_KY) có khoảng trắng: ghi liền như giấy đăng ký lưu hành
-- message_en: The registration number (SO_DANG_KY) contains spaces: write it as the marketing authorisation does
-- grain: one row per offending line
-- source: STANDARD.md §5.4 XML2 (SO_DANG_KY has no spaces, QĐ 4750 Bảng 2 #14)
-- enabled: true
SELECT
    macskcb,
    ma_lk,
    'XML2' AS loaihoso,
    'SO_DANG_KY' AS field,
    concat('STT ', stt, ': SO_DANG_KY=''', so_dang_ky, '''') AS value
FROM chk.xml2
WHERE regexp_matches(coalesce(so_dang_ky, ''), '\s')
