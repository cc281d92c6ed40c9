-- code: BIZ.XML1.KHAM_BENH_DAI_NGAY
-- severity: warning
-- table: XML1
-- field: NGAY_RA
-- message_vi: Khám bệnh (MA_LOAI_KCB 01) kéo dài sang ngày khác (khám bệnh dài ngày)
-- message_en: An outpatient examination (MA_LOAI_KCB 01) runs over more than one day
-- grain: one row per offending claim
-- source: STANDARD.md §5.3 (MA_LOAI_KCB 01 lasting more than 1 day, tracnn Qd130Xml1Checker "khám bệnh dài ngày")
-- enabled: true
-- amount: 0: a date, period or duration inconsistency that is corrected, not refused; the money that depends on the stay's length (bed-days) is priced by the BED_DAYS rules
SELECT
    macskcb,
    ma_lk,
    'XML1' AS loaihoso,
    'NGAY_RA' AS field,
    concat('NGAY_VAO=', strftime(ngay_vao, '%Y%m%d%H%M'), '; NGAY_RA=', strftime(ngay_ra, '%Y%m%d%H%M')) AS value,
    0 AS amount
FROM chk.xml1
WHERE ma_loai_kcb = '01' AND CAST(ngay_ra AS DATE) > CAST(ngay_vao AS DATE)
