-- code: BIZ.XML3.DON_GIA_BH_ABOVE_BV
-- severity: warning
-- table: XML3
-- field: DON_GIA_BH
-- message_vi: Đơn giá BHYT (DON_GIA_BH) cao hơn đơn giá của cơ sở (DON_GIA_BV)
-- message_en: The insurance unit price (DON_GIA_BH) is above the facility's unit price (DON_GIA_BV)
-- grain: one row per offending line
-- source: STANDARD.md §3.3 XML3 #14–15 and §5.1 L13–L14 (the fund pays at most the facility's price; DON_GIA_BH ≤ ceiling)
-- enabled: true
-- amount: (DON_GIA_BH − DON_GIA_BV) × SO_LUONG × the fund's share (TYLE_TT_DV × TYLE_TT_BH × MUC_HUONG), at most the line's T_BHTT: the fund pays at most the facility's own price (§5.1 L13–L14), as BIZ.XML3.DON_GIA_BH_ABOVE_TARIFF
SELECT
    macskcb,
    ma_lk,
    'XML3' AS loaihoso,
    'DON_GIA_BH' AS field,
    concat('STT ', stt, ': DON_GIA_BH=', don_gia_bh, '; DON_GIA_BV=', don_gia_bv) AS value,
    least(greatest(coalesce(t_bhtt, 0), 0), (don_gia_bh - don_gia_bv) * coalesce(so_luong, 0) * coalesce(tyle_tt_dv, 100) * coalesce(tyle_tt_bh, 100) * coalesce(muc_huong, 100) * 0.000001) AS amount
FROM chk.xml3
WHERE don_gia_bh IS NOT NULL AND don_gia_bv IS NOT NULL AND don_gia_bh > don_gia_bv
