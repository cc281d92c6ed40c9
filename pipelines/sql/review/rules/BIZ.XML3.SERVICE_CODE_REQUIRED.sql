-- code: BIZ.XML3.SERVICE_CODE_REQUIRED
-- severity: error
-- table: XML3
-- field: MA_DICH_VU, MA_VAT_TU
-- message_vi: Dòng XML3 không có cả mã dịch vụ (MA_DICH_VU) lẫn mã vật tư (MA_VAT_TU)
-- message_en: An XML3 line has neither a service code (MA_DICH_VU) nor a supply code (MA_VAT_TU)
-- grain: one row per offending line
-- source: STANDARD.md §5.4 XML3 (MA_DICH_VU and MA_VAT_TU are not both empty, tracnn Qd130Xml3Checker)
-- enabled: true
-- amount: the line's T_BHTT: the fund does not pay a line that fails this check (as the catalogue rules that refuse a line: BIZ.XML2.DRUG_NOT_IN_LIST, BIZ.XML3.MA_MAY_NOT_REGISTERED)
SELECT
    macskcb,
    ma_lk,
    'XML3' AS loaihoso,
    'MA_DICH_VU, MA_VAT_TU' AS field,
    concat('STT ', stt, ': MA_NHOM=', coalesce(ma_nhom, '(empty)'), '; MA_DICH_VU, MA_VAT_TU empty') AS value,
    greatest(coalesce(t_bhtt, 0), 0) AS amount
FROM chk.xml3
WHERE nullif(trim(ma_dich_vu), '') IS NULL AND nullif(trim(ma_vat_tu), '') IS NULL
