-- code: BIZ.XML3.VTYT_WITHOUT_DVKT
-- severity: warning
-- table: XML3
-- field: MA_DICH_VU
-- message_vi: Dòng vật tư y tế (MA_NHOM 10, 11) không gói (GOI_VTYT trống) nhưng không ghi mã DVKT sử dụng vật tư (MA_DICH_VU)
-- message_en: A medical-supply line (MA_NHOM 10, 11) outside a package (GOI_VTYT empty) does not name the service that used it (MA_DICH_VU)
-- grain: one row per offending line
-- source: STANDARD.md §5.4 XML3 (supplies need a DVKT on a non-package line, BHXH GDH 102) and the Bảng 3 note (a DVKT that uses a supply puts its code in MA_DICH_VU)
-- enabled: true
-- amount: the line's T_BHTT: the fund does not pay a line that fails this check (as the catalogue rules that refuse a line: BIZ.XML2.DRUG_NOT_IN_LIST, BIZ.XML3.MA_MAY_NOT_REGISTERED)
SELECT
    macskcb,
    ma_lk,
    'XML3' AS loaihoso,
    'MA_DICH_VU' AS field,
    concat('STT ', stt, ': MA_VAT_TU=', coalesce(ma_vat_tu, '(empty)'), '; MA_DICH_VU empty') AS value,
    greatest(coalesce(t_bhtt, 0), 0) AS amount
FROM chk.xml3
WHERE ma_nhom IN ('10', '11')
  AND nullif(trim(goi_vtyt), '') IS NULL
  AND nullif(trim(ma_dich_vu), '') IS NULL
