-- object: payment.m21
-- grain: one row per technical service per facility and settlement month: XML3 lines with a MA_DICH_VU and no MA_VAT_TU of the claims in payment.claims grouped by (ma_nhom, ma_dich_vu, ten_dich_vu, don_vi_tinh, don_gia_bv, don_gia_bh, tyle_tt_dv)
-- description: Form 21/BHYT, the technical services (DVKT) used for BHYT patients, including examinations (MA_NHOM 13), bed-days (14-16) and transport (12): every XML3 line with a MA_DICH_VU and no MA_VAT_TU (supply lines are in payment.m19), quantities split outpatient / inpatient and every amount of the lines summed. Names, units and prices are those the facility claimed. A line with neither code (a review finding) is in neither form. Lines of withdrawn (MA_DOITUONG_KCB 8) and rejected claims are not counted.
-- source: ANCHORS.md §2.5 (forms 19/20/21; the exact official column list is unconfirmed); STANDARD.md §3.3 (XML3 fields), §5.1 (line amounts)
-- column stt: row number within facility and settlement month, by MA_NHOM then service code
-- column ma_nhom: cost group (MA_NHOM)
-- column ma_dich_vu: service code (MA_DICH_VU)
-- column ten_dich_vu: service name as claimed (TEN_DICH_VU)
-- column don_vi_tinh: unit (DON_VI_TINH)
-- column don_gia_bv: unit price at the hospital tariff (DON_GIA_BV)
-- column don_gia_bh: unit price payable by insurance (DON_GIA_BH)
-- column tyle_tt_dv: special payment ratio % of the line (TYLE_TT_DV: 2nd exam, shared bed, 2nd operation...); lines at different ratios are listed apart so quantity x price x ratio = amount
-- column so_luong_ngoaitru: quantity used for outpatients (C79a claims)
-- column so_luong_noitru: quantity used for inpatients (C80a claims)
-- column so_luong: total quantity (SO_LUONG)
-- column thanh_tien_bv: amount at hospital price (THANH_TIEN_BV)
-- column thanh_tien_bh: amount within the insurance scope (THANH_TIEN_BH)
-- column t_nguonkhac: paid by other sources (T_NGUONKHAC)
-- column t_bntt: patient self-pay outside the insurance scope (T_BNTT)
-- column t_bncct: patient co-payment (T_BNCCT)
-- column t_bhtt: amount claimed from social insurance (T_BHTT)
-- column macskcb: facility code (filter column of the report)
-- column nam_qt: settlement year (NAM_QT of the claim)
-- column thang_qt: settlement month (THANG_QT of the claim)
-- report: m21
-- report_title: Mẫu 21/BHYT: thống kê dịch vụ kỹ thuật thanh toán BHYT
-- report_order: macskcb, stt
-- report_label: ten_dich_vu
-- report_frozen: 3
-- title stt: STT | int
-- title ma_dich_vu: Mã dịch vụ
-- title ten_dich_vu: Tên dịch vụ
-- title don_vi_tinh: Đơn vị tính
-- title don_gia_bv: Đơn giá BV | price
-- title don_gia_bh: Đơn giá BHYT | price
-- title tyle_tt_dv: Tỷ lệ thanh toán DV (%) | percent
-- title so_luong_ngoaitru: Số lượng ngoại trú | quantity
-- title so_luong_noitru: Số lượng nội trú | quantity
-- title so_luong: Tổng số lượng | quantity
-- title thanh_tien_bv: Thành tiền BV | money
-- title thanh_tien_bh: Thành tiền BHYT | money
-- title t_nguonkhac: Nguồn khác chi trả | money
-- title t_bntt: Người bệnh tự trả | money
-- title t_bncct: Người bệnh cùng chi trả | money
-- title t_bhtt: Đề nghị BHXH thanh toán | money
-- title ma_nhom: Mã nhóm
-- title macskcb: Mã CSKCB
CREATE OR REPLACE VIEW payment.m21 AS
SELECT
    row_number() OVER (
        PARTITION BY c.macskcb, c.nam_qt, c.thang_qt
        ORDER BY try_cast(l.ma_nhom AS INTEGER), l.ma_nhom, l.ma_dich_vu, l.ten_dich_vu, l.don_vi_tinh,
            l.don_gia_bv, l.don_gia_bh, l.tyle_tt_dv
    )::INTEGER AS stt,
    l.ma_nhom,
    l.ma_dich_vu,
    l.ten_dich_vu,
    l.don_vi_tinh,
    l.don_gia_bv,
    l.don_gia_bh,
    l.tyle_tt_dv,
    coalesce(sum(l.so_luong) FILTER (WHERE NOT c.noi_tru), 0)::DECIMAL(18, 3) AS so_luong_ngoaitru,
    coalesce(sum(l.so_luong) FILTER (WHERE c.noi_tru), 0)::DECIMAL(18, 3) AS so_luong_noitru,
    coalesce(sum(l.so_luong), 0)::DECIMAL(18, 3) AS so_luong,
    coalesce(sum(l.thanh_tien_bv), 0)::DECIMAL(18, 2) AS thanh_tien_bv,
    coalesce(sum(l.thanh_tien_bh), 0)::DECIMAL(18, 2) AS thanh_tien_bh,
    coalesce(sum(l.t_nguonkhac), 0)::DECIMAL(18, 2) AS t_nguonkhac,
    coalesce(sum(l.t_bntt), 0)::DECIMAL(18, 2) AS t_bntt,
    coalesce(sum(l.t_bncct), 0)::DECIMAL(18, 2) AS t_bncct,
    coalesce(sum(l.t_bhtt), 0)::DECIMAL(18, 2) AS t_bhtt,
    c.macskcb,
    c.nam_qt,
    c.thang_qt
FROM (
    SELECT
        * REPLACE (
            trim(ma_nhom) AS ma_nhom,
            nullif(trim(ma_dich_vu), '') AS ma_dich_vu,
            nullif(trim(ma_vat_tu), '') AS ma_vat_tu,
            trim(ten_dich_vu) AS ten_dich_vu,
            trim(ten_vat_tu) AS ten_vat_tu,
            trim(don_vi_tinh) AS don_vi_tinh
        )
    FROM core.xml3
) AS l
JOIN payment.claims AS c
    ON c.macskcb = l.macskcb AND c.ma_lk = l.ma_lk AND c.source_sha256 = l.source_sha256
WHERE l.ma_dich_vu IS NOT NULL AND l.ma_vat_tu IS NULL
GROUP BY
    c.macskcb, c.nam_qt, c.thang_qt, l.ma_nhom, l.ma_dich_vu, l.ten_dich_vu, l.don_vi_tinh, l.don_gia_bv,
    l.don_gia_bh, l.tyle_tt_dv
