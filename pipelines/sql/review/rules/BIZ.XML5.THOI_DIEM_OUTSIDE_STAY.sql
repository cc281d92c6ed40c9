-- code: BIZ.XML5.THOI_DIEM_OUTSIDE_STAY
-- severity: warning
-- table: XML5
-- field: THOI_DIEM_DBLS
-- message_vi: Thời điểm diễn biến lâm sàng (THOI_DIEM_DBLS) nằm ngoài đợt điều trị (trước NGAY_VAO hoặc sau NGAY_RA)
-- message_en: A progress note (THOI_DIEM_DBLS) lies outside the episode (before NGAY_VAO or after NGAY_RA)
-- grain: one row per offending line
-- source: STANDARD.md §3.3 XML5 #7 and §5.3 (events of the episode lie between admission and discharge)
-- enabled: true
-- amount: 0: the finding is about a companion document or a field the payment does not depend on; nothing the fund pays changes when it is corrected
SELECT
    l.macskcb,
    l.ma_lk,
    'XML5' AS loaihoso,
    'THOI_DIEM_DBLS' AS field,
    concat(
        'STT ', l.stt, ': THOI_DIEM_DBLS=', strftime(l.thoi_diem_dbls, '%Y%m%d%H%M'),
        '; NGAY_VAO=', strftime(x1.ngay_vao, '%Y%m%d%H%M'), '; NGAY_RA=', strftime(x1.ngay_ra, '%Y%m%d%H%M')
    ) AS value,
    0 AS amount
FROM chk.xml5 AS l
JOIN chk.xml1 AS x1 ON x1.macskcb = l.macskcb AND x1.ma_lk = l.ma_lk
WHERE l.thoi_diem_dbls < x1.ngay_vao OR l.thoi_diem_dbls > x1.ngay_ra
