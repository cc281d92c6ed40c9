-- object: payment.m21
-- grain: one row per item per facility, settlement month, setting (noi_tru) and section (phan_nhom): lines of the claims in payment.claims grouped by (ma_nhom, ma_dich_vu, ten_dich_vu, don_vi_tinh, don_gia_bv, don_gia_bh, tyle_tt_dv, tyle_tt_bh)
-- description: Form 21/BHYT, the technical services (DVKT) used for BHYT patients, including examinations (MA_NHOM 13), bed-days (14-16) and transport (12): every XML3 line with a MA_DICH_VU and no MA_VAT_TU (supply lines are in payment.m19), in the column order of the form as the QĐ 1399-era hospital systems print it: code, name, unit, quantities (outpatient, inpatient), unit price, ratios, amounts. Lines at different ratios (TYLE_TT_DV: 2nd exam, shared bed, 2nd operation; TYLE_TT_BH) are listed apart so quantity x price x ratio = amount. A line with neither code (a review finding) is in neither form. Lines of withdrawn (MA_DOITUONG_KCB 8) and rejected claims are not counted. Money is rounded to whole đồng per claim line (half away from zero, docs/payment-forms.md "Rounding") before it is summed, so every printed total is the sum of printed lines. The grain includes the setting and the section so that `bhyt-etl report` can filter on them; the report adds the rows of one item up over them (and over the months of a quarter or range) before printing, as the form has one line per item.
-- source: ANCHORS.md §2.5 (forms 19/20/21); docs/payment-forms.md (21/BHYT columns as HIS exporters of the QĐ 1399 family print them); STANDARD.md §3.3 (XML3 fields), §5.1 (line amounts)
-- column stt: row number within facility and settlement month, by MA_NHOM then item code
-- column ma_nhom: cost group (MA_NHOM)
-- column ma_dich_vu: service code (MA_DICH_VU)
-- column ten_dich_vu: service name as claimed (TEN_DICH_VU)
-- column don_vi_tinh: unit (DON_VI_TINH)
-- column don_gia_bv: unit price at the hospital tariff (DON_GIA_BV)
-- column don_gia_bh: unit price payable by insurance (DON_GIA_BH)
-- column tyle_tt_dv: special payment ratio % of the line (TYLE_TT_DV: 2nd exam, shared bed, 2nd operation...)
-- column tyle_tt_bh: payment ratio % of the insurance for the service (TYLE_TT_BH)
-- column so_luong_ngoaitru: quantity used for outpatients (C79a claims)
-- column so_luong_noitru: quantity used for inpatients (C80a claims)
-- column so_luong: total quantity (SO_LUONG)
-- column thanh_tien_bv: amount at hospital price (THANH_TIEN_BV)
-- column thanh_tien_bh: amount within the insurance scope (THANH_TIEN_BH)
-- column t_nguonkhac: paid by other sources (T_NGUONKHAC)
-- column t_bntt: patient self-pay outside the insurance scope (T_BNTT)
-- column t_bncct: patient co-payment (T_BNCCT)
-- column t_bhtt: amount claimed from social insurance (T_BHTT)
-- column so_luot: number of claims with the item in the row (distinct MA_LK of the facility): what `bhyt-etl report` on the analytics copy counts to publish only rows of at least k claims (small cells, docs/payment-forms.md "Small cells"); not printed
-- column macskcb: facility code (filter column of the report)
-- column nam_qt: settlement year (NAM_QT of the claim)
-- column thang_qt: settlement month (THANG_QT of the claim)
-- column noi_tru: true when the lines come from inpatient claims (C80a), false from outpatient (C79a): the report's filter --setting
-- column phan_nhom: section A, B or C of the claims (payment.claims): the report's filter --section
-- report: m21
-- report_title: Mẫu 21/BHYT: thống kê dịch vụ kỹ thuật thanh toán BHYT
-- report_order: macskcb, stt
-- report_label: ten_dich_vu
-- report_frozen: 3
-- title stt: STT | int
-- title ma_dich_vu: Mã dịch vụ
-- title ten_dich_vu: Tên dịch vụ y tế
-- title don_vi_tinh: Đơn vị tính
-- title so_luong_ngoaitru: Số lượng ngoại trú | quantity
-- title so_luong_noitru: Số lượng nội trú | quantity
-- title so_luong: Tổng số lượng | quantity
-- title don_gia_bv: Đơn giá BV | price
-- title don_gia_bh: Đơn giá BHYT | price
-- title tyle_tt_dv: Tỷ lệ thanh toán DV | percent
-- title tyle_tt_bh: Tỷ lệ thanh toán BHYT | percent
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
        ORDER BY try_cast(l.ma_nhom AS INTEGER), l.ma_nhom, l.ma_dich_vu, l.ten_dich_vu, l.don_vi_tinh, l.don_gia_bv, l.don_gia_bh, l.tyle_tt_dv, l.tyle_tt_bh, c.noi_tru, c.phan_nhom
    )::INTEGER AS stt,
    l.ma_nhom AS ma_nhom,
    l.ma_dich_vu AS ma_dich_vu,
    l.ten_dich_vu AS ten_dich_vu,
    l.don_vi_tinh AS don_vi_tinh,
    l.don_gia_bv AS don_gia_bv,
    l.don_gia_bh AS don_gia_bh,
    l.tyle_tt_dv AS tyle_tt_dv,
    l.tyle_tt_bh AS tyle_tt_bh,
    coalesce(sum(l.so_luong) FILTER (WHERE NOT c.noi_tru), 0)::DECIMAL(18, 3) AS so_luong_ngoaitru,
    coalesce(sum(l.so_luong) FILTER (WHERE c.noi_tru), 0)::DECIMAL(18, 3) AS so_luong_noitru,
    coalesce(sum(l.so_luong), 0)::DECIMAL(18, 3) AS so_luong,
    coalesce(sum(round(coalesce(l.thanh_tien_bv, 0))), 0)::DECIMAL(18, 0) AS thanh_tien_bv,
    coalesce(sum(round(coalesce(l.thanh_tien_bh, 0))), 0)::DECIMAL(18, 0) AS thanh_tien_bh,
    coalesce(sum(round(coalesce(l.t_nguonkhac, 0))), 0)::DECIMAL(18, 0) AS t_nguonkhac,
    coalesce(sum(round(coalesce(l.t_bntt, 0))), 0)::DECIMAL(18, 0) AS t_bntt,
    coalesce(sum(round(coalesce(l.t_bncct, 0))), 0)::DECIMAL(18, 0) AS t_bncct,
    coalesce(sum(round(coalesce(l.t_bhtt, 0))), 0)::DECIMAL(18, 0) AS t_bhtt,
    count(DISTINCT c.ma_lk)::BIGINT AS so_luot,
    c.macskcb,
    c.nam_qt,
    c.thang_qt,
    c.noi_tru,
    c.phan_nhom
FROM (
    SELECT
        * REPLACE (
            trim(ma_nhom) AS ma_nhom,
            nullif(trim(ma_dich_vu), '') AS ma_dich_vu,
            nullif(trim(ma_vat_tu), '') AS ma_vat_tu,
            trim(ten_dich_vu) AS ten_dich_vu,
            trim(don_vi_tinh) AS don_vi_tinh
        )
    FROM core.xml3
) AS l
JOIN payment.claims AS c
    ON c.macskcb = l.macskcb AND c.ma_lk = l.ma_lk AND c.source_sha256 = l.source_sha256
WHERE l.ma_dich_vu IS NOT NULL AND l.ma_vat_tu IS NULL
GROUP BY
    c.macskcb,
    c.nam_qt,
    c.thang_qt,
    c.noi_tru,
    c.phan_nhom,
    l.ma_nhom,
    l.ma_dich_vu,
    l.ten_dich_vu,
    l.don_vi_tinh,
    l.don_gia_bv,
    l.don_gia_bh,
    l.tyle_tt_dv,
    l.tyle_tt_bh
