-- code: BIZ.XML14.NGAY_HEN_KL_BEFORE_RA
-- severity: error
-- table: XML14
-- field: NGAY_HEN_KL
-- message_vi: Ngày hẹn khám lại (NGAY_HEN_KL) trước thời điểm ra viện (NGAY_RA)
-- message_en: The re-examination date (NGAY_HEN_KL) is before the discharge (NGAY_RA)
-- grain: one row per offending claim
-- source: STANDARD.md §5.3 (NGAY_HEN_KL ≥ NGAY_RA in XML14, Check_Valid QĐ 4750)
-- enabled: true
-- amount: 0: the finding is about a companion document or a field the payment does not depend on; nothing the fund pays changes when it is corrected
SELECT
    d.macskcb,
    d.ma_lk,
    'XML14' AS loaihoso,
    'NGAY_HEN_KL' AS field,
    concat('NGAY_HEN_KL=', strftime(d.ngay_hen_kl, '%Y%m%d%H%M'), '; NGAY_RA=', strftime(coalesce(d.ngay_ra, x1.ngay_ra), '%Y%m%d%H%M')) AS value,
    0 AS amount
FROM chk.xml14 AS d
JOIN chk.xml1 AS x1 ON x1.macskcb = d.macskcb AND x1.ma_lk = d.ma_lk
WHERE d.ngay_hen_kl < coalesce(d.ngay_ra, x1.ngay_ra)
