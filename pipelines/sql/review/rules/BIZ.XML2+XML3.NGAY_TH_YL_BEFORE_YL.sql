-- code: BIZ.${table}.NGAY_TH_YL_BEFORE_YL
-- severity: error
-- tables: XML2, XML3
-- field: NGAY_TH_YL
-- message_vi: Thời điểm thực hiện y lệnh (NGAY_TH_YL) trước thời điểm ra y lệnh (NGAY_YL)
-- message_en: The execution time (NGAY_TH_YL) is before the order time (NGAY_YL)
-- grain: one row per offending line
-- source: STANDARD.md §5.3 (NGAY_YL ≤ NGAY_TH_YL ≤ NGAY_KQ, Check_Valid QĐ 4750)
-- enabled: true
-- amount: the line's T_BHTT: the fund does not pay a line that fails this check (as the catalogue rules that refuse a line: BIZ.XML2.DRUG_NOT_IN_LIST, BIZ.XML3.MA_MAY_NOT_REGISTERED)
SELECT
    macskcb,
    ma_lk,
    '${table}' AS loaihoso,
    'NGAY_TH_YL' AS field,
    concat('STT ', stt, ': NGAY_TH_YL=', strftime(ngay_th_yl, '%Y%m%d%H%M'), '; NGAY_YL=', strftime(ngay_yl, '%Y%m%d%H%M')) AS value,
    greatest(coalesce(t_bhtt, 0), 0) AS amount
FROM chk.${t}
WHERE ngay_th_yl < ngay_yl
