-- code: BIZ.${table}.T_NGUONKHAC_RANGE
-- severity: error
-- tables: XML2, XML3
-- field: T_NGUONKHAC
-- message_vi: T_NGUONKHAC lớn hơn THANH_TIEN_BV của dòng (nguồn khác không thể trả nhiều hơn chi phí)
-- message_en: T_NGUONKHAC exceeds the line's THANH_TIEN_BV (other sources cannot pay more than the cost)
-- grain: one row per offending line
-- source: STANDARD.md §5.1 L10 (0 ≤ T_NGUONKHAC ≤ THANH_TIEN_BV; BHXH GDH 51/56)
-- enabled: true
-- amount: 0: the patient's or other sources' share of the line, or the hospital-price amount; the fund pays the line's T_BHTT, whose overpayment BIZ.${table}.T_BHTT_FORMULA and the THANH_TIEN_BH formula rules price
SELECT
    macskcb,
    ma_lk,
    '${table}' AS loaihoso,
    'T_NGUONKHAC' AS field,
    concat('STT ', stt, ': T_NGUONKHAC=', t_nguonkhac, '; THANH_TIEN_BV=', coalesce(thanh_tien_bv, 0)) AS value,
    0 AS amount
FROM chk.${t}
WHERE t_nguonkhac IS NOT NULL AND (t_nguonkhac < 0 OR t_nguonkhac > coalesce(thanh_tien_bv, 0) + 2)
