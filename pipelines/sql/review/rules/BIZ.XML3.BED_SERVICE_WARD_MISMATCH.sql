-- code: BIZ.XML3.BED_SERVICE_WARD_MISMATCH
-- severity: warning
-- table: XML3
-- field: MA_DICH_VU, MA_KHOA
-- message_vi: Mã giường bệnh (MA_DICH_VU dạng Kxx.yyyy) thuộc khoa Kxx nhưng dòng ngày giường ghi khoa khác (MA_KHOA): tiền giường tính theo loại giường của khoa người bệnh nằm điều trị
-- message_en: The bed service (MA_DICH_VU, shaped Kxx.yyyy) belongs to ward Kxx but the bed-day line names another ward (MA_KHOA): a bed-day is billed at the bed type of the ward the patient lies in
-- grain: one row per offending line
-- source: QĐ 130/4750 Bảng 3 #3 (MA_DICH_VU: the bed-day code of the shared code list) and #31 (MA_KHOA: the ward where the bed is used); public practice: tracnn/qlbv_public app/Services/Xml3176Xml3Checker.php checkBedGroupCodeConditions (INVALID_DEPARTMENT_CODE: the first component of the bed code must start the line's MA_KHOA)
-- enabled: true
-- note: bed codes whose first component is not a ward code (Kxx) are left alone; a line with several wards (MA_KHOA 'K03;K19') passes when any of them matches. amount = the line's T_BHTT (the bed type billed is not the ward's)
-- amount: the line's T_BHTT: the bed type billed is not one of the patient's ward
WITH beds AS (
    SELECT
        macskcb, ma_lk, stt, ma_dich_vu, ma_khoa, t_bhtt,
        upper(split_part(trim(ma_dich_vu), '.', 1)) AS bed_ward,
        list_transform(string_split(coalesce(ma_khoa, ''), ';'), lambda x: upper(trim(x))) AS wards
    FROM chk.xml3
    WHERE ma_nhom IN ('14', '15', '16') AND nullif(trim(ma_dich_vu), '') IS NOT NULL
)
SELECT
    macskcb,
    ma_lk,
    'XML3' AS loaihoso,
    'MA_DICH_VU' AS field,
    concat('STT ', stt, ': bed ', trim(ma_dich_vu), ' of ward ', bed_ward, '; MA_KHOA=', coalesce(ma_khoa, '(empty)')) AS value,
    CAST(greatest(coalesce(t_bhtt, 0), 0) AS DECIMAL(18, 2)) AS amount
FROM beds
WHERE regexp_matches(bed_ward, '^K\d{2}$')
    AND len(list_filter(wards, lambda w: w <> '')) > 0
    AND NOT list_bool_or(list_transform(wards, lambda w: starts_with(w, bed_ward)))
