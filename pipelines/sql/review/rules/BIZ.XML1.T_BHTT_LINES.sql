-- code: BIZ.XML1.T_BHTT_LINES
-- severity: warning
-- table: XML1
-- field: T_BHTT
-- message_vi: T_BHTT khác tổng T_BHTT của các dòng XML2, XML3: kiểm tra phần nguồn khác chi trả trong phạm vi quỹ BHYT (quỹ có thể bị đề nghị thanh toán cả phần nguồn khác đã trả)
-- message_en: T_BHTT differs from the sum of the lines' T_BHTT: check other-source money inside the insurance scope (the fund may be asked to pay what other sources already paid)
-- grain: one row per offending claim
-- source: STANDARD.md §5.2 H6 vs H8 (known disagreement when T_NGUONKHAC reaches the in-scope part, §5.1 L7)
-- enabled: true
-- amount: T_BHTT − the sum of the lines' T_BHTT, never below 0: what the claim asks above what its lines ask
WITH lines AS (
    SELECT macskcb, ma_lk, sum(coalesce(t_bhtt, 0)) AS total
    FROM (
        SELECT macskcb, ma_lk, t_bhtt FROM chk.xml2
        UNION ALL
        SELECT macskcb, ma_lk, t_bhtt FROM chk.xml3
    )
    GROUP BY macskcb, ma_lk
)
SELECT
    x1.macskcb,
    x1.ma_lk,
    'XML1' AS loaihoso,
    'T_BHTT' AS field,
    concat('T_BHTT=', coalesce(x1.t_bhtt, 0), '; sum of lines T_BHTT=', coalesce(l.total, 0)) AS value,
    greatest(0, coalesce(x1.t_bhtt, 0) - coalesce(l.total, 0)) AS amount
FROM chk.xml1 AS x1
LEFT JOIN lines AS l ON l.macskcb = x1.macskcb AND l.ma_lk = x1.ma_lk
WHERE abs(coalesce(x1.t_bhtt, 0) - coalesce(l.total, 0)) > 2
