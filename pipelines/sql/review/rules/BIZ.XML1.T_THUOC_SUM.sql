-- code: BIZ.XML1.T_THUOC_SUM
-- severity: error
-- table: XML1
-- field: T_THUOC
-- message_vi: T_THUOC phải bằng tổng THANH_TIEN_BV của các dòng thuốc trong XML2 (sai lệch quá 2 đồng)
-- message_en: T_THUOC must equal the sum of THANH_TIEN_BV over the drug lines of XML2 (off by more than 2 VND)
-- grain: one row per offending claim
-- source: STANDARD.md §5.2 H1 (QĐ 4750 Bảng 1 #44); tolerance ±2 đ as the BHXH portal (§5.1 L15)
-- enabled: true
-- amount: 0: a header total or patient/other-source share the fund does not pay from; the fund pays T_BHTT, whose overpayment BIZ.XML1.T_BHTT_FORMULA and BIZ.XML1.T_BHTT_LINES price (counting it here too would count it twice)
WITH lines AS (
    SELECT macskcb, ma_lk, sum(coalesce(thanh_tien_bv, 0)) AS total
    FROM chk.xml2
    GROUP BY macskcb, ma_lk
)
SELECT
    x1.macskcb,
    x1.ma_lk,
    'XML1' AS loaihoso,
    'T_THUOC' AS field,
    concat('T_THUOC=', coalesce(x1.t_thuoc, 0), '; sum XML2.THANH_TIEN_BV=', coalesce(l.total, 0)) AS value,
    0 AS amount
FROM chk.xml1 AS x1
LEFT JOIN lines AS l ON l.macskcb = x1.macskcb AND l.ma_lk = x1.ma_lk
WHERE abs(coalesce(x1.t_thuoc, 0) - coalesce(l.total, 0)) > 2
