-- code: BIZ.XML1.MA_BENH_KT_EQUALS_CHINH
-- severity: warning
-- table: XML1
-- field: MA_BENH_KT
-- message_vi: Mã bệnh kèm theo (MA_BENH_KT) trùng mã bệnh chính (MA_BENH_CHINH)
-- message_en: A secondary diagnosis (MA_BENH_KT) repeats the main diagnosis (MA_BENH_CHINH)
-- grain: one row per offending claim
-- source: QĐ 130/4750 Bảng 1 #27–28 (MA_BENH_KT: the other diseases, besides the main one)
-- enabled: true
-- amount: 0: a coding or format error the facility corrects and resends; what the fund pays does not follow from this field (the lines' money is priced by the catalogue and formula rules)
SELECT
    macskcb,
    ma_lk,
    'XML1' AS loaihoso,
    'MA_BENH_KT' AS field,
    concat('MA_BENH_CHINH=', ma_benh_chinh, ' is repeated in MA_BENH_KT') AS value,
    0 AS amount
FROM chk.xml1
WHERE nullif(trim(ma_benh_chinh), '') IS NOT NULL
    AND list_contains(list_transform(string_split(coalesce(ma_benh_kt, ''), ';'), lambda k: trim(k)), trim(ma_benh_chinh))
