-- code: BIZ.XML4.NGAY_KQ_REQUIRED
-- severity: error
-- table: XML4
-- field: NGAY_KQ
-- message_vi: Kết quả cận lâm sàng có giá trị (GIA_TRI) nhưng thiếu thời điểm có kết quả (NGAY_KQ)
-- message_en: A paraclinical result has a value (GIA_TRI) but no result time (NGAY_KQ)
-- grain: one row per offending line
-- source: STANDARD.md §5.4 XML4 (NGAY_KQ required when GIA_TRI is filled, Check_Valid QĐ 4750)
-- enabled: true
SELECT
    macskcb,
    ma_lk,
    'XML4' AS loaihoso,
    'NGAY_KQ' AS field,
    concat('STT ', stt, ': MA_DICH_VU=', coalesce(ma_dich_vu, '(empty)'), '; NGAY_KQ empty') AS value
FROM chk.xml4
WHERE nullif(trim(gia_tri), '') IS NOT NULL AND ngay_kq IS NULL
