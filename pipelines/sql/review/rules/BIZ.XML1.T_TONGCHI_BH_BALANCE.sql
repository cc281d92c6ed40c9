-- code: BIZ.XML1.T_TONGCHI_BH_BALANCE
-- severity: warning
-- table: XML1
-- field: T_TONGCHI_BH
-- message_vi: T_TONGCHI_BH khác T_BNCCT + T_BHTT + T_NGUONKHAC
-- message_en: T_TONGCHI_BH differs from T_BNCCT + T_BHTT + T_NGUONKHAC
-- grain: one row per offending claim
-- source: STANDARD.md §5.2 H8 second identity (BHXH 9324 mã 5, via htthinh28/check_bhyt)
-- note: disabled by default: the identity only holds when other-source money falls inside the insurance part;
--   with other sources paying the part outside the scope (the usual case, §5.1 L7) every such claim hits.
-- enabled: false
-- amount: 0: a header total or patient/other-source share the fund does not pay from; the fund pays T_BHTT, whose overpayment BIZ.XML1.T_BHTT_FORMULA and BIZ.XML1.T_BHTT_LINES price (counting it here too would count it twice)
SELECT
    macskcb,
    ma_lk,
    'XML1' AS loaihoso,
    'T_TONGCHI_BH' AS field,
    concat(
        'T_TONGCHI_BH=', coalesce(t_tongchi_bh, 0), '; T_BNCCT+T_BHTT+T_NGUONKHAC=',
        coalesce(t_bncct, 0) + coalesce(t_bhtt, 0) + coalesce(t_nguonkhac, 0)
    ) AS value,
    0 AS amount
FROM chk.xml1
WHERE abs(coalesce(t_tongchi_bh, 0) - (coalesce(t_bncct, 0) + coalesce(t_bhtt, 0) + coalesce(t_nguonkhac, 0))) > 2
