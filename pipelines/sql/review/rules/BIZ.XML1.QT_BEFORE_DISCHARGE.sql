-- code: BIZ.XML1.QT_BEFORE_DISCHARGE
-- severity: error
-- table: XML1
-- field: NAM_QT, THANG_QT
-- message_vi: Kỳ đề nghị thanh toán (NAM_QT, THANG_QT) trước tháng ra viện (NGAY_RA)
-- message_en: The settlement period (NAM_QT, THANG_QT) is before the month of discharge (NGAY_RA)
-- grain: one row per offending claim
-- source: STANDARD.md §5.2 H9 (settlement follows the end of treatment; BHXH GDH 35, 36, 103)
-- enabled: true
-- amount: 0: a date, period or duration inconsistency that is corrected, not refused; the money that depends on the stay's length (bed-days) is priced by the BED_DAYS rules
SELECT
    macskcb,
    ma_lk,
    'XML1' AS loaihoso,
    'NAM_QT, THANG_QT' AS field,
    concat('NAM_QT=', nam_qt, '; THANG_QT=', thang_qt, '; NGAY_RA=', strftime(ngay_ra, '%Y%m%d%H%M')) AS value,
    0 AS amount
FROM chk.xml1
WHERE ngay_ra IS NOT NULL AND nam_qt IS NOT NULL AND thang_qt IS NOT NULL
  AND nam_qt * 100 + thang_qt < year(ngay_ra) * 100 + month(ngay_ra)
