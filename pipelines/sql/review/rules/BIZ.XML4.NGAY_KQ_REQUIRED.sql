-- code: BIZ.XML4.NGAY_KQ_REQUIRED
-- severity: error
-- table: XML4
-- field: NGAY_KQ
-- message_vi: Kết quả cận lâm sàng có giá trị (GIA_TRI) nhưng thiếu thời điểm có kết quả (NGAY_KQ)
-- message_en: A paraclinical result has a value (GIA_TRI) but no result time (NGAY_KQ)
-- grain: one row per offending line
-- source: STANDARD.md §5.4 XML4 (NGAY_KQ required when GIA_TRI is filled, Check_Valid QĐ 4750)
-- enabled: true
-- amount: the T_BHTT of the XML3 service line the result belongs to (same MA_DICH_VU; the dearest when several), as BIZ.XML4.IMAGING_WITHOUT_CONCLUSION: a service without a dated result is not paid
SELECT
    macskcb,
    ma_lk,
    'XML4' AS loaihoso,
    'NGAY_KQ' AS field,
    concat('STT ', stt, ': MA_DICH_VU=', coalesce(ma_dich_vu, '(empty)'), '; NGAY_KQ empty') AS value,
    coalesce((SELECT max(greatest(coalesce(x3.t_bhtt, 0), 0))
        FROM chk.xml3 AS x3
        WHERE x3.macskcb = x4.macskcb
        AND x3.ma_lk = x4.ma_lk
        AND x3.ma_dich_vu = x4.ma_dich_vu), 0) AS amount
FROM chk.xml4 AS x4
WHERE nullif(trim(gia_tri), '') IS NOT NULL AND ngay_kq IS NULL
