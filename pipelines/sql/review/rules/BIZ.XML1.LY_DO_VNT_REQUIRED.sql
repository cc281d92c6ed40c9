-- code: BIZ.XML1.LY_DO_VNT_REQUIRED
-- severity: warning
-- table: XML1
-- field: LY_DO_VNT
-- message_vi: Điều trị nội trú (MA_LOAI_KCB 03, 04, 09) có NGAY_VAO_NOI_TRU nhưng thiếu lý do vào nội trú (LY_DO_VNT)
-- message_en: Inpatient care (MA_LOAI_KCB 03, 04, 09) with NGAY_VAO_NOI_TRU lacks the reason for admission (LY_DO_VNT)
-- grain: one row per offending claim
-- source: STANDARD.md §5.4 XML1 (LY_DO_VNT required when NGAY_VAO_NOI_TRU is filled, Check_Valid; applies to inpatient and day inpatient, QĐ 4750 Bảng 1 #23; tracnn)
-- enabled: true
-- amount: 0: the finding is about a companion document or a field the payment does not depend on; nothing the fund pays changes when it is corrected
SELECT
    macskcb,
    ma_lk,
    'XML1' AS loaihoso,
    'LY_DO_VNT' AS field,
    concat('MA_LOAI_KCB=', ma_loai_kcb, '; LY_DO_VNT empty') AS value,
    0 AS amount
FROM chk.xml1
WHERE ma_loai_kcb IN ('03', '04', '09') AND ngay_vao_noi_tru IS NOT NULL AND nullif(trim(ly_do_vnt), '') IS NULL
