-- code: BIZ.XML3.NGAY_KQ_OUTSIDE_STAY
-- severity: error
-- table: XML3
-- field: NGAY_KQ
-- message_vi: Ngày có kết quả (NGAY_KQ) nằm ngoài thời gian điều trị (trước NGAY_VAO hoặc sau NGAY_RA)
-- message_en: The result time (NGAY_KQ) lies outside the stay (before NGAY_VAO or after NGAY_RA)
-- grain: one row per offending line
-- source: QĐ 130/4750 Bảng 3 #39 (NGAY_KQ) and Bảng 1 (NGAY_VAO, NGAY_RA); STANDARD.md §5.3
-- enabled: true
-- amount: the line's T_BHTT: the fund does not pay a line that fails this check (as the catalogue rules that refuse a line: BIZ.XML2.DRUG_NOT_IN_LIST, BIZ.XML3.MA_MAY_NOT_REGISTERED)
SELECT
    l.macskcb,
    l.ma_lk,
    'XML3' AS loaihoso,
    'NGAY_KQ' AS field,
    concat(
        'STT ', l.stt, ': NGAY_KQ=', strftime(l.ngay_kq, '%d/%m/%Y %H:%M'), '; stay ',
        strftime(x1.ngay_vao, '%d/%m/%Y %H:%M'), ' – ', strftime(x1.ngay_ra, '%d/%m/%Y %H:%M')
    ) AS value,
    greatest(coalesce(l.t_bhtt, 0), 0) AS amount
FROM chk.xml3 AS l
JOIN chk.xml1 AS x1 ON x1.macskcb = l.macskcb AND x1.ma_lk = l.ma_lk
WHERE l.ngay_kq IS NOT NULL AND (l.ngay_kq < x1.ngay_vao OR l.ngay_kq > x1.ngay_ra)
