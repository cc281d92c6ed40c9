-- code: BIZ.${table}.LINE_BALANCE
-- severity: error
-- tables: XML2, XML3
-- field: THANH_TIEN_BV
-- message_vi: THANH_TIEN_BV của dòng phải bằng T_BNTT + T_BNCCT + T_BHTT + T_NGUONKHAC (sai lệch quá 2 đồng)
-- message_en: A line's THANH_TIEN_BV must equal T_BNTT + T_BNCCT + T_BHTT + T_NGUONKHAC (off by more than 2 VND)
-- grain: one row per offending line
-- source: STANDARD.md §5.1 L9 (follows from L6/L7; BHXH GDH 41 for XML2, GDH 45 for XML3)
-- enabled: true
-- amount: 0: the patient's or other sources' share of the line, or the hospital-price amount; the fund pays the line's T_BHTT, whose overpayment BIZ.${table}.T_BHTT_FORMULA and the THANH_TIEN_BH formula rules price
WITH l AS (
    SELECT
        *,
        coalesce(t_bntt, 0) + coalesce(t_bncct, 0) + coalesce(t_bhtt, 0) + coalesce(t_nguonkhac, 0) AS parts
    FROM chk.${t}
)
SELECT
    macskcb,
    ma_lk,
    '${table}' AS loaihoso,
    'THANH_TIEN_BV' AS field,
    concat('STT ', stt, ': THANH_TIEN_BV=', coalesce(thanh_tien_bv, 0), '; T_BNTT+T_BNCCT+T_BHTT+T_NGUONKHAC=', parts) AS value,
    0 AS amount
FROM l
WHERE abs(coalesce(thanh_tien_bv, 0) - parts) > 2
