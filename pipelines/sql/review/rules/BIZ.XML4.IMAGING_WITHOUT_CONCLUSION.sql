-- code: BIZ.XML4.IMAGING_WITHOUT_CONCLUSION
-- severity: error
-- table: XML4
-- field: MO_TA, KET_LUAN
-- message_vi: Kết quả chẩn đoán hình ảnh, thăm dò chức năng (MA_NHOM 2, 3) thiếu mô tả (MO_TA) hoặc kết luận (KET_LUAN)
-- message_en: An imaging or functional-test result (MA_NHOM 2, 3) lacks its description (MO_TA) or conclusion (KET_LUAN)
-- grain: one row per offending result line
-- source: QĐ 130/4750 Bảng 4 #7–8 (MO_TA, KET_LUAN: the description and conclusion of imaging and functional tests); public practice: tracnn TR-CHK4
-- enabled: true
-- note: amount = T_BHTT of the XML3 line of the same service
-- amount: the T_BHTT of the XML3 imaging line the result belongs to (same MA_DICH_VU): imaging without description and conclusion is not paid
SELECT
    x4.macskcb,
    x4.ma_lk,
    'XML4' AS loaihoso,
    'MO_TA, KET_LUAN' AS field,
    concat(
        'STT ', x4.stt, ': MA_DICH_VU=', x4.ma_dich_vu, CASE WHEN nullif(trim(x4.mo_ta), '') IS NULL THEN ' no MO_TA' ELSE '' END,
        CASE WHEN nullif(trim(x4.ket_luan), '') IS NULL THEN ' no KET_LUAN' ELSE '' END
    ) AS value,
    coalesce((SELECT max(greatest(x3.t_bhtt, 0)) FROM chk.xml3 AS x3
              WHERE x3.macskcb = x4.macskcb AND x3.ma_lk = x4.ma_lk AND x3.ma_dich_vu = x4.ma_dich_vu), 0) AS amount
FROM chk.xml4 AS x4
WHERE EXISTS (
        SELECT 1 FROM chk.xml3 AS x3
        WHERE x3.macskcb = x4.macskcb AND x3.ma_lk = x4.ma_lk AND x3.ma_dich_vu = x4.ma_dich_vu AND x3.ma_nhom IN ('2', '3')
    )
    AND (nullif(trim(x4.mo_ta), '') IS NULL OR nullif(trim(x4.ket_luan), '') IS NULL)
