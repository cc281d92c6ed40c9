-- code: BIZ.XML3.THANH_TIEN_BV_FORMULA
-- severity: error
-- table: XML3
-- field: THANH_TIEN_BV
-- message_vi: THANH_TIEN_BV của dòng DVKT/VTYT phải bằng SO_LUONG × DON_GIA_BV × TYLE_TT_DV/100 (hoặc SO_LUONG × DON_GIA_BV theo QĐ 130)
-- message_en: THANH_TIEN_BV of a service/supply line must equal SO_LUONG × DON_GIA_BV × TYLE_TT_DV/100 (or SO_LUONG × DON_GIA_BV as in QĐ 130)
-- grain: one row per offending line
-- source: STANDARD.md §5.1 L3 and §7 item 5: the QĐ 4750 correction multiplies by TYLE_TT_DV (written without /100, read as /100), QĐ 130 does not; both readings are accepted; tolerance ±2 đ
-- enabled: true
-- amount: 0: the patient's or other sources' share of the line, or the hospital-price amount; the fund pays the line's T_BHTT, whose overpayment BIZ.${table}.T_BHTT_FORMULA and the THANH_TIEN_BH formula rules price
WITH l AS (
    SELECT
        *,
        round(CAST(so_luong AS DOUBLE) * CAST(don_gia_bv AS DOUBLE) * CAST(coalesce(tyle_tt_dv, 100) AS DOUBLE) / 100, 2) AS expected,
        round(CAST(so_luong AS DOUBLE) * CAST(don_gia_bv AS DOUBLE), 2) AS expected_130
    FROM chk.xml3
    WHERE so_luong IS NOT NULL AND don_gia_bv IS NOT NULL
)
SELECT
    macskcb,
    ma_lk,
    'XML3' AS loaihoso,
    'THANH_TIEN_BV' AS field,
    concat('STT ', stt, ': THANH_TIEN_BV=', coalesce(thanh_tien_bv, 0), '; SO_LUONG*DON_GIA_BV*TYLE_TT_DV/100=', CAST(expected AS DECIMAL(18, 2))) AS value,
    0 AS amount
FROM l
WHERE abs(coalesce(thanh_tien_bv, 0) - expected) > 2
  AND abs(coalesce(thanh_tien_bv, 0) - expected_130) > 2
