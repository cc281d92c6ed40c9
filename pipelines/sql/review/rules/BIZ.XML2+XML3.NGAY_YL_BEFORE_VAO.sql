-- code: BIZ.${table}.NGAY_YL_BEFORE_VAO
-- severity: error
-- tables: XML2, XML3
-- field: NGAY_YL
-- message_vi: Thời điểm ra y lệnh (NGAY_YL) trước thời điểm người bệnh đến (NGAY_VAO của XML1)
-- message_en: The order time (NGAY_YL) is before the patient arrived (XML1 NGAY_VAO)
-- grain: one row per offending line
-- source: STANDARD.md §5.3 (NGAY_VAO ≤ NGAY_YL ≤ NGAY_RA, tracnn Qd130Xml2/3Checker checkOrderTime)
-- enabled: true
-- amount: the line's T_BHTT: the fund does not pay a line that fails this check (as the catalogue rules that refuse a line: BIZ.XML2.DRUG_NOT_IN_LIST, BIZ.XML3.MA_MAY_NOT_REGISTERED)
SELECT
    l.macskcb,
    l.ma_lk,
    '${table}' AS loaihoso,
    'NGAY_YL' AS field,
    concat('STT ', l.stt, ': NGAY_YL=', strftime(l.ngay_yl, '%Y%m%d%H%M'), '; NGAY_VAO=', strftime(x1.ngay_vao, '%Y%m%d%H%M')) AS value,
    greatest(coalesce(l.t_bhtt, 0), 0) AS amount
FROM chk.${t} AS l
JOIN chk.xml1 AS x1 ON x1.macskcb = l.macskcb AND x1.ma_lk = l.ma_lk
WHERE l.ngay_yl < x1.ngay_vao
