-- object: payment.report_7980a
-- grain: one row per claim in payment.claims (current accepted version, not withdrawn)
-- description: The "Hồ sơ 79a/80a" (7980a) list, the XML-era successor of C79a-HD/C80a-HD: the 43 columns of ANCHORS §2.5 in their order, named with the QĐ 130/4750 tag where the 7980a column is a standard field under its older QĐ 4210 name (the 7980a name is given in brackets), then a few extra columns. Cost buckets are sums of THANH_TIEN_BH (the in-scope amount) of the claim's XML2 and XML3 lines by MA_NHOM, mapped so that every line falls in exactly one bucket and the buckets add up to the lines' total in scope (t_tongchi_bh when XML1 reconciles with its lines, STANDARD §5.2 H4): t_xn 1 | t_cdha 2, 3 | t_thuoc 4 | t_mau 7, 17 | t_pttt 8, 18 | t_vtyt 10 | t_dvkt_tyle 9 | t_thuoc_tyle 5, 6 | t_vtyt_tyle 11 | t_kham 13 | t_giuong 14, 15, 16 | t_vchuyen 12 | t_khac 19 and any code outside 1..18. Differences from qlbv_public's export: blood (7, 17) and drugs are summed from XML2 lines in scope instead of taking XML1 T_THUOC (hospital price, includes blood); group 3 (thăm dò chức năng) is counted with imaging as the C79a column "CĐHA, TDCN" does; the legacy ratio groups (5, 6, 9, 11; STANDARD §4.4) fill the *_tyle columns that qlbv leaves empty.
--   Money is in whole đồng, rounded per claim before any report sums it (docs/payment-forms.md "Rounding"): every amount is rounded half away from zero (the ordinary "≥ 5 lên" rounding of Vietnamese accounting), and the two families of parts are then made to add up to their rounded whole by the largest-remainder method (the parts with the largest dropped fractions get the đồng the half-up parts lack or have too many): the cost buckets add up to the rounded sum of the claim's lines in scope, and the payers t_nguoibenh + t_bhtt + t_nguonkhac_bh add up to the rounded sum of the three. When the half-up parts already add up (nearly always) the result is exactly half-up rounding. With a claim whose XML1 reconciles with its lines (STANDARD §5.1 L7, §5.2 H4) both sums are the rounded t_tongchi_bh, so on every line t_tongchi_bh = the buckets = t_nguoibenh + t_bhtt + t_nguonkhac_bh.
--   t_nguoibenh (the 7980a T_BNTT, the C79a/C80a column "Người bệnh cùng chi trả") is the co-payment within the insurance scope, XML1 T_BNCCT, only: the patient's self-pay outside the scope (T_BNTT) is not part of the in-scope total t_tongchi_bh and stays in the extra column t_bntt. t_nguonkhac_bh is the part of other-source money that falls inside the insurance scope: per line max(0, T_NGUONKHAC - (THANH_TIEN_BV - THANH_TIEN_BH)), since STANDARD §5.1 L7 deducts other-source money from the out-of-scope part first.
-- source: ANCHORS.md §2.5 (7980a columns, bucket table, first value of ';' card lists, MA_NOI_CHUYEN = MA_NOI_DI); STANDARD.md §4.4 (MA_NHOM meanings), §3.3 (XML1 fields), §5.1 L7 (other-source allocation), §5.2 H4/H6/H8; docs/payment-forms.md (rounding, T_BNTT of 7980a = T_BNCCT as the C79a-HD column (13) "Người bệnh cùng chi trả" of the HIS exporters)
-- column stt: row number within facility and settlement month, by discharge time then ma_lk (STT)
-- column ma_lk: claim key (MA_LK)
-- column ma_bn: patient ID at the facility (MA_BN)
-- column ho_ten: patient name (HO_TEN)
-- column ngay_sinh: date of birth yyyyMMdd, or only yyyy when month or day is unknown (NGAY_SINH)
-- column gioi_tinh: sex code 1 male, 2 female, 3 undetermined (GIOI_TINH)
-- column dia_chi: address (DIA_CHI)
-- column ma_the_bhyt: first card number of the ';' list [7980a MA_THE]
-- column ma_dkbd: first registered primary-care facility of the ';' list (MA_DKBD)
-- column gt_the_tu: first card valid-from date yyyyMMdd (GT_THE_TU)
-- column gt_the_den: first card valid-to date yyyyMMdd (GT_THE_DEN)
-- column ma_benh_chinh: principal diagnosis ICD-10 [7980a MA_BENH]
-- column ma_benh_kt: secondary diagnoses ICD-10, ';'-separated [7980a MA_BENHKHAC]
-- column ma_lydo_vvien: legacy reason for the visit 1 đúng tuyến, 2 cấp cứu, 3 trái tuyến, 4 thông tuyến, from MA_DOITUONG_KCB (see payment.claims) (MA_LYDO_VVIEN)
-- column ma_noi_di: referring facility [7980a MA_NOI_CHUYEN]
-- column ngay_vao: admission / arrival time (NGAY_VAO)
-- column ngay_ra: discharge / end of visit time (NGAY_RA)
-- column so_ngay_dtri: treatment days (SO_NGAY_DTRI)
-- column ket_qua_dtri: treatment outcome code 1..8 (KET_QUA_DTRI)
-- column ma_loai_rv: discharge type code 1..5 [7980a TINH_TRANG_RV]
-- column t_tongchi_bh: total cost within the insurance scope, XML1 T_TONGCHI_BH rounded to whole đồng [7980a T_TONGCHI]
-- column t_xn: laboratory tests, MA_NHOM 1 (T_XN)
-- column t_cdha: imaging and functional exploration, MA_NHOM 2, 3 (T_CDHA)
-- column t_thuoc: drugs in the BHYT list, MA_NHOM 4 (T_THUOC)
-- column t_mau: blood and blood products, MA_NHOM 7, 17 (T_MAU)
-- column t_pttt: surgery and procedures, MA_NHOM 8, 18 (T_PTTT)
-- column t_vtyt: medical supplies in the BHYT list, MA_NHOM 10 (T_VTYT)
-- column t_dvkt_tyle: technical services paid at a ratio, legacy MA_NHOM 9 (T_DVKT_TYLE)
-- column t_thuoc_tyle: drugs paid at a ratio or outside the list (cancer, anti-rejection), legacy MA_NHOM 5, 6 (T_THUOC_TYLE)
-- column t_vtyt_tyle: supplies paid at a ratio, legacy MA_NHOM 11 (T_VTYT_TYLE)
-- column t_kham: examinations, MA_NHOM 13 (T_KHAM)
-- column t_giuong: bed-days (day bed, inpatient, observation), MA_NHOM 14, 15, 16 (T_GIUONG)
-- column t_vchuyen: patient transport, MA_NHOM 12 (T_VCHUYEN)
-- column t_nguoibenh: patient co-payment within the insurance scope, XML1 T_BNCCT (rounded, see description) [7980a T_BNTT]
-- column t_bhtt: amount claimed from social insurance, XML1 T_BHTT (rounded, see description) (T_BHTT)
-- column t_bhtt_gdv: insurance amount outside capitation/DRG, XML1 T_BHTT_GDV [7980a T_NGOAIDS]
-- column ma_khoa: department code(s) (MA_KHOA)
-- column nam_qt: settlement year (NAM_QT)
-- column thang_qt: settlement month (THANG_QT)
-- column ma_khuvuc: living area on the card K1/K2/K3 (MA_KHUVUC)
-- column ma_loai_kcb: type of care, two digits [7980a MA_LOAIKCB]
-- column ma_cskcb: facility code written in XML1 (MA_CSKCB)
-- column t_nguonkhac: paid by other sources, XML1 T_NGUONKHAC rounded, within and outside the insurance scope (T_NGUONKHAC)
-- column t_nguonkhac_bh: extra: the part of other-source money inside the insurance scope, from the lines (see description); t_tongchi_bh = t_nguoibenh + t_bhtt + t_nguonkhac_bh
-- column t_khac: extra: other costs, MA_NHOM 19 and any code outside 1..18 (not a 7980a column)
-- column t_tongchi_bv: extra: total cost at hospital prices, XML1 T_TONGCHI_BV rounded
-- column t_bntt: extra: patient self-pay outside the insurance scope, XML1 T_BNTT rounded (not part of t_tongchi_bh)
-- column t_bncct: extra: patient co-payment within the insurance scope, XML1 T_BNCCT as sent (before rounding)
-- column macskcb: extra: facility of the envelope (filter column of the report)
-- column ma_doituong_kcb: extra: patient category of the visit, as sent
-- column noi_tru: extra: true for inpatient care (belongs to C80a), false for outpatient (C79a)
-- column phan_nhom: extra: C79a/C80a section A, B or C (see payment.claims)
-- column tuyen: extra: route sub-group 'I' đúng tuyến or 'II' trái tuyến (see payment.claims)
-- report: 7980a
-- report_title: Hồ sơ 79a/80a: danh sách người bệnh KCB BHYT đề nghị thanh toán
-- report_order: macskcb, stt
-- report_label: ho_ten
-- report_frozen: 4
-- title stt: STT | int
-- title ma_lk: Mã liên kết
-- title ma_bn: Mã người bệnh
-- title ho_ten: Họ và tên
-- title ngay_sinh: Ngày sinh
-- title gioi_tinh: Giới tính
-- title dia_chi: Địa chỉ
-- title ma_the_bhyt: Mã thẻ BHYT
-- title ma_dkbd: Mã ĐKBĐ
-- title gt_the_tu: Giá trị thẻ từ
-- title gt_the_den: Giá trị thẻ đến
-- title ma_benh_chinh: Mã bệnh chính
-- title ma_benh_kt: Mã bệnh kèm theo
-- title ma_lydo_vvien: Lý do vào viện
-- title ma_noi_di: Mã nơi chuyển
-- title ngay_vao: Ngày vào | datetime
-- title ngay_ra: Ngày ra | datetime
-- title so_ngay_dtri: Số ngày điều trị | int
-- title ket_qua_dtri: Kết quả điều trị
-- title ma_loai_rv: Tình trạng ra viện
-- title t_tongchi_bh: Tổng chi phí BHYT | money
-- title t_xn: Xét nghiệm | money
-- title t_cdha: CĐHA, TDCN | money
-- title t_thuoc: Thuốc | money
-- title t_mau: Máu | money
-- title t_pttt: PTTT | money
-- title t_vtyt: VTYT | money
-- title t_dvkt_tyle: DVKT tỷ lệ | money
-- title t_thuoc_tyle: Thuốc tỷ lệ | money
-- title t_vtyt_tyle: VTYT tỷ lệ | money
-- title t_kham: Tiền khám | money
-- title t_giuong: Tiền giường | money
-- title t_vchuyen: Vận chuyển | money
-- title t_nguoibenh: Người bệnh cùng chi trả | money
-- title t_bhtt: Đề nghị BHXH thanh toán | money
-- title t_bhtt_gdv: Ngoài định suất | money
-- title ma_khoa: Mã khoa
-- title nam_qt: Năm quyết toán | int
-- title thang_qt: Tháng quyết toán | int
-- title ma_khuvuc: Mã khu vực
-- title ma_loai_kcb: Mã loại KCB
-- title ma_cskcb: Mã CSKCB
-- title t_nguonkhac: Nguồn khác chi trả | money
-- title t_khac: Chi phí khác | money
-- title t_nguonkhac_bh: Nguồn khác trong phạm vi BHYT | money
-- title t_bntt: Người bệnh tự trả ngoài phạm vi | money
-- title ma_doituong_kcb: Mã đối tượng KCB
CREATE OR REPLACE VIEW payment.report_7980a AS
WITH lines AS (
    SELECT
        macskcb, ma_lk, source_sha256, try_cast(trim(ma_nhom) AS INTEGER) AS nhom, thanh_tien_bh,
        greatest(
            coalesce(t_nguonkhac, 0) - (coalesce(thanh_tien_bv, 0) - coalesce(thanh_tien_bh, 0)), 0
        ) AS nk_bh
    FROM core.xml2
    UNION ALL
    SELECT
        macskcb, ma_lk, source_sha256, try_cast(trim(ma_nhom) AS INTEGER) AS nhom, thanh_tien_bh,
        greatest(
            coalesce(t_nguonkhac, 0) - (coalesce(thanh_tien_bv, 0) - coalesce(thanh_tien_bh, 0)), 0
        ) AS nk_bh
    FROM core.xml3
),
buckets AS (
    SELECT
        macskcb,
        ma_lk,
        source_sha256,
        coalesce(sum(thanh_tien_bh) FILTER (WHERE nhom = 1), 0) AS t_xn,
        coalesce(sum(thanh_tien_bh) FILTER (WHERE nhom IN (2, 3)), 0) AS t_cdha,
        coalesce(sum(thanh_tien_bh) FILTER (WHERE nhom = 4), 0) AS t_thuoc,
        coalesce(sum(thanh_tien_bh) FILTER (WHERE nhom IN (7, 17)), 0) AS t_mau,
        coalesce(sum(thanh_tien_bh) FILTER (WHERE nhom IN (8, 18)), 0) AS t_pttt,
        coalesce(sum(thanh_tien_bh) FILTER (WHERE nhom = 10), 0) AS t_vtyt,
        coalesce(sum(thanh_tien_bh) FILTER (WHERE nhom = 9), 0) AS t_dvkt_tyle,
        coalesce(sum(thanh_tien_bh) FILTER (WHERE nhom IN (5, 6)), 0) AS t_thuoc_tyle,
        coalesce(sum(thanh_tien_bh) FILTER (WHERE nhom = 11), 0) AS t_vtyt_tyle,
        coalesce(sum(thanh_tien_bh) FILTER (WHERE nhom = 13), 0) AS t_kham,
        coalesce(sum(thanh_tien_bh) FILTER (WHERE nhom IN (14, 15, 16)), 0) AS t_giuong,
        coalesce(sum(thanh_tien_bh) FILTER (WHERE nhom = 12), 0) AS t_vchuyen,
        coalesce(sum(thanh_tien_bh) FILTER (WHERE nhom IS NULL OR nhom NOT BETWEEN 1 AND 18), 0) AS t_khac,
        coalesce(sum(nk_bh), 0) AS t_nguonkhac_bh
    FROM lines
    GROUP BY macskcb, ma_lk, source_sha256
),
exact AS (
    SELECT
        c.macskcb,
        c.ma_lk,
        c.source_sha256,
        coalesce(b.t_xn, 0) AS t_xn,
        coalesce(b.t_cdha, 0) AS t_cdha,
        coalesce(b.t_thuoc, 0) AS t_thuoc,
        coalesce(b.t_mau, 0) AS t_mau,
        coalesce(b.t_pttt, 0) AS t_pttt,
        coalesce(b.t_vtyt, 0) AS t_vtyt,
        coalesce(b.t_dvkt_tyle, 0) AS t_dvkt_tyle,
        coalesce(b.t_thuoc_tyle, 0) AS t_thuoc_tyle,
        coalesce(b.t_vtyt_tyle, 0) AS t_vtyt_tyle,
        coalesce(b.t_kham, 0) AS t_kham,
        coalesce(b.t_giuong, 0) AS t_giuong,
        coalesce(b.t_vchuyen, 0) AS t_vchuyen,
        coalesce(b.t_khac, 0) AS t_khac,
        coalesce(x.t_bncct, 0) AS t_nguoibenh,
        coalesce(x.t_bhtt, 0) AS t_bhtt,
        coalesce(b.t_nguonkhac_bh, 0) AS t_nguonkhac_bh
    FROM payment.claims AS c
    JOIN core.xml1 AS x
        ON x.macskcb = c.macskcb AND x.ma_lk = c.ma_lk AND x.source_sha256 = c.source_sha256
    LEFT JOIN buckets AS b
        ON b.macskcb = c.macskcb AND b.ma_lk = c.ma_lk AND b.source_sha256 = c.source_sha256
),
parts AS (
    SELECT macskcb, ma_lk, source_sha256, part, amount::DECIMAL(18, 2) AS amount,
        CASE WHEN part IN ('t_nguoibenh', 't_bhtt', 't_nguonkhac_bh') THEN 'payer' ELSE 'cost' END AS family
    FROM (
        UNPIVOT exact
        ON t_xn, t_cdha, t_thuoc, t_mau, t_pttt, t_vtyt, t_dvkt_tyle, t_thuoc_tyle, t_vtyt_tyle, t_kham,
            t_giuong, t_vchuyen, t_khac, t_nguoibenh, t_bhtt, t_nguonkhac_bh
        INTO NAME part VALUE amount
    )
),
ranked AS (
    SELECT
        *,
        floor(amount) AS whole,
        round(sum(amount) OVER family_of_claim) - sum(floor(amount)) OVER family_of_claim AS missing,
        row_number() OVER (
            PARTITION BY macskcb, ma_lk, source_sha256, family ORDER BY amount - floor(amount) DESC, part
        ) AS by_remainder
    FROM parts
    WINDOW family_of_claim AS (PARTITION BY macskcb, ma_lk, source_sha256, family)
),
rounded AS (
    SELECT
        macskcb,
        ma_lk,
        source_sha256,
        part,
        (whole + CASE WHEN by_remainder <= missing THEN 1 ELSE 0 END)::DECIMAL(18, 0) AS amount
    FROM ranked
),
r AS (
    PIVOT rounded ON part IN (
        't_xn', 't_cdha', 't_thuoc', 't_mau', 't_pttt', 't_vtyt', 't_dvkt_tyle', 't_thuoc_tyle',
        't_vtyt_tyle', 't_kham', 't_giuong', 't_vchuyen', 't_khac', 't_nguoibenh', 't_bhtt', 't_nguonkhac_bh'
    ) USING first(amount) GROUP BY macskcb, ma_lk, source_sha256
)
SELECT
    row_number() OVER (
        PARTITION BY c.macskcb, c.nam_qt, c.thang_qt ORDER BY x.ngay_ra, x.ma_lk
    )::INTEGER AS stt,
    x.ma_lk,
    x.ma_bn,
    x.ho_ten,
    CASE
        WHEN substr(x.ngay_sinh, 5, 2) <> '00' AND substr(x.ngay_sinh, 7, 2) <> '00' THEN left(x.ngay_sinh, 8)
        ELSE left(x.ngay_sinh, 4)
    END AS ngay_sinh,
    x.gioi_tinh,
    x.dia_chi,
    split_part(x.ma_the_bhyt, ';', 1) AS ma_the_bhyt,
    split_part(x.ma_dkbd, ';', 1) AS ma_dkbd,
    split_part(x.gt_the_tu, ';', 1) AS gt_the_tu,
    split_part(x.gt_the_den, ';', 1) AS gt_the_den,
    x.ma_benh_chinh,
    x.ma_benh_kt,
    c.ma_lydo_vvien,
    x.ma_noi_di,
    x.ngay_vao,
    x.ngay_ra,
    x.so_ngay_dtri,
    x.ket_qua_dtri,
    x.ma_loai_rv,
    round(coalesce(x.t_tongchi_bh, 0))::DECIMAL(18, 0) AS t_tongchi_bh,
    r.t_xn,
    r.t_cdha,
    r.t_thuoc,
    r.t_mau,
    r.t_pttt,
    r.t_vtyt,
    r.t_dvkt_tyle,
    r.t_thuoc_tyle,
    r.t_vtyt_tyle,
    r.t_kham,
    r.t_giuong,
    r.t_vchuyen,
    r.t_nguoibenh,
    r.t_bhtt,
    round(coalesce(x.t_bhtt_gdv, 0))::DECIMAL(18, 0) AS t_bhtt_gdv,
    x.ma_khoa,
    c.nam_qt,
    c.thang_qt,
    x.ma_khuvuc,
    c.ma_loai_kcb,
    x.ma_cskcb,
    round(coalesce(x.t_nguonkhac, 0))::DECIMAL(18, 0) AS t_nguonkhac,
    r.t_nguonkhac_bh,
    r.t_khac,
    round(coalesce(x.t_tongchi_bv, 0))::DECIMAL(18, 0) AS t_tongchi_bv,
    round(coalesce(x.t_bntt, 0))::DECIMAL(18, 0) AS t_bntt,
    coalesce(x.t_bncct, 0)::DECIMAL(18, 2) AS t_bncct,
    c.macskcb,
    c.ma_doituong_kcb,
    c.noi_tru,
    c.phan_nhom,
    c.tuyen
FROM payment.claims AS c
JOIN core.xml1 AS x
    ON x.macskcb = c.macskcb AND x.ma_lk = c.ma_lk AND x.source_sha256 = c.source_sha256
JOIN r
    ON r.macskcb = c.macskcb AND r.ma_lk = c.ma_lk AND r.source_sha256 = c.source_sha256
