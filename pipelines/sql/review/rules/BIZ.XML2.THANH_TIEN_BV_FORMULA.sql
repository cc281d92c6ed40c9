-- code: BIZ.XML2.THANH_TIEN_BV_FORMULA
-- severity: error
-- table: XML2
-- field: THANH_TIEN_BV
-- message_vi: THANH_TIEN_BV của dòng thuốc phải bằng SO_LUONG × DON_GIA (làm tròn 2 chữ số, sai lệch quá 2 đồng)
-- message_en: THANH_TIEN_BV of a drug line must equal SO_LUONG × DON_GIA (rounded to 2 decimals; off by more than 2 VND)
-- grain: one row per offending line
-- source: STANDARD.md §5.1 L1 (QĐ 4750 Bảng 2 #20; BHXH GDH 47); tolerance ±2 đ (§5.1 L15)
-- enabled: true
-- amount: 0: the patient's or other sources' share of the line, or the hospital-price amount; the fund pays the line's T_BHTT, whose overpayment BIZ.${table}.T_BHTT_FORMULA and the THANH_TIEN_BH formula rules price
SELECT
    macskcb,
    ma_lk,
    'XML2' AS loaihoso,
    'THANH_TIEN_BV' AS field,
    concat('STT ', stt, ': THANH_TIEN_BV=', coalesce(thanh_tien_bv, 0), '; SO_LUONG*DON_GIA=', CAST(round(CAST(so_luong AS DOUBLE) * CAST(don_gia AS DOUBLE), 2) AS DECIMAL(18, 2))) AS value,
    0 AS amount
FROM chk.xml2
WHERE so_luong IS NOT NULL AND don_gia IS NOT NULL
  AND abs(coalesce(thanh_tien_bv, 0) - round(CAST(so_luong AS DOUBLE) * CAST(don_gia AS DOUBLE), 2)) > 2
