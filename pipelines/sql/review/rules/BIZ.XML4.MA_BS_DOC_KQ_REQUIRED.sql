-- code: BIZ.XML4.MA_BS_DOC_KQ_REQUIRED
-- severity: error
-- table: XML4
-- field: MA_BS_DOC_KQ
-- message_vi: Kết quả cận lâm sàng không có người đọc kết quả (MA_BS_DOC_KQ)
-- message_en: A paraclinical result has no practitioner who read it (MA_BS_DOC_KQ)
-- grain: one row per offending result line
-- source: QĐ 130/4750 Bảng 4 #10 (MA_BS_DOC_KQ: the practitioner who read the result); public practice: tracnn TR-CHK4
-- enabled: true
-- note: amount = T_BHTT of the XML3 line of the same service
-- amount: the T_BHTT of the XML3 service line the result belongs to (same MA_DICH_VU): a result nobody read is not paid
SELECT
    x4.macskcb,
    x4.ma_lk,
    'XML4' AS loaihoso,
    'MA_BS_DOC_KQ' AS field,
    concat('STT ', x4.stt, ': MA_DICH_VU=', x4.ma_dich_vu, ' result without MA_BS_DOC_KQ') AS value,
    coalesce((SELECT max(greatest(x3.t_bhtt, 0)) FROM chk.xml3 AS x3
              WHERE x3.macskcb = x4.macskcb AND x3.ma_lk = x4.ma_lk AND x3.ma_dich_vu = x4.ma_dich_vu), 0) AS amount
FROM chk.xml4 AS x4
WHERE nullif(trim(x4.ma_bs_doc_kq), '') IS NULL
    AND (nullif(trim(x4.gia_tri), '') IS NOT NULL OR nullif(trim(x4.ket_luan), '') IS NOT NULL OR nullif(trim(x4.mo_ta), '') IS NOT NULL)
