-- code: BIZ.XML1.T_VTYT_SUM
-- severity: error
-- table: XML1
-- field: T_VTYT
-- message_vi: T_VTYT phải bằng tổng THANH_TIEN_BV của các dòng vật tư y tế (MA_NHOM 10, 11) trong XML3
-- message_en: T_VTYT must equal the sum of THANH_TIEN_BV over the medical-supply lines (MA_NHOM 10, 11) of XML3
-- grain: one row per offending claim
-- source: STANDARD.md §5.2 H2 (QĐ 4750 Bảng 1 #45); supply lines = MA_NHOM 10/11 as tracnn Xml3176CompleteChecker
-- enabled: true
-- amount: 0: a header total or patient/other-source share the fund does not pay from; the fund pays T_BHTT, whose overpayment BIZ.XML1.T_BHTT_FORMULA and BIZ.XML1.T_BHTT_LINES price (counting it here too would count it twice)
WITH lines AS (
    SELECT macskcb, ma_lk, sum(coalesce(thanh_tien_bv, 0)) AS total
    FROM chk.xml3
    WHERE ma_nhom IN ('10', '11')
    GROUP BY macskcb, ma_lk
)
SELECT
    x1.macskcb,
    x1.ma_lk,
    'XML1' AS loaihoso,
    'T_VTYT' AS field,
    concat('T_VTYT=', coalesce(x1.t_vtyt, 0), '; sum XML3.THANH_TIEN_BV (MA_NHOM 10, 11)=', coalesce(l.total, 0)) AS value,
    0 AS amount
FROM chk.xml1 AS x1
LEFT JOIN lines AS l ON l.macskcb = x1.macskcb AND l.ma_lk = x1.ma_lk
WHERE abs(coalesce(x1.t_vtyt, 0) - coalesce(l.total, 0)) > 2
