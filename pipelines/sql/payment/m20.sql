-- object: payment.m20
-- grain: one row per drug item per facility and settlement month: XML2 lines of the claims in payment.claims grouped by (ma_nhom, ma_thuoc, ten_thuoc, ham_luong, duong_dung, so_dang_ky, don_vi_tinh, don_gia)
-- description: Form 20/BHYT, the drugs (and oxygen, blood, blood products) used for BHYT patients: quantities split outpatient / inpatient (payment.claims.noi_tru) and every amount of the lines summed. Names, units and prices are those the facility claimed (XML2), not a catalogue's. Lines of withdrawn (MA_DOITUONG_KCB 8) and rejected claims are not counted.
-- source: ANCHORS.md §2.5 (forms 19/20/21: code, name, unit, quantity, unit price, amounts; the exact official column list is unconfirmed); STANDARD.md §3.3 (XML2 fields), §5.1 (line amounts)
-- column stt: row number within facility and settlement month, by MA_NHOM then drug code
-- column ma_nhom: cost group of the drug (MA_NHOM: 4 drug, 7/17 blood, legacy 5/6)
-- column ma_thuoc: active-ingredient code (MA_THUOC)
-- column ten_thuoc: drug name as claimed (TEN_THUOC)
-- column ham_luong: strength (HAM_LUONG)
-- column duong_dung: route code (DUONG_DUNG)
-- column so_dang_ky: registration number (SO_DANG_KY)
-- column don_vi_tinh: unit (DON_VI_TINH)
-- column don_gia: unit price (DON_GIA)
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
-- report: m20
-- report_title: Mẫu 20/BHYT: thống kê thuốc thanh toán BHYT
-- report_order: macskcb, stt
-- report_label: ten_thuoc
-- report_frozen: 3
-- title stt: STT | int
-- title ma_thuoc: Mã thuốc
-- title ten_thuoc: Tên thuốc
-- title ham_luong: Hàm lượng
-- title duong_dung: Đường dùng
-- title so_dang_ky: Số đăng ký
-- title don_vi_tinh: Đơn vị tính
-- title don_gia: Đơn giá | price
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
CREATE OR REPLACE VIEW payment.m20 AS
SELECT
    row_number() OVER (
        PARTITION BY c.macskcb, c.nam_qt, c.thang_qt
        ORDER BY try_cast(l.ma_nhom AS INTEGER), l.ma_nhom, l.ma_thuoc, l.ten_thuoc, l.ham_luong,
            l.duong_dung, l.so_dang_ky, l.don_vi_tinh, l.don_gia
    )::INTEGER AS stt,
    l.ma_nhom,
    l.ma_thuoc,
    l.ten_thuoc,
    l.ham_luong,
    l.duong_dung,
    l.so_dang_ky,
    l.don_vi_tinh,
    l.don_gia,
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
            trim(ma_thuoc) AS ma_thuoc,
            trim(ten_thuoc) AS ten_thuoc,
            trim(ham_luong) AS ham_luong,
            trim(duong_dung) AS duong_dung,
            trim(so_dang_ky) AS so_dang_ky,
            trim(don_vi_tinh) AS don_vi_tinh
        )
    FROM core.xml2
) AS l
JOIN payment.claims AS c
    ON c.macskcb = l.macskcb AND c.ma_lk = l.ma_lk AND c.source_sha256 = l.source_sha256
GROUP BY
    c.macskcb, c.nam_qt, c.thang_qt, l.ma_nhom, l.ma_thuoc, l.ten_thuoc, l.ham_luong, l.duong_dung,
    l.so_dang_ky, l.don_vi_tinh, l.don_gia
