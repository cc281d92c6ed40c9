-- code: BIZ.XML4.NGAY_KQ_OUTSIDE_STAY
-- severity: error
-- table: XML4
-- field: NGAY_KQ
-- message_vi: Ngày có kết quả cận lâm sàng (NGAY_KQ) nằm ngoài thời gian điều trị (trước NGAY_VAO hoặc sau NGAY_RA)
-- message_en: The paraclinical result time (NGAY_KQ) lies outside the stay (before NGAY_VAO or after NGAY_RA)
-- grain: one row per offending result line
-- source: QĐ 130/4750 Bảng 4 (NGAY_KQ) and Bảng 1 (NGAY_VAO, NGAY_RA); STANDARD.md §5.3
-- enabled: true
-- note: amount = T_BHTT of the XML3 line of the same service
-- amount: the T_BHTT of the XML3 service line the result belongs to (same MA_DICH_VU): a result outside the stay is not paid
SELECT
    x4.macskcb,
    x4.ma_lk,
    'XML4' AS loaihoso,
    'NGAY_KQ' AS field,
    concat('STT ', x4.stt, ': NGAY_KQ=', strftime(x4.ngay_kq, '%d/%m/%Y %H:%M'), '; stay ',
        strftime(x1.ngay_vao, '%d/%m/%Y %H:%M'), ' – ', strftime(x1.ngay_ra, '%d/%m/%Y %H:%M')) AS value,
    coalesce((SELECT max(greatest(x3.t_bhtt, 0)) FROM chk.xml3 AS x3
              WHERE x3.macskcb = x4.macskcb AND x3.ma_lk = x4.ma_lk AND x3.ma_dich_vu = x4.ma_dich_vu), 0) AS amount
FROM chk.xml4 AS x4
JOIN chk.xml1 AS x1 ON x1.macskcb = x4.macskcb AND x1.ma_lk = x4.ma_lk
WHERE x4.ngay_kq IS NOT NULL AND (x4.ngay_kq < x1.ngay_vao OR x4.ngay_kq > x1.ngay_ra)
