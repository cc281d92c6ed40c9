-- code: BIZ.XML1.NGAY_VAO_AFTER_NGAY_RA
-- severity: error
-- table: XML1
-- field: NGAY_VAO, NGAY_RA
-- message_vi: Thời điểm vào (NGAY_VAO) sau thời điểm ra (NGAY_RA)
-- message_en: The admission time (NGAY_VAO) is after the discharge time (NGAY_RA)
-- grain: one row per offending claim
-- source: STANDARD.md §5.3 (NGAY_VAO ≤ NGAY_YL ≤ NGAY_RA, tracnn checkOrderTime)
-- enabled: true
-- amount: 0: a date, period or duration inconsistency that is corrected, not refused; the money that depends on the stay's length (bed-days) is priced by the BED_DAYS rules
SELECT
    macskcb,
    ma_lk,
    'XML1' AS loaihoso,
    'NGAY_VAO, NGAY_RA' AS field,
    concat('NGAY_VAO=', strftime(ngay_vao, '%Y%m%d%H%M'), '; NGAY_RA=', strftime(ngay_ra, '%Y%m%d%H%M')) AS value,
    0 AS amount
FROM chk.xml1
WHERE ngay_vao > ngay_ra
