-- code: BIZ.XML1.T_BNTT_SUM
-- severity: error
-- table: XML1
-- field: T_BNTT
-- message_vi: T_BNTT (số tiền người bệnh tự trả) phải bằng tổng T_BNTT của các dòng XML2 và XML3 (sai lệch quá 2 đồng)
-- message_en: T_BNTT (patient self-pay amount) must equal the sum of T_BNTT over the lines of XML2 and XML3 (off by more than 2 VND)
-- grain: one row per offending claim
-- source: STANDARD.md §5.2 H5 (QĐ 4750 Bảng 1 #48); tolerance ±2 đ as the BHXH portal (§5.1 L15)
-- enabled: true
-- amount: 0: a header total or patient/other-source share the fund does not pay from; the fund pays T_BHTT, whose overpayment BIZ.XML1.T_BHTT_FORMULA and BIZ.XML1.T_BHTT_LINES price (counting it here too would count it twice)
WITH lines AS (
    SELECT macskcb, ma_lk, sum(coalesce(t_bntt, 0)) AS total
    FROM (
        SELECT macskcb, ma_lk, t_bntt FROM chk.xml2
        UNION ALL
        SELECT macskcb, ma_lk, t_bntt FROM chk.xml3
    )
    GROUP BY macskcb, ma_lk
)
SELECT
    x1.macskcb,
    x1.ma_lk,
    'XML1' AS loaihoso,
    'T_BNTT' AS field,
    concat('T_BNTT=', coalesce(x1.t_bntt, 0), '; sum T_BNTT of XML2+XML3=', coalesce(l.total, 0)) AS value,
    0 AS amount
FROM chk.xml1 AS x1
LEFT JOIN lines AS l ON l.macskcb = x1.macskcb AND l.ma_lk = x1.ma_lk
WHERE abs(coalesce(x1.t_bntt, 0) - coalesce(l.total, 0)) > 2
