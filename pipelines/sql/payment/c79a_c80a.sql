-- object: payment.c79a_c80a
-- grain: one row per printed line of the C79a-HD / C80a-HD forms per facility, settlement month and setting (noi_tru): for each section A, B, C a heading line, then for each route sub-group (I đúng tuyến, II trái tuyến) a heading line, one line per claim and a sub-group subtotal, then the section subtotal; one grand-total line at the end; row_order gives the printed order within (macskcb, nam_qt, thang_qt, noi_tru)
-- description: Common body of payment.c79a (outpatient) and payment.c80a (inpatient): the claims of payment.report_7980a grouped into the sections of the TT 178/2012/TT-BTC forms as hospital systems print them (A nội tỉnh KCB ban đầu, B nội tỉnh đến, C ngoại tỉnh đến; each split into I. Đúng tuyến and II. Trái tuyến; rules in payment.claims), with a subtotal per sub-group ("Cộng A.I"), per section ("Cộng A") and a grand total ("Tổng cộng A + B + C"). Every section and sub-group is printed (an empty one has subtotals of 0) as soon as the facility has a claim of that setting in the month. Money is in whole đồng, rounded per claim in payment.report_7980a before any sum, so every subtotal is the sum of its printed lines and every total the sum of its subtotals; on every line t_tongchi_bh = t_nguoibenh + t_bhtt + t_nguonkhac_bh and t_tongchi_bh = the sum of the cost buckets (for claims whose XML1 reconciles with their lines). The grand total equals the 7980a sums of the setting.
-- source: ANCHORS.md §2.5 (C79a-HD/C80a-HD sections, subtotals and columns); docs/payment-forms.md (đúng/trái tuyến sub-groups and the column set of the HIS exporters, rounding)
-- column row_order: printed order of the line within facility, settlement month and setting
-- column row_kind: 'section' (heading A/B/C), 'group' (heading I/II), 'claim', 'group_total' (Cộng A.I), 'section_total' (Cộng A) or 'grand_total'
-- column macskcb: facility code (filter column of the report)
-- column nam_qt: settlement year (NAM_QT)
-- column thang_qt: settlement month (THANG_QT)
-- column noi_tru: true for the inpatient form C80a, false for the outpatient form C79a
-- column phan_nhom: section A, B or C; empty on the grand-total line
-- column tuyen: route sub-group 'I' (đúng tuyến) or 'II' (trái tuyến) on group headings, claims and group subtotals
-- column stt: number of the claim within its sub-group (claim lines only)
-- column dien_giai: label of heading, subtotal and total lines (e.g. "Cộng A"); empty on claim lines
-- column ma_lk: claim key (MA_LK)
-- column ho_ten: patient name (HO_TEN)
-- column ngay_sinh: date of birth yyyyMMdd, or yyyy when month or day is unknown (NGAY_SINH)
-- column gioi_tinh: sex code 1 male, 2 female, 3 undetermined (GIOI_TINH)
-- column nam_sinh_nam: year of birth when the patient is male (GIOI_TINH 1), the form's "Năm sinh - Nam"
-- column nam_sinh_nu: year of birth when the patient is female (GIOI_TINH 2), the form's "Năm sinh - Nữ"
-- column ma_the_bhyt: first card number (MA_THE_BHYT)
-- column ma_dkbd: first registered primary-care facility (MA_DKBD)
-- column ma_benh_chinh: principal diagnosis ICD-10 (MA_BENH_CHINH)
-- column ma_benh_kt: secondary diagnoses (MA_BENH_KT)
-- column ma_lydo_vvien: legacy reason for the visit 1 đúng tuyến, 2 cấp cứu, 3 trái tuyến, 4 thông tuyến (payment.claims)
-- column ma_doituong_kcb: patient category of the visit (MA_DOITUONG_KCB)
-- column ngay_vao: admission / arrival time (NGAY_VAO); the outpatient form's "Ngày khám"
-- column ngay_ra: discharge / end of visit time (NGAY_RA)
-- column so_ngay_dtri: treatment days (SO_NGAY_DTRI)
-- column ma_khoa: department code(s) (MA_KHOA)
-- column so_luot: number of claims on the line (1 on claim lines, the count on subtotal and total lines)
-- column t_tongchi_bh: (1) total cost within the insurance scope, whole đồng (payment.report_7980a t_tongchi_bh)
-- column t_xn: laboratory tests, MA_NHOM 1
-- column t_cdha: imaging and functional exploration, MA_NHOM 2, 3
-- column t_thuoc: drugs, MA_NHOM 4
-- column t_mau: blood and blood products, MA_NHOM 7, 17
-- column t_pttt: surgery and procedures, MA_NHOM 8, 18
-- column t_vtyt: medical supplies, MA_NHOM 10
-- column t_dvkt_tyle: technical services paid at a ratio, MA_NHOM 9
-- column t_thuoc_tyle: drugs paid at a ratio, MA_NHOM 5, 6
-- column t_vtyt_tyle: supplies paid at a ratio, MA_NHOM 11
-- column t_kham: examinations, MA_NHOM 13
-- column t_giuong: bed-days, MA_NHOM 14, 15, 16
-- column t_vchuyen: transport, MA_NHOM 12
-- column t_khac: other costs, MA_NHOM 19 and unknown codes
-- column t_nguoibenh: patient co-payment within the scope, T_BNCCT ("Người bệnh cùng chi trả")
-- column t_bhtt: amount claimed from social insurance, T_BHTT
-- column t_bhtt_gdv: insurance amount outside capitation/DRG (T_BHTT_GDV, the form's "ngoài quỹ định suất")
-- column t_nguonkhac_bh: other-source money inside the insurance scope; t_tongchi_bh = t_nguoibenh + t_bhtt + t_nguonkhac_bh
-- column t_nguonkhac: other-source money, within and outside the scope (T_NGUONKHAC)
-- column t_bntt: patient self-pay outside the insurance scope (T_BNTT), not part of t_tongchi_bh
CREATE OR REPLACE VIEW payment.c79a_c80a AS
WITH r AS (
    SELECT * FROM payment.report_7980a
),
sections AS (
    SELECT * FROM (
        VALUES
            ('A', 1, 'A. Bệnh nhân nội tỉnh KCB ban đầu'),
            ('B', 2, 'B. Bệnh nhân nội tỉnh đến'),
            ('C', 3, 'C. Bệnh nhân ngoại tỉnh đến')
    ) AS s (phan_nhom, section_order, ten)
),
groups AS (
    SELECT * FROM (
        VALUES
            ('I', 1, 'I. Đúng tuyến'),
            ('II', 2, 'II. Trái tuyến')
    ) AS g (tuyen, group_order, ten)
),
forms AS (
    SELECT DISTINCT macskcb, nam_qt, thang_qt, noi_tru FROM r
),
claim_lines AS (
    SELECT
        'claim' AS row_kind,
        r.macskcb, r.nam_qt, r.thang_qt, r.noi_tru, r.phan_nhom, r.tuyen,
        s.section_order,
        g.group_order,
        2 AS part,
        row_number() OVER (
            PARTITION BY r.macskcb, r.nam_qt, r.thang_qt, r.noi_tru, r.phan_nhom, r.tuyen ORDER BY r.ngay_ra, r.ma_lk
        )::INTEGER AS stt,
        NULL::VARCHAR AS dien_giai,
        r.ma_lk, r.ho_ten, r.ngay_sinh, r.gioi_tinh,
        CASE WHEN trim(r.gioi_tinh::VARCHAR) = '1' THEN left(r.ngay_sinh, 4) END AS nam_sinh_nam,
        CASE WHEN trim(r.gioi_tinh::VARCHAR) = '2' THEN left(r.ngay_sinh, 4) END AS nam_sinh_nu,
        r.ma_the_bhyt, r.ma_dkbd, r.ma_benh_chinh,
        r.ma_benh_kt, r.ma_lydo_vvien, r.ma_doituong_kcb, r.ngay_vao, r.ngay_ra, r.so_ngay_dtri, r.ma_khoa,
        1::BIGINT AS so_luot,
        r.t_tongchi_bh, r.t_xn, r.t_cdha, r.t_thuoc, r.t_mau, r.t_pttt, r.t_vtyt, r.t_dvkt_tyle, r.t_thuoc_tyle, r.t_vtyt_tyle, r.t_kham, r.t_giuong, r.t_vchuyen, r.t_khac, r.t_nguoibenh, r.t_bhtt, r.t_bhtt_gdv, r.t_nguonkhac_bh, r.t_nguonkhac, r.t_bntt
    FROM r
    JOIN sections AS s ON s.phan_nhom = r.phan_nhom
    JOIN groups AS g ON g.tuyen = r.tuyen
),
section_headings AS (
    SELECT
        'section' AS row_kind,
        f.macskcb, f.nam_qt, f.thang_qt, f.noi_tru, s.phan_nhom,
        NULL::VARCHAR AS tuyen,
        s.section_order,
        0 AS group_order,
        0 AS part,
        s.ten AS dien_giai
    FROM forms AS f
    CROSS JOIN sections AS s
),
group_headings AS (
    SELECT
        'group' AS row_kind,
        f.macskcb, f.nam_qt, f.thang_qt, f.noi_tru, s.phan_nhom, g.tuyen,
        s.section_order,
        g.group_order,
        1 AS part,
        g.ten AS dien_giai
    FROM forms AS f
    CROSS JOIN sections AS s
    CROSS JOIN groups AS g
),
group_totals AS (
    SELECT
        'group_total' AS row_kind,
        f.macskcb, f.nam_qt, f.thang_qt, f.noi_tru, s.phan_nhom, g.tuyen,
        s.section_order,
        g.group_order,
        3 AS part,
        'Cộng ' || s.phan_nhom || '.' || g.tuyen AS dien_giai,
        count(c.ma_lk)::BIGINT AS so_luot,
        coalesce(sum(c.t_tongchi_bh), 0)::DECIMAL(18, 0) AS t_tongchi_bh,
        coalesce(sum(c.t_xn), 0)::DECIMAL(18, 0) AS t_xn,
        coalesce(sum(c.t_cdha), 0)::DECIMAL(18, 0) AS t_cdha,
        coalesce(sum(c.t_thuoc), 0)::DECIMAL(18, 0) AS t_thuoc,
        coalesce(sum(c.t_mau), 0)::DECIMAL(18, 0) AS t_mau,
        coalesce(sum(c.t_pttt), 0)::DECIMAL(18, 0) AS t_pttt,
        coalesce(sum(c.t_vtyt), 0)::DECIMAL(18, 0) AS t_vtyt,
        coalesce(sum(c.t_dvkt_tyle), 0)::DECIMAL(18, 0) AS t_dvkt_tyle,
        coalesce(sum(c.t_thuoc_tyle), 0)::DECIMAL(18, 0) AS t_thuoc_tyle,
        coalesce(sum(c.t_vtyt_tyle), 0)::DECIMAL(18, 0) AS t_vtyt_tyle,
        coalesce(sum(c.t_kham), 0)::DECIMAL(18, 0) AS t_kham,
        coalesce(sum(c.t_giuong), 0)::DECIMAL(18, 0) AS t_giuong,
        coalesce(sum(c.t_vchuyen), 0)::DECIMAL(18, 0) AS t_vchuyen,
        coalesce(sum(c.t_khac), 0)::DECIMAL(18, 0) AS t_khac,
        coalesce(sum(c.t_nguoibenh), 0)::DECIMAL(18, 0) AS t_nguoibenh,
        coalesce(sum(c.t_bhtt), 0)::DECIMAL(18, 0) AS t_bhtt,
        coalesce(sum(c.t_bhtt_gdv), 0)::DECIMAL(18, 0) AS t_bhtt_gdv,
        coalesce(sum(c.t_nguonkhac_bh), 0)::DECIMAL(18, 0) AS t_nguonkhac_bh,
        coalesce(sum(c.t_nguonkhac), 0)::DECIMAL(18, 0) AS t_nguonkhac,
        coalesce(sum(c.t_bntt), 0)::DECIMAL(18, 0) AS t_bntt
    FROM forms AS f
    CROSS JOIN sections AS s
    CROSS JOIN groups AS g
    LEFT JOIN claim_lines AS c
        ON c.macskcb = f.macskcb AND c.nam_qt = f.nam_qt AND c.thang_qt = f.thang_qt
        AND c.noi_tru = f.noi_tru AND c.phan_nhom = s.phan_nhom AND c.tuyen = g.tuyen
    GROUP BY f.macskcb, f.nam_qt, f.thang_qt, f.noi_tru, s.phan_nhom, s.section_order, g.tuyen, g.group_order
),
section_totals AS (
    SELECT
        'section_total' AS row_kind,
        macskcb, nam_qt, thang_qt, noi_tru, phan_nhom,
        NULL::VARCHAR AS tuyen,
        section_order,
        9 AS group_order,
        4 AS part,
        'Cộng ' || phan_nhom AS dien_giai,
        sum(so_luot)::BIGINT AS so_luot,
        -- every money column of the level below, summed (whole đồng, as the claims were rounded)
        CAST(sum(COLUMNS('^t_')) AS DECIMAL(18, 0))
    FROM group_totals
    GROUP BY macskcb, nam_qt, thang_qt, noi_tru, phan_nhom, section_order
),
total_lines AS (
    SELECT
        'grand_total' AS row_kind,
        macskcb, nam_qt, thang_qt, noi_tru,
        NULL::VARCHAR AS phan_nhom,
        NULL::VARCHAR AS tuyen,
        4 AS section_order,
        0 AS group_order,
        5 AS part,
        'Tổng cộng A + B + C' AS dien_giai,
        sum(so_luot)::BIGINT AS so_luot,
        -- every money column of the level below, summed (whole đồng, as the claims were rounded)
        CAST(sum(COLUMNS('^t_')) AS DECIMAL(18, 0))
    FROM section_totals
    GROUP BY macskcb, nam_qt, thang_qt, noi_tru
),
printed AS (
    SELECT * FROM claim_lines
    UNION ALL BY NAME SELECT * FROM section_headings
    UNION ALL BY NAME SELECT * FROM group_headings
    UNION ALL BY NAME SELECT * FROM group_totals
    UNION ALL BY NAME SELECT * FROM section_totals
    UNION ALL BY NAME SELECT * FROM total_lines
)
SELECT
    row_number() OVER (
        PARTITION BY macskcb, nam_qt, thang_qt, noi_tru ORDER BY section_order, group_order, part, stt
    )::INTEGER AS row_order,
    row_kind,
    macskcb,
    nam_qt,
    thang_qt,
    noi_tru,
    phan_nhom,
    tuyen,
    stt,
    dien_giai,
    ma_lk,
    ho_ten,
    ngay_sinh,
    gioi_tinh,
    nam_sinh_nam,
    nam_sinh_nu,
    ma_the_bhyt,
    ma_dkbd,
    ma_benh_chinh,
    ma_benh_kt,
    ma_lydo_vvien,
    ma_doituong_kcb,
    ngay_vao,
    ngay_ra,
    so_ngay_dtri,
    ma_khoa,
    so_luot,
    t_tongchi_bh,
    t_xn,
    t_cdha,
    t_thuoc,
    t_mau,
    t_pttt,
    t_vtyt,
    t_dvkt_tyle,
    t_thuoc_tyle,
    t_vtyt_tyle,
    t_kham,
    t_giuong,
    t_vchuyen,
    t_khac,
    t_nguoibenh,
    t_bhtt,
    t_bhtt_gdv,
    t_nguonkhac_bh,
    t_nguonkhac,
    t_bntt
FROM printed
