-- code: BIZ.XML3.THANH_TIEN_BH_FORMULA
-- severity: error
-- table: XML3
-- field: THANH_TIEN_BH
-- message_vi: THANH_TIEN_BH của dòng DVKT/VTYT phải bằng SO_LUONG × DON_GIA_BH × TYLE_TT_DV/100 × TYLE_TT_BH/100 (làm tròn, sai lệch quá 2 đồng)
-- message_en: THANH_TIEN_BH of a service/supply line must equal SO_LUONG × DON_GIA_BH × TYLE_TT_DV/100 × TYLE_TT_BH/100 (rounded; off by more than 2 VND)
-- grain: one row per offending line
-- source: STANDARD.md §5.1 L4 (QĐ 4750 Bảng 3 #20); case (b) of L8 accepted (in-scope amount computed on the part other sources do not pay)
-- enabled: true
-- amount: (THANH_TIEN_BH − SO_LUONG × DON_GIA_BH × TYLE_TT_DV/100 × TYLE_TT_BH/100, the larger expected value when other sources pay) × MUC_HUONG/100, never below 0 and at most the line's T_BHTT: the fund's share of the overstated in-scope amount
WITH l AS (
    SELECT
        *,
        CAST(so_luong AS DOUBLE) * CAST(don_gia_bh AS DOUBLE) * CAST(coalesce(tyle_tt_dv, 100) AS DOUBLE) / 100 AS full_bh,
        round(CAST(so_luong AS DOUBLE) * CAST(don_gia_bh AS DOUBLE) * CAST(coalesce(tyle_tt_dv, 100) AS DOUBLE) / 100
              * CAST(coalesce(tyle_tt_bh, 100) AS DOUBLE) / 100, 2) AS expected
    , so_luong * don_gia_bh * coalesce(tyle_tt_dv, 100) * coalesce(tyle_tt_bh, 100) * 0.0001 AS exact,
        (so_luong * don_gia_bh * coalesce(tyle_tt_dv, 100) * 0.01 - coalesce(t_nguonkhac, 0)) * coalesce(tyle_tt_bh, 100) * 0.01 AS exact_b
    FROM chk.xml3
    WHERE so_luong IS NOT NULL AND don_gia_bh IS NOT NULL
)
SELECT
    macskcb,
    ma_lk,
    'XML3' AS loaihoso,
    'THANH_TIEN_BH' AS field,
    concat(
        'STT ', stt, ': THANH_TIEN_BH=', coalesce(thanh_tien_bh, 0),
        '; SO_LUONG*DON_GIA_BH*TYLE_TT_DV/100*TYLE_TT_BH/100=', CAST(expected AS DECIMAL(18, 2))
    ) AS value,
    least(greatest(coalesce(t_bhtt, 0), 0), greatest(0, coalesce(thanh_tien_bh, 0) - greatest(exact, CASE WHEN coalesce(t_nguonkhac, 0) > 0
        THEN exact_b ELSE exact END)) * coalesce(muc_huong, 100) * 0.01) AS amount
FROM l
WHERE abs(coalesce(thanh_tien_bh, 0) - expected) > 2
  AND NOT (
      coalesce(t_nguonkhac, 0) > 0
      AND abs(coalesce(thanh_tien_bh, 0) - round((full_bh - CAST(coalesce(t_nguonkhac, 0) AS DOUBLE)) * CAST(coalesce(tyle_tt_bh, 100) AS DOUBLE) / 100, 2)) <= 2
  )
