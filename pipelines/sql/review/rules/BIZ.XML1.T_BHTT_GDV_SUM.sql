-- code: BIZ.XML1.T_BHTT_GDV_SUM
-- severity: error
-- table: XML1
-- field: T_BHTT_GDV
-- message_vi: T_BHTT_GDV phải bằng tổng T_BHTT của các dòng XML2, XML3 thanh toán theo giá dịch vụ (MA_PTTT = 1)
-- message_en: T_BHTT_GDV must equal the sum of T_BHTT over the XML2/XML3 lines paid fee-for-service (MA_PTTT = 1)
-- grain: one row per offending claim
-- source: STANDARD.md §5.2 H7 (QĐ 4750 Bảng 1 #52); cards CA, QN, CY skipped as tracnn does
-- enabled: true
-- amount: 0: T_BHTT_GDV is the part of T_BHTT paid for MA_PTTT 1 lines, a split of what the fund pays, not more of it; an overpaid T_BHTT is priced by BIZ.XML1.T_BHTT_FORMULA and BIZ.XML1.T_BHTT_LINES
WITH lines AS (
    SELECT macskcb, ma_lk, sum(coalesce(t_bhtt, 0)) AS total
    FROM (
        SELECT macskcb, ma_lk, t_bhtt, ma_pttt FROM chk.xml2
        UNION ALL
        SELECT macskcb, ma_lk, t_bhtt, ma_pttt FROM chk.xml3
    )
    WHERE ma_pttt = '1'
    GROUP BY macskcb, ma_lk
)
SELECT
    x1.macskcb,
    x1.ma_lk,
    'XML1' AS loaihoso,
    'T_BHTT_GDV' AS field,
    concat('T_BHTT_GDV=', coalesce(x1.t_bhtt_gdv, 0), '; sum T_BHTT of MA_PTTT=1 lines=', coalesce(l.total, 0)) AS value,
    0 AS amount
FROM chk.xml1 AS x1
LEFT JOIN lines AS l ON l.macskcb = x1.macskcb AND l.ma_lk = x1.ma_lk
WHERE abs(coalesce(x1.t_bhtt_gdv, 0) - coalesce(l.total, 0)) > 2
  AND NOT regexp_matches(coalesce(x1.ma_the_bhyt, ''), '(^|;)\s*(CA|QN|CY)')
