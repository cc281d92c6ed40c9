-- code: BIZ.${table}.NGAY_TH_YL_AFTER_RA
-- severity: error
-- tables: XML2, XML3
-- field: NGAY_TH_YL
-- message_vi: Thời điểm thực hiện y lệnh (NGAY_TH_YL) sau ngày ra (NGAY_RA): dịch vụ, thuốc không thể thực hiện sau khi ra viện
-- message_en: The time the order was carried out (NGAY_TH_YL) is after discharge (NGAY_RA): nothing is given or done after the patient left
-- grain: one row per offending line
-- source: QĐ 130/4750 Bảng 2 #34, Bảng 3 #38 (NGAY_TH_YL) and Bảng 1 (NGAY_RA); STANDARD.md §5.3
-- enabled: true
-- amount: the line's T_BHTT: the fund does not pay a line that fails this check (as the catalogue rules that refuse a line: BIZ.XML2.DRUG_NOT_IN_LIST, BIZ.XML3.MA_MAY_NOT_REGISTERED)
SELECT
    l.macskcb,
    l.ma_lk,
    '${table}' AS loaihoso,
    'NGAY_TH_YL' AS field,
    concat('STT ', l.stt, ': NGAY_TH_YL=', strftime(l.ngay_th_yl, '%d/%m/%Y %H:%M'), ' after NGAY_RA=', strftime(x1.ngay_ra, '%d/%m/%Y %H:%M')) AS value,
    greatest(coalesce(l.t_bhtt, 0), 0) AS amount
FROM chk.${t} AS l
JOIN chk.xml1 AS x1 ON x1.macskcb = l.macskcb AND x1.ma_lk = l.ma_lk
WHERE l.ngay_th_yl IS NOT NULL AND l.ngay_th_yl > x1.ngay_ra
