-- object: payment.m20
-- grain: one row per item per facility, settlement month, setting (noi_tru) and section (phan_nhom): lines of the claims in payment.claims grouped by (ma_nhom, ma_thuoc, ten_thuoc, ham_luong, duong_dung, dang_bao_che, so_dang_ky, don_vi_tinh, don_gia, tyle_tt_bh)
-- description: Form 20/BHYT, the drugs (and oxygen, blood, blood products) used for BHYT patients, in the column order of the form as the QĐ 1399/QĐ-BHXH-era hospital systems print it: code, active ingredient, finished product, route, dosage form, strength, registration number, unit, quantities (outpatient, inpatient), unit price, payment ratio TYLE_TT_BH (lines paid at different ratios are listed apart), amounts. Names, units and prices are those the facility claimed (XML2); the active ingredient comes from the drug catalogue (ref.drugs column ten_hoat_chat when the catalogue has it, else empty) and the route's name from data/catalogs/duong_dung.csv. Lines of withdrawn (MA_DOITUONG_KCB 8) and rejected claims are not counted. Money is rounded to whole đồng per claim line (half away from zero, docs/payment-forms.md "Rounding") before it is summed, so every printed total is the sum of printed lines. The grain includes the setting and the section so that `bhyt-etl report` can filter on them; the report adds the rows of one item up over them (and over the months of a quarter or range) before printing, as the form has one line per item.
-- source: ANCHORS.md §2.5 (forms 19/20/21); docs/payment-forms.md (20/BHYT columns as HIS exporters of the QĐ 1399 family print them); STANDARD.md §3.3 (XML2 fields), §5.1 (line amounts)
-- param drug_catalogue: a relation (ma_thuoc, ten_hoat_chat) from the drug catalogue (payment.catalogue_relations: ref.drugs, empty when the catalogue lacks the column)
-- param duong_dung_file: data/catalogs/duong_dung.csv as a quoted SQL string literal
-- column stt: row number within facility and settlement month, by MA_NHOM then item code
-- column ma_nhom: cost group of the drug (MA_NHOM: 4 drug, 7/17 blood, legacy 5/6)
-- column ma_thuoc: active-ingredient code of the shared list (MA_THUOC)
-- column ten_hoat_chat: active ingredient, from the drug catalogue (ref.drugs.ten_hoat_chat when it exists; else empty)
-- column ten_thuoc: finished-product name as claimed (TEN_THUOC)
-- column duong_dung: route code (DUONG_DUNG)
-- column ten_duong_dung: route name (data/catalogs/duong_dung.csv)
-- column dang_bao_che: dosage form (DANG_BAO_CHE)
-- column ham_luong: strength (HAM_LUONG)
-- column so_dang_ky: registration number (SO_DANG_KY)
-- column don_vi_tinh: unit (DON_VI_TINH)
-- column don_gia: unit price (DON_GIA)
-- column tyle_tt_bh: payment ratio % of the insurance for the drug (TYLE_TT_BH)
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
-- report: m20
-- report_title: Mẫu 20/BHYT: thống kê thuốc thanh toán BHYT
-- report_order: macskcb, stt
-- report_label: ten_thuoc
-- report_frozen: 4
-- title stt: STT | int
-- title ma_thuoc: Mã thuốc
-- title ten_hoat_chat: Tên hoạt chất
-- title ten_thuoc: Tên thuốc thành phẩm
-- title ten_duong_dung: Đường dùng
-- title dang_bao_che: Dạng bào chế
-- title ham_luong: Hàm lượng
-- title so_dang_ky: Số đăng ký
-- title don_vi_tinh: Đơn vị tính
-- title so_luong_ngoaitru: Số lượng ngoại trú | quantity
-- title so_luong_noitru: Số lượng nội trú | quantity
-- title so_luong: Tổng số lượng | quantity
-- title don_gia: Đơn giá | price
-- title tyle_tt_bh: Tỷ lệ thanh toán BHYT | percent
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
        ORDER BY try_cast(l.ma_nhom AS INTEGER), l.ma_nhom, l.ma_thuoc, l.ten_thuoc, l.ham_luong, l.duong_dung, l.dang_bao_che, l.so_dang_ky, l.don_vi_tinh, l.don_gia, l.tyle_tt_bh, c.noi_tru, c.phan_nhom
    )::INTEGER AS stt,
    l.ma_nhom AS ma_nhom,
    l.ma_thuoc AS ma_thuoc,
    d.ten_hoat_chat AS ten_hoat_chat,
    l.ten_thuoc AS ten_thuoc,
    l.duong_dung AS duong_dung,
    r.ten AS ten_duong_dung,
    l.dang_bao_che AS dang_bao_che,
    l.ham_luong AS ham_luong,
    l.so_dang_ky AS so_dang_ky,
    l.don_vi_tinh AS don_vi_tinh,
    l.don_gia AS don_gia,
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
            trim(ma_thuoc) AS ma_thuoc,
            trim(ten_thuoc) AS ten_thuoc,
            trim(ham_luong) AS ham_luong,
            trim(duong_dung) AS duong_dung,
            trim(dang_bao_che) AS dang_bao_che,
            trim(so_dang_ky) AS so_dang_ky,
            trim(don_vi_tinh) AS don_vi_tinh
        )
    FROM core.xml2
) AS l
JOIN payment.claims AS c
    ON c.macskcb = l.macskcb AND c.ma_lk = l.ma_lk AND c.source_sha256 = l.source_sha256
LEFT JOIN ${drug_catalogue} AS d ON d.ma_thuoc = l.ma_thuoc
LEFT JOIN read_csv(${duong_dung_file}, header = true, all_varchar = true) AS r ON r.ma_duong_dung = l.duong_dung
GROUP BY
    c.macskcb,
    c.nam_qt,
    c.thang_qt,
    c.noi_tru,
    c.phan_nhom,
    l.ma_nhom,
    l.ma_thuoc,
    d.ten_hoat_chat,
    l.ten_thuoc,
    l.duong_dung,
    r.ten,
    l.dang_bao_che,
    l.ham_luong,
    l.so_dang_ky,
    l.don_vi_tinh,
    l.don_gia,
    l.tyle_tt_bh
