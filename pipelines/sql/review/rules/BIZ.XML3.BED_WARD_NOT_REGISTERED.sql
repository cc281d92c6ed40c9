-- code: BIZ.XML3.BED_WARD_NOT_REGISTERED
-- severity: error
-- table: XML3
-- field: MA_KHOA
-- message_vi: Ngày giường tính ở khoa (MA_KHOA) không có giường bệnh được duyệt trong danh mục khoa phòng - giường của cơ sở
-- message_en: A bed-day is billed in a ward (MA_KHOA) that has no approved beds in the facility's department and bed list
-- grain: one row per offending line
-- source: QĐ 130/4750 Bảng 3 #31–32 (MA_KHOA, MA_GIUONG of the bed); public practice: tracnn/qlbv_public department_bed_catalogs (GIUONG_PD …); data/catalogs/README.md (the facility's approved list, loaded with bhyt-etl catalog load)
-- enabled: true
-- amount: the line's T_BHTT: the fund does not pay a line that fails this check (as the catalogue rules that refuse a line: BIZ.XML2.DRUG_NOT_IN_LIST, BIZ.XML3.MA_MAY_NOT_REGISTERED)
SELECT
    b.macskcb,
    b.ma_lk,
    'XML3' AS loaihoso,
    'MA_KHOA' AS field,
    concat('STT ', b.stt, ': bed-day in MA_KHOA=', coalesce(b.ma_khoa, '(empty)'), ' without approved beds') AS value,
    greatest(coalesce(b.t_bhtt, 0), 0) AS amount
FROM chk.xml3 AS b
WHERE b.ma_nhom IN ('14', '15', '16') AND b.ngay_yl IS NOT NULL
    AND EXISTS (
        SELECT 1 FROM ref.catalog_versions AS v
        WHERE v.kind = 'beds' AND v.macskcb = b.macskcb AND CAST(b.ngay_yl AS DATE) BETWEEN v.valid_from AND v.valid_to
    )
    AND NOT EXISTS (
        SELECT 1 FROM ref.catalog_beds AS d
        WHERE d.macskcb = b.macskcb AND d.ma_khoa = trim(b.ma_khoa)
            AND CAST(b.ngay_yl AS DATE) BETWEEN d.valid_from AND d.valid_to
            AND coalesce(d.giuong_pd, 0) + coalesce(d.giuong_tk, 0) + coalesce(d.giuong_hstc, 0)
                + coalesce(d.giuong_hscc, 0) > 0
    )
