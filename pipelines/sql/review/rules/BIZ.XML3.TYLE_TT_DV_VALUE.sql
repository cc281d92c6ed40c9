-- code: BIZ.XML3.TYLE_TT_DV_VALUE
-- severity: warning
-- table: XML3
-- field: TYLE_TT_DV
-- message_vi: TYLE_TT_DV không thuộc các tỷ lệ quy định cho nhóm chi phí (khám: 100/30/10/0; phẫu thuật, thủ thuật: 100/80/50; giường: 100/50/33)
-- message_en: TYLE_TT_DV is not one of the rates the standard gives for the cost group (exam 100/30/10/0; surgery, procedures 100/80/50; beds 100/50/33)
-- grain: one row per offending line
-- source: STANDARD.md §4.1 TYLE_TT_DV (QĐ 4750 Bảng 3 #17); other groups may use any of those rates
-- enabled: true
-- amount: 0 (not estimated): the rate is not one the group allows, but which rate is right is not known; the THANH_TIEN_BH formula rule prices a line whose amount does not follow its rate
SELECT
    macskcb,
    ma_lk,
    'XML3' AS loaihoso,
    'TYLE_TT_DV' AS field,
    concat('STT ', stt, ': MA_NHOM=', ma_nhom, '; TYLE_TT_DV=', tyle_tt_dv) AS value,
    0 AS amount
FROM chk.xml3
WHERE tyle_tt_dv IS NOT NULL
  AND NOT (
      CASE
          WHEN ma_nhom = '13' THEN tyle_tt_dv IN (100, 30, 10, 0)
          WHEN ma_nhom IN ('8', '18') THEN tyle_tt_dv IN (100, 80, 50)
          WHEN ma_nhom IN ('14', '15', '16') THEN tyle_tt_dv IN (100, 50, 33)
          ELSE tyle_tt_dv IN (100, 80, 50, 33, 30, 10, 0)
      END
  )
