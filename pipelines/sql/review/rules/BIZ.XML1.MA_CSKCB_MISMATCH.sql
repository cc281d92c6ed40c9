-- code: BIZ.XML1.MA_CSKCB_MISMATCH
-- severity: error
-- table: XML1
-- field: MA_CSKCB
-- message_vi: MA_CSKCB của hồ sơ khác mã cơ sở KCB gửi hồ sơ (MACSKCB của tệp)
-- message_en: The claim's MA_CSKCB differs from the facility that sent the file (MACSKCB)
-- grain: one row per offending claim
-- source: STANDARD.md §3.3 XML1 #58 (facility where the patient was treated) and §2.1 (THONGTINDONVI/MACSKCB)
-- enabled: true
-- amount: 0: a coding or format error the facility corrects and resends; what the fund pays does not follow from this field (the lines' money is priced by the catalogue and formula rules)
SELECT
    macskcb,
    ma_lk,
    'XML1' AS loaihoso,
    'MA_CSKCB' AS field,
    concat('MA_CSKCB=', coalesce(ma_cskcb, '(empty)'), '; MACSKCB=', macskcb) AS value,
    0 AS amount
FROM chk.xml1
WHERE ma_cskcb IS DISTINCT FROM macskcb
