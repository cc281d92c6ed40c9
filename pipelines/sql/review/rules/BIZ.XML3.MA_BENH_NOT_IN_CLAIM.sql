-- code: BIZ.XML3.MA_BENH_NOT_IN_CLAIM
-- severity: warning
-- table: XML3
-- field: MA_BENH
-- message_vi: Mã bệnh của dòng dịch vụ (MA_BENH) không có trong chẩn đoán của hồ sơ (MA_BENH_CHINH, MA_BENH_KT)
-- message_en: The line's diagnosis code (MA_BENH) is not among the claim's diagnoses (MA_BENH_CHINH, MA_BENH_KT)
-- grain: one row per offending code
-- source: QĐ 130/4750 Bảng 3 #35 (MA_BENH: the codes of the claim's diagnoses the service is for)
-- enabled: true
-- amount: 0: a coding or format error the facility corrects and resends; what the fund pays does not follow from this field (the lines' money is priced by the catalogue and formula rules)
WITH codes AS (
    SELECT macskcb, ma_lk, stt, trim(unnest(string_split(ma_benh, ';'))) AS code
    FROM chk.xml3
    WHERE nullif(trim(ma_benh), '') IS NOT NULL
)
SELECT
    c.macskcb,
    c.ma_lk,
    'XML3' AS loaihoso,
    'MA_BENH' AS field,
    concat('STT ', c.stt, ': MA_BENH=', c.code, ' not among MA_BENH_CHINH/MA_BENH_KT') AS value,
    0 AS amount
FROM codes AS c
JOIN chk.xml1 AS x1 ON x1.macskcb = c.macskcb AND x1.ma_lk = c.ma_lk
WHERE c.code <> ''
    AND c.code <> coalesce(trim(x1.ma_benh_chinh), '')
    AND NOT list_contains(list_transform(string_split(coalesce(x1.ma_benh_kt, ''), ';'), lambda k: trim(k)), c.code)
