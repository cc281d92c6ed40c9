-- code: BIZ.XML3.PP_VO_CAM_REQUIRED
-- severity: warning
-- table: XML3
-- field: PP_VO_CAM
-- message_vi: Dòng phẫu thuật (MA_NHOM 8) thiếu phương pháp vô cảm (PP_VO_CAM)
-- message_en: A surgery line (MA_NHOM 8) lacks the anaesthesia method (PP_VO_CAM)
-- grain: one row per offending line
-- source: STANDARD.md §5.4 XML3 (PP_VO_CAM required for surgery, tracnn Qd130Xml3Checker) and §4.4
-- enabled: true
-- amount: 0: a coding or format error the facility corrects and resends; what the fund pays does not follow from this field (the lines' money is priced by the catalogue and formula rules)
SELECT
    macskcb,
    ma_lk,
    'XML3' AS loaihoso,
    'PP_VO_CAM' AS field,
    concat('STT ', stt, ': MA_NHOM=', coalesce(ma_nhom, '(empty)'), '; PP_VO_CAM empty') AS value,
    0 AS amount
FROM chk.xml3
WHERE ma_nhom = '8' AND nullif(trim(pp_vo_cam), '') IS NULL
