-- code: BIZ.XML3.NGUOI_THUC_HIEN_REQUIRED
-- severity: error
-- table: XML3
-- field: NGUOI_THUC_HIEN
-- message_vi: Dịch vụ xét nghiệm, CĐHA, TDCN, phẫu thuật, thủ thuật (MA_NHOM 1, 2, 3, 8, 18) thiếu mã người thực hiện (NGUOI_THUC_HIEN)
-- message_en: A test, imaging, functional, surgical or procedure line (MA_NHOM 1, 2, 3, 8, 18) lacks the performer (NGUOI_THUC_HIEN)
-- grain: one row per offending line
-- source: STANDARD.md §5.4 XML3 (Check_Valid QĐ 4750 Bắt buộc; tracnn "Thiếu người thực hiện") and §4.4
-- enabled: true
-- amount: the line's T_BHTT: the fund does not pay a line that fails this check (as the catalogue rules that refuse a line: BIZ.XML2.DRUG_NOT_IN_LIST, BIZ.XML3.MA_MAY_NOT_REGISTERED)
SELECT
    macskcb,
    ma_lk,
    'XML3' AS loaihoso,
    'NGUOI_THUC_HIEN' AS field,
    concat('STT ', stt, ': MA_NHOM=', coalesce(ma_nhom, '(empty)'), '; NGUOI_THUC_HIEN empty') AS value,
    greatest(coalesce(t_bhtt, 0), 0) AS amount
FROM chk.xml3
WHERE ma_nhom IN ('1', '2', '3', '8', '18') AND nullif(trim(nguoi_thuc_hien), '') IS NULL
