-- code: BIZ.XML3.MA_GIUONG_REQUIRED
-- severity: error
-- table: XML3
-- field: MA_GIUONG
-- message_vi: Dòng ngày giường (MA_NHOM 14, 15) không ghi mã giường (MA_GIUONG)
-- message_en: A bed-day line (MA_NHOM 14, 15) has no bed code (MA_GIUONG)
-- grain: one row per offending line
-- source: QĐ 130/4750 Bảng 3 #32 (MA_GIUONG: the bed of the bed-day; STANDARD.md §4.4 groups 14, 15 → XML3; MA_GIUONG); public practice: tracnn TR-CFG bed code pattern
-- enabled: true
-- amount: the line's T_BHTT: the fund does not pay a line that fails this check (as the catalogue rules that refuse a line: BIZ.XML2.DRUG_NOT_IN_LIST, BIZ.XML3.MA_MAY_NOT_REGISTERED)
SELECT
    macskcb,
    ma_lk,
    'XML3' AS loaihoso,
    'MA_GIUONG' AS field,
    concat('STT ', stt, ': MA_NHOM=', ma_nhom, ' without MA_GIUONG') AS value,
    greatest(coalesce(t_bhtt, 0), 0) AS amount
FROM chk.xml3
WHERE ma_nhom IN ('14', '15') AND nullif(trim(ma_giuong), '') IS NULL
