-- code: BIZ.${table}.T_NGUONKHAC_PARTS
-- severity: error
-- tables: XML2, XML3
-- field: T_NGUONKHAC
-- message_vi: T_NGUONKHAC phải bằng T_NGUONKHAC_NSNN + T_NGUONKHAC_VTNN + T_NGUONKHAC_VTTN + T_NGUONKHAC_CL
-- message_en: T_NGUONKHAC must equal T_NGUONKHAC_NSNN + T_NGUONKHAC_VTNN + T_NGUONKHAC_VTTN + T_NGUONKHAC_CL
-- grain: one row per offending line
-- source: STANDARD.md §5.1 L5 (QĐ 4750 Bảng 2 #26, Bảng 3 #27)
-- enabled: true
-- amount: 0: the patient's or other sources' share of the line, or the hospital-price amount; the fund pays the line's T_BHTT, whose overpayment BIZ.${table}.T_BHTT_FORMULA and the THANH_TIEN_BH formula rules price
WITH l AS (
    SELECT
        *,
        coalesce(t_nguonkhac_nsnn, 0) + coalesce(t_nguonkhac_vtnn, 0) + coalesce(t_nguonkhac_vttn, 0)
            + coalesce(t_nguonkhac_cl, 0) AS parts
    FROM chk.${t}
)
SELECT
    macskcb,
    ma_lk,
    '${table}' AS loaihoso,
    'T_NGUONKHAC' AS field,
    concat('STT ', stt, ': T_NGUONKHAC=', coalesce(t_nguonkhac, 0), '; sum of the four sources=', parts) AS value,
    0 AS amount
FROM l
WHERE abs(coalesce(t_nguonkhac, 0) - parts) > 2
