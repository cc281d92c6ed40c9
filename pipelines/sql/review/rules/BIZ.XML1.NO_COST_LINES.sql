-- code: BIZ.XML1.NO_COST_LINES
-- severity: warning
-- table: XML1
-- field: T_TONGCHI_BV
-- message_vi: Hồ sơ không có dòng chi phí nào (không có XML2 và XML3)
-- message_en: The claim has no cost line at all (neither XML2 nor XML3)
-- grain: one row per offending claim
-- source: STANDARD.md §5.2 (the header totals are sums of the XML2/XML3 lines) and §5.4
-- enabled: true
-- amount: the claim's T_BHTT: the fund pays for lines, and the claim has none (anything it asks for is unsupported)
SELECT
    x1.macskcb,
    x1.ma_lk,
    'XML1' AS loaihoso,
    'T_TONGCHI_BV' AS field,
    concat('T_TONGCHI_BV=', coalesce(x1.t_tongchi_bv, 0), '; no XML2/XML3 lines') AS value,
    greatest(coalesce(x1.t_bhtt, 0), 0) AS amount
FROM chk.xml1 AS x1
WHERE NOT EXISTS (SELECT 1 FROM chk.xml2 AS l WHERE l.macskcb = x1.macskcb AND l.ma_lk = x1.ma_lk)
  AND NOT EXISTS (SELECT 1 FROM chk.xml3 AS l WHERE l.macskcb = x1.macskcb AND l.ma_lk = x1.ma_lk)
