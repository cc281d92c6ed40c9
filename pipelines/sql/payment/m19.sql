-- object: payment.m19
-- grain: one row per item per facility, settlement month, setting (noi_tru) and section (phan_nhom): lines of the claims in payment.claims grouped by (ma_nhom, ma_vat_tu, ten_vat_tu, don_vi_tinh, don_gia_bv, don_gia_bh, tyle_tt_dv, tyle_tt_bh)
-- description: Form 19/BHYT, the medical supplies (VTYT) paid by BHYT: every XML3 line that names a supply (MA_VAT_TU not empty; such a line may also carry the MA_DICH_VU of the service that used it), in the column order of the form as the QĐ 1399-era hospital systems print it: code, name in the Ministry's list (ref.supplies), trade name as claimed, packaging (the catalogue's quy_cach when it has one, else empty), unit, quantities (inpatient, outpatient), purchase price (DON_GIA_BV), BHYT price (DON_GIA_BH), payment ratio TYLE_TT_BH, amounts. Lines at different ratios (TYLE_TT_BH and the special ratio TYLE_TT_DV) are listed apart. Lines of withdrawn (MA_DOITUONG_KCB 8) and rejected claims are not counted. Money is rounded to whole đồng per claim line (half away from zero, docs/payment-forms.md "Rounding") before it is summed, so every printed total is the sum of printed lines. The grain includes the setting and the section so that `bhyt-etl report` can filter on them; the report adds the rows of one item up over them (and over the months of a quarter or range) before printing, as the form has one line per item.
-- source: ANCHORS.md §2.5 (forms 19/20/21); docs/payment-forms.md (19/BHYT columns as HIS exporters of the QĐ 1399 family print them); STANDARD.md §3.3 (XML3 note: a supply line puts the supply in MA_VAT_TU), §5.1 (line amounts)
-- param supply_catalogue: a relation (ma_vat_tu, ten_vat_tu_dm, quy_cach) from the supply catalogue (payment.catalogue_relations: ref.supplies; a column the catalogue lacks is empty)
-- column stt: row number within facility and settlement month, by MA_NHOM then item code
-- column ma_nhom: cost group (MA_NHOM: 10 supply, legacy 11 supply paid at a ratio)
-- column ma_vat_tu: supply code (MA_VAT_TU)
-- column ten_vat_tu_dm: supply name in the catalogue (ref.supplies.ten_vat_tu; empty when the code is not there)
-- column ten_vat_tu: trade name as claimed (TEN_VAT_TU)
-- column quy_cach: packaging from the catalogue (ref.supplies.quy_cach when it exists; else empty)
-- column don_vi_tinh: unit (DON_VI_TINH)
-- column don_gia_bv: purchase price, the unit price at the hospital tariff (DON_GIA_BV)
-- column don_gia_bh: unit price payable by insurance (DON_GIA_BH)
-- column tyle_tt_dv: special payment ratio % of the line (TYLE_TT_DV)
-- column tyle_tt_bh: payment ratio % of the insurance for the supply (TYLE_TT_BH)
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
-- report: m19
-- report_title: Mẫu 19/BHYT: thống kê vật tư y tế thanh toán BHYT
-- report_order: macskcb, stt
-- report_label: ten_vat_tu
-- report_frozen: 4
-- title stt: STT | int
-- title ma_vat_tu: Mã vật tư
-- title ten_vat_tu_dm: Tên VTYT theo danh mục
-- title ten_vat_tu: Tên thương mại
-- title quy_cach: Quy cách
-- title don_vi_tinh: Đơn vị tính
-- title so_luong_noitru: Số lượng nội trú | quantity
-- title so_luong_ngoaitru: Số lượng ngoại trú | quantity
-- title so_luong: Tổng số lượng | quantity
-- title don_gia_bv: Giá mua vào | price
-- title don_gia_bh: Giá thanh toán BHYT | price
-- title tyle_tt_bh: Tỷ lệ thanh toán BHYT | percent
-- title tyle_tt_dv: Tỷ lệ thanh toán DV | percent
-- title thanh_tien_bv: Thành tiền BV | money
-- title thanh_tien_bh: Thành tiền BHYT | money
-- title t_nguonkhac: Nguồn khác chi trả | money
-- title t_bntt: Người bệnh tự trả | money
-- title t_bncct: Người bệnh cùng chi trả | money
-- title t_bhtt: Đề nghị BHXH thanh toán | money
-- title ma_nhom: Mã nhóm
-- title macskcb: Mã CSKCB
CREATE OR REPLACE VIEW payment.m19 AS
SELECT
    row_number() OVER (
        PARTITION BY c.macskcb, c.nam_qt, c.thang_qt
        ORDER BY try_cast(l.ma_nhom AS INTEGER), l.ma_nhom, l.ma_vat_tu, l.ten_vat_tu, l.don_vi_tinh, l.don_gia_bv, l.don_gia_bh, l.tyle_tt_bh, l.tyle_tt_dv, c.noi_tru, c.phan_nhom
    )::INTEGER AS stt,
    l.ma_nhom AS ma_nhom,
    l.ma_vat_tu AS ma_vat_tu,
    s.ten_vat_tu_dm AS ten_vat_tu_dm,
    l.ten_vat_tu AS ten_vat_tu,
    s.quy_cach AS quy_cach,
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
            trim(ten_vat_tu) AS ten_vat_tu,
            trim(don_vi_tinh) AS don_vi_tinh
        )
    FROM core.xml3
) AS l
JOIN payment.claims AS c
    ON c.macskcb = l.macskcb AND c.ma_lk = l.ma_lk AND c.source_sha256 = l.source_sha256
LEFT JOIN ${supply_catalogue} AS s ON s.ma_vat_tu = l.ma_vat_tu
WHERE l.ma_vat_tu IS NOT NULL
GROUP BY
    c.macskcb,
    c.nam_qt,
    c.thang_qt,
    c.noi_tru,
    c.phan_nhom,
    l.ma_nhom,
    l.ma_vat_tu,
    s.ten_vat_tu_dm,
    l.ten_vat_tu,
    s.quy_cach,
    l.don_vi_tinh,
    l.don_gia_bv,
    l.don_gia_bh,
    l.tyle_tt_dv,
    l.tyle_tt_bh
