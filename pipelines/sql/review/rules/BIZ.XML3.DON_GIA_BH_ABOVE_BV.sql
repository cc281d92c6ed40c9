-- code: BIZ.XML3.DON_GIA_BH_ABOVE_BV
-- severity: warning
-- table: XML3
-- field: DON_GIA_BH
-- message_vi: Đơn giá BHYT (DON_GIA_BH) cao hơn đơn giá của cơ sở (DON_GIA_BV)
-- message_en: The insurance unit price (DON_GIA_BH) is above the facility's unit price (DON_GIA_BV)
-- grain: one row per offending line
-- source: STANDARD.md §3.3 XML3 #14–15 and §5.1 L13–L14 (the fund pays at most the facility's price; DON_GIA_BH ≤ ceiling)
-- enabled: true
SELECT
    macskcb,
    ma_lk,
    'XML3' AS loaihoso,
    'DON_GIA_BH' AS field,
    concat('STT ', stt, ': DON_GIA_BH=', don_gia_bh, '; DON_GIA_BV=', don_gia_bv) AS value
FROM chk.xml3
WHERE don_gia_bh IS NOT NULL AND don_gia_bv IS NOT NULL AND don_gia_bh > don_gia_bv
