-- code: BIZ.${table}.T_BHTT_FORMULA
-- severity: error
-- tables: XML2, XML3
-- field: T_BHTT
-- message_vi: T_BHTT (số tiền đề nghị quỹ BHYT thanh toán) của dòng không đúng cách phân bổ theo MUC_HUONG và nguồn khác: T_BHTT = THANH_TIEN_BH × MUC_HUONG/100, T_BNCCT = THANH_TIEN_BH − T_BHTT, T_BNTT = THANH_TIEN_BV − THANH_TIEN_BH; nguồn khác trừ lần lượt vào T_BNTT, T_BNCCT rồi T_BHTT
-- message_en: The line's T_BHTT (amount claimed from the fund) does not follow the split by MUC_HUONG and other sources: T_BHTT = THANH_TIEN_BH × MUC_HUONG/100, T_BNCCT = THANH_TIEN_BH − T_BHTT, T_BNTT = THANH_TIEN_BV − THANH_TIEN_BH; other-source money comes off T_BNTT, then T_BNCCT, then T_BHTT
-- grain: one row per offending line
-- source: STANDARD.md §5.1 L6 (T_NGUONKHAC = 0) and L7 case (a) (0 < T_NGUONKHAC); QĐ 4750 Bảng 2 #24–30, Bảng 3 #23–30; tolerance ±2 đ
-- enabled: true
-- amount: the line's T_BHTT − the expected T_BHTT (THANH_TIEN_BH × MUC_HUONG less other-source money, §5.1 L6/L7), never below 0: the overpaid part
SELECT
    macskcb,
    ma_lk,
    loaihoso,
    'T_BHTT' AS field,
    concat(
        'STT ', stt, ': T_BHTT=', coalesce(t_bhtt, 0), '; expected ', CAST(round(exp_bhtt, 2) AS DECIMAL(18, 2)),
        ' (THANH_TIEN_BH=', CAST(bh AS DECIMAL(18, 2)), ', MUC_HUONG=', muc_huong, ', T_NGUONKHAC=', CAST(nk AS DECIMAL(18, 2)), ')'
    ) AS value,
    greatest(0, coalesce(t_bhtt, 0) - CAST(round(exp_bhtt, 2) AS DECIMAL(18, 2))) AS amount
FROM chk.line_split
WHERE loaihoso = '${table}' AND abs(coalesce(t_bhtt, 0) - exp_bhtt) > 2
