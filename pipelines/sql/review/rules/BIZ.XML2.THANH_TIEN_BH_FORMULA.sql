-- code: BIZ.XML2.THANH_TIEN_BH_FORMULA
-- severity: error
-- table: XML2
-- field: THANH_TIEN_BH
-- message_vi: THANH_TIEN_BH của dòng thuốc phải bằng SO_LUONG × DON_GIA × TYLE_TT_BH/100 (làm tròn 2 chữ số, sai lệch quá 2 đồng)
-- message_en: THANH_TIEN_BH of a drug line must equal SO_LUONG × DON_GIA × TYLE_TT_BH/100 (rounded; off by more than 2 VND)
-- grain: one row per offending line
-- source: STANDARD.md §5.1 L2 (QĐ 4750 Bảng 2 #21; BHXH 9324 mã 3); case (b) of L8 accepted: with other-source money for this service, THANH_TIEN_BH = (THANH_TIEN_BV − T_NGUONKHAC) × TYLE_TT_BH/100
-- enabled: true
-- amount: (THANH_TIEN_BH − SO_LUONG × DON_GIA × TYLE_TT_BH/100, the larger expected value when other sources pay) × MUC_HUONG/100, never below 0 and at most the line's T_BHTT: the fund's share of the overstated in-scope amount
WITH l AS (
    SELECT
        *,
        round(CAST(so_luong AS DOUBLE) * CAST(don_gia AS DOUBLE) * CAST(coalesce(tyle_tt_bh, 100) AS DOUBLE) / 100, 2) AS expected,
        round(CAST(coalesce(thanh_tien_bv, 0) - coalesce(t_nguonkhac, 0) AS DOUBLE) * CAST(coalesce(tyle_tt_bh, 100) AS DOUBLE) / 100, 2) AS expected_b
    , so_luong * don_gia * coalesce(tyle_tt_bh, 100) * 0.01 AS exact,
        (coalesce(thanh_tien_bv, 0) - coalesce(t_nguonkhac, 0)) * coalesce(tyle_tt_bh, 100) * 0.01 AS exact_b
    FROM chk.xml2
    WHERE so_luong IS NOT NULL AND don_gia IS NOT NULL
)
SELECT
    macskcb,
    ma_lk,
    'XML2' AS loaihoso,
    'THANH_TIEN_BH' AS field,
    concat('STT ', stt, ': THANH_TIEN_BH=', coalesce(thanh_tien_bh, 0), '; SO_LUONG*DON_GIA*TYLE_TT_BH/100=', CAST(expected AS DECIMAL(18, 2))) AS value,
    least(greatest(coalesce(t_bhtt, 0), 0), greatest(0, coalesce(thanh_tien_bh, 0) - greatest(exact, CASE WHEN coalesce(t_nguonkhac, 0) > 0
        THEN exact_b ELSE exact END)) * coalesce(muc_huong, 100) * 0.01) AS amount
FROM l
WHERE abs(coalesce(thanh_tien_bh, 0) - expected) > 2
  AND NOT (coalesce(t_nguonkhac, 0) > 0 AND abs(coalesce(thanh_tien_bh, 0) - expected_b) <= 2)
