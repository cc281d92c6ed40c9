-- code: BIZ.XML3.TAI_SU_DUNG_PRICE
-- severity: error
-- table: XML3
-- field: DON_GIA_BV, DON_GIA_BH
-- message_vi: Vật tư y tế tái sử dụng (TAI_SU_DUNG = 1) phải có DON_GIA_BV bằng DON_GIA_BH
-- message_en: A reusable medical supply (TAI_SU_DUNG = 1) must have DON_GIA_BV equal to DON_GIA_BH
-- grain: one row per offending line
-- source: STANDARD.md §5.1 L13 (QĐ 4750 Bảng 3 #14–15)
-- enabled: true
-- amount: (DON_GIA_BH − DON_GIA_BV) × SO_LUONG × the fund's share, never below 0 and at most the line's T_BHTT: a reused supply is paid at the facility's price; a DON_GIA_BH below it costs the fund nothing
SELECT
    macskcb,
    ma_lk,
    'XML3' AS loaihoso,
    'DON_GIA_BV, DON_GIA_BH' AS field,
    concat('STT ', stt, ': DON_GIA_BV=', don_gia_bv, '; DON_GIA_BH=', don_gia_bh) AS value,
    least(greatest(coalesce(t_bhtt, 0), 0), greatest(0, (coalesce(don_gia_bh, 0) - coalesce(don_gia_bv, 0)) * coalesce(so_luong, 0) * coalesce(tyle_tt_dv, 100) * coalesce(tyle_tt_bh, 100) * coalesce(muc_huong, 100) * 0.000001)) AS amount
FROM chk.xml3
WHERE tai_su_dung = '1' AND don_gia_bv IS DISTINCT FROM don_gia_bh
