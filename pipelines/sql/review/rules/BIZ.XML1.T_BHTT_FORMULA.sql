-- code: BIZ.XML1.T_BHTT_FORMULA
-- severity: error
-- table: XML1
-- field: T_BHTT
-- message_vi: T_BHTT phải bằng T_TONGCHI_BH − T_BNCCT (hoặc tổng T_BHTT của các dòng khi nguồn khác chi trả một phần trong phạm vi quỹ)
-- message_en: T_BHTT must equal T_TONGCHI_BH − T_BNCCT (or the sum of the lines' T_BHTT when other sources pay part of the in-scope cost)
-- grain: one row per offending claim
-- source: STANDARD.md §5.2 H6 (QĐ 4750 Bảng 1 #50; tracnn Xml3176CompleteChecker)
-- note: H6 is the standard's definition. When other-source money reaches the in-scope part of a line (§5.1 L7,
--   T_NGUONKHAC > THANH_TIEN_BV − THANH_TIEN_BH), H6 and the sum of the lines' T_BHTT disagree (§5.2 H8);
--   a header equal to either is accepted here and BIZ.XML1.T_BHTT_LINES warns about the difference.
-- enabled: true
-- amount: T_BHTT − the larger of (T_TONGCHI_BH − T_BNCCT) and the sum of the lines' T_BHTT, never below 0: what the claim asks above either reading of the standard (§5.2 H6, H8)
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
    concat(
        'T_BHTT=', coalesce(x1.t_bhtt, 0),
        '; T_TONGCHI_BH-T_BNCCT=', coalesce(x1.t_tongchi_bh, 0) - coalesce(x1.t_bncct, 0),
        '; sum of lines T_BHTT=', coalesce(l.total, 0)
    ) AS value,
    greatest(0, coalesce(x1.t_bhtt, 0) - greatest(coalesce(x1.t_tongchi_bh, 0) - coalesce(x1.t_bncct, 0), coalesce(l.total, 0))) AS amount
FROM chk.xml1 AS x1
LEFT JOIN lines AS l ON l.macskcb = x1.macskcb AND l.ma_lk = x1.ma_lk
WHERE abs(coalesce(x1.t_bhtt, 0) - (coalesce(x1.t_tongchi_bh, 0) - coalesce(x1.t_bncct, 0))) > 2
  AND abs(coalesce(x1.t_bhtt, 0) - coalesce(l.total, 0)) > 2
