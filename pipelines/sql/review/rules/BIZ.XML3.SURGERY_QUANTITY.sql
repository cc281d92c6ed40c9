-- code: BIZ.XML3.SURGERY_QUANTITY
-- severity: error
-- table: XML3
-- field: SO_LUONG
-- message_vi: Dòng phẫu thuật (MA_NHOM 8) có số lượng lớn hơn 1: mỗi ca phẫu thuật là một dòng (ca thứ hai trở đi có TYLE_TT_DV riêng)
-- message_en: A surgery line (MA_NHOM 8) has a quantity above 1: each operation is a line of its own (the second and later ones with their own TYLE_TT_DV)
-- grain: one row per offending line
-- source: QĐ 4750 Bảng 3 #17 (TYLE_TT_DV for several operations in one session, STANDARD.md §4.6): one line per operation
-- enabled: true
-- note: amount = the line's T_BHTT beyond one operation
-- amount: the line's T_BHTT × (SO_LUONG − 1) / SO_LUONG (ratio rounded to 10 places): an operation is paid once
SELECT
    macskcb,
    ma_lk,
    'XML3' AS loaihoso,
    'SO_LUONG' AS field,
    concat('STT ', stt, ': MA_DICH_VU=', ma_dich_vu, ' SO_LUONG=', so_luong) AS value,
    greatest(coalesce(t_bhtt, 0), 0) * CAST(round((so_luong - 1) / so_luong, 10) AS DECIMAL(11, 10)) AS amount
FROM chk.xml3
WHERE ma_nhom = '8' AND so_luong > 1
