-- title: Claims and money by facility and type of care (current versions only)
-- grain: one row per facility and MA_LOAI_KCB
SELECT macskcb, ma_loai_kcb, count(*) AS claims,
       sum(t_tongchi_bv) AS t_tongchi_bv, sum(t_bhtt) AS t_bhtt, sum(t_bncct) AS t_bncct
FROM core.xml1
GROUP BY ALL
ORDER BY macskcb, ma_loai_kcb;
