-- code: BIZ.XML1.NGAY_VAO_NOI_TRU_REQUIRED
-- severity: warning
-- table: XML1
-- field: NGAY_VAO_NOI_TRU
-- message_vi: Điều trị ngoại trú, nội trú, nội trú ban ngày (MA_LOAI_KCB 02, 03, 04, 09) thiếu thời điểm vào điều trị (NGAY_VAO_NOI_TRU)
-- message_en: Outpatient treatment, inpatient or day-inpatient care (MA_LOAI_KCB 02, 03, 04, 09) lacks the treatment start (NGAY_VAO_NOI_TRU)
-- grain: one row per offending claim
-- source: STANDARD.md §3.3 XML1 #36 (time of the order for inpatient, day-inpatient or outpatient treatment) and §5.4 (tracnn requires it for inpatient types)
-- enabled: true
-- amount: 0: the finding is about a companion document or a field the payment does not depend on; nothing the fund pays changes when it is corrected
SELECT
    macskcb,
    ma_lk,
    'XML1' AS loaihoso,
    'NGAY_VAO_NOI_TRU' AS field,
    concat('MA_LOAI_KCB=', ma_loai_kcb, '; NGAY_VAO_NOI_TRU empty') AS value,
    0 AS amount
FROM chk.xml1
WHERE ma_loai_kcb IN ('02', '03', '04', '09') AND ngay_vao_noi_tru IS NULL
