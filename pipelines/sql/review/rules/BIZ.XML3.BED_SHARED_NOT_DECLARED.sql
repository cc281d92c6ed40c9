-- code: BIZ.XML3.BED_SHARED_NOT_DECLARED
-- severity: warning
-- table: XML3
-- field: MA_GIUONG, TYLE_TT_DV
-- message_vi: Cùng giường (MA_GIUONG) cùng khoa được tính trọn cho hai người bệnh có thời gian nằm trùng nhau: giường ghép phải tính 50% (TYLE_TT_DV)
-- message_en: The same bed (MA_GIUONG) of the same ward is billed in full for two patients whose stays overlap: a shared bed is paid at 50% (TYLE_TT_DV)
-- grain: one row per offending bed line and overlapping claim
-- source: STANDARD.md §4.6 TYLE_TT_DV (shared bed: 2 patients → quantity 0.5 / TYLE 50; QĐ 4750 Bảng 3 #17); QĐ 4750 Bảng 3 #32 (MA_GIUONG)
-- enabled: true
-- note: amount = half the bed line's T_BHTT (what a shared bed would not have been paid)
-- amount: half the bed line's T_BHTT: two patients in one bed are paid half a bed-day each (TT 39/2018 Điều 6)
WITH mine AS (
    SELECT b.macskcb, b.ma_lk, b.stt, b.ma_khoa, trim(unnest(string_split(b.ma_giuong, ';'))) AS bed, b.t_bhtt,
        x1.ngay_vao, x1.ngay_ra
    FROM chk.xml3 AS b
    JOIN chk.xml1 AS x1 ON x1.macskcb = b.macskcb AND x1.ma_lk = b.ma_lk
    WHERE b.ma_nhom = '15' AND coalesce(b.tyle_tt_dv, 100) = 100 AND nullif(trim(b.ma_giuong), '') IS NOT NULL
),
others AS (
    SELECT b.macskcb, b.ma_lk, b.ma_khoa, trim(unnest(string_split(b.ma_giuong, ';'))) AS bed, x1.ngay_vao, x1.ngay_ra
    FROM core.xml3 AS b
    JOIN core.claim_current AS c ON c.macskcb = b.macskcb AND c.ma_lk = b.ma_lk AND c.source_sha256 = b.source_sha256
    JOIN core.xml1 AS x1 ON x1.macskcb = b.macskcb AND x1.ma_lk = b.ma_lk
    WHERE b.ma_nhom = '15' AND coalesce(b.tyle_tt_dv, 100) = 100 AND nullif(trim(b.ma_giuong), '') IS NOT NULL
        AND coalesce(x1.ma_doituong_kcb, '') <> '8'
)
SELECT
    m.macskcb,
    m.ma_lk,
    'XML3' AS loaihoso,
    'MA_GIUONG, TYLE_TT_DV' AS field,
    concat('STT ', m.stt, ': MA_KHOA=', m.ma_khoa, ' MA_GIUONG=', m.bed, ' also billed in full on claim ', o.ma_lk) AS value,
    greatest(coalesce(m.t_bhtt, 0), 0) * 0.5 AS amount
FROM mine AS m
JOIN others AS o
    ON o.macskcb = m.macskcb AND o.ma_khoa = m.ma_khoa AND o.bed = m.bed AND o.ma_lk <> m.ma_lk
    AND o.ngay_vao < m.ngay_ra AND m.ngay_vao < o.ngay_ra
