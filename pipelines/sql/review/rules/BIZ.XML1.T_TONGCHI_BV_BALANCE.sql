-- code: BIZ.XML1.T_TONGCHI_BV_BALANCE
-- severity: warning
-- table: XML1
-- field: T_TONGCHI_BV
-- message_vi: T_TONGCHI_BV khác T_BNTT + T_BNCCT + T_BHTT + T_NGUONKHAC
-- message_en: T_TONGCHI_BV differs from T_BNTT + T_BNCCT + T_BHTT + T_NGUONKHAC
-- grain: one row per offending claim
-- source: STANDARD.md §5.2 H8 first identity (BHXH GDH 34, via htthinh28/check_bhyt); a warning because it conflicts with H6 when other sources pay inside the insurance scope
-- enabled: true
-- amount: 0: a header total or patient/other-source share the fund does not pay from; the fund pays T_BHTT, whose overpayment BIZ.XML1.T_BHTT_FORMULA and BIZ.XML1.T_BHTT_LINES price (counting it here too would count it twice)
SELECT
    macskcb,
    ma_lk,
    'XML1' AS loaihoso,
    'T_TONGCHI_BV' AS field,
    concat(
        'T_TONGCHI_BV=', coalesce(t_tongchi_bv, 0), '; T_BNTT+T_BNCCT+T_BHTT+T_NGUONKHAC=',
        coalesce(t_bntt, 0) + coalesce(t_bncct, 0) + coalesce(t_bhtt, 0) + coalesce(t_nguonkhac, 0)
    ) AS value,
    0 AS amount
FROM chk.xml1
WHERE abs(
    coalesce(t_tongchi_bv, 0)
    - (coalesce(t_bntt, 0) + coalesce(t_bncct, 0) + coalesce(t_bhtt, 0) + coalesce(t_nguonkhac, 0))
) > 2
