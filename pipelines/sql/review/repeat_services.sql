-- object: review.repeat_services
-- grain: one row per paraclinical XML3 line (MA_NHOM 1 test, 2 imaging, 3 functional exploration) repeated at another facility within the window
-- description: a paraclinical service done again for the same patient at ANOTHER facility within ${repeat_window_days} days (window fixed when the view is built: create_review_objects(repeat_window_days=...)); the patient is matched on the BHXH number (last 10 characters of any MA_THE_BHYT on the claim) or on SO_CCCD, but no identifier is output: only the two episodes (facility, MA_LK, line STT, time), the service code, the days between and the cost of the repeat; each repeat is paired with the latest earlier occurrence; withdrawn claims (MA_DOITUONG_KCB 8) are left out
-- param repeat_window_days: the window in days (create_review_objects(repeat_window_days=...), default 30)
-- column first_macskcb: MACSKCB of the facility where the service was done first (the earlier episode)
-- column first_ma_lk: MA_LK of the earlier claim (at first_macskcb)
-- column first_stt: STT of the XML3 line of the earlier occurrence in its claim
-- column first_done_at: when the earlier occurrence was done: XML3 NGAY_TH_YL (order executed), else NGAY_YL (ordered)
-- column repeat_macskcb: MACSKCB of the facility that repeated the service (another facility than first_macskcb)
-- column repeat_ma_lk: MA_LK of the claim with the repeat (at repeat_macskcb)
-- column repeat_stt: STT of the XML3 line of the repeat in its claim
-- column repeat_done_at: when the repeat was done: XML3 NGAY_TH_YL (order executed), else NGAY_YL (ordered)
-- column ma_dich_vu: MA_DICH_VU: service code of the repeated service, the same on both lines (shared code list, STANDARD.md §3.3 XML3 #3; ref.services)
-- column ma_nhom: MA_NHOM: cost group of the repeat line, 1 laboratory test, 2 imaging, 3 functional exploration (QĐ 130 / STANDARD.md §4.4)
-- column days_between: calendar days from first_done_at to repeat_done_at (0 = same day), at most window_days
-- column window_days: the window in days the view was built with (create_review_objects(repeat_window_days=…), default 30)
-- column repeat_so_luong: SO_LUONG: quantity of the repeat line (XML3, STANDARD.md §3.3 XML3 #13)
-- column repeat_thanh_tien_bh: THANH_TIEN_BH: in-scope amount of the repeat line, VND (XML3, STANDARD.md §3.3 XML3 #20)
-- column repeat_t_bhtt: T_BHTT: amount of the repeat line claimed from the BHXH fund, VND (XML3, STANDARD.md §3.3 XML3 #30): the money at stake
CREATE OR REPLACE VIEW review.repeat_services AS
WITH claims AS (
    SELECT macskcb, ma_lk, ma_the_bhyt, so_cccd
    FROM core.xml1
    WHERE coalesce(ma_doituong_kcb, '') <> '8'
),
patient_keys AS (
    SELECT DISTINCT macskcb, ma_lk, 'B' || right(trim(card), 10) AS pkey
    FROM (SELECT macskcb, ma_lk, unnest(string_split(ma_the_bhyt, ';')) AS card FROM claims)
    WHERE length(trim(card)) >= 10
    UNION
    SELECT macskcb, ma_lk, 'C' || trim(so_cccd) AS pkey
    FROM claims
    WHERE nullif(trim(so_cccd), '') IS NOT NULL
),
claim_pairs AS (
    SELECT DISTINCT a.macskcb AS macskcb_a, a.ma_lk AS ma_lk_a, b.macskcb AS macskcb_b, b.ma_lk AS ma_lk_b
    FROM patient_keys AS a
    JOIN patient_keys AS b ON b.pkey = a.pkey AND b.macskcb <> a.macskcb
),
lines AS MATERIALIZED (
    SELECT
        macskcb, ma_lk, stt, ma_dich_vu, ma_nhom, so_luong, thanh_tien_bh, t_bhtt,
        coalesce(ngay_th_yl, ngay_yl) AS done_at
    FROM core.xml3
    WHERE ma_nhom IN ('1', '2', '3') AND nullif(trim(ma_dich_vu), '') IS NOT NULL
      AND coalesce(ngay_th_yl, ngay_yl) IS NOT NULL
),
-- the pairs of claims of one patient first, then their lines: joining lines to lines on the service code
-- alone would compare every test with every other (hundreds of millions of rows at a province's volume)
first_lines AS MATERIALIZED (
    SELECT p.macskcb_b, p.ma_lk_b, la.*
    FROM claim_pairs AS p
    JOIN lines AS la ON la.macskcb = p.macskcb_a AND la.ma_lk = p.ma_lk_a
)
SELECT
    la.macskcb AS first_macskcb,
    la.ma_lk AS first_ma_lk,
    la.stt AS first_stt,
    la.done_at AS first_done_at,
    lb.macskcb AS repeat_macskcb,
    lb.ma_lk AS repeat_ma_lk,
    lb.stt AS repeat_stt,
    lb.done_at AS repeat_done_at,
    lb.ma_dich_vu,
    lb.ma_nhom,
    date_diff('day', CAST(la.done_at AS DATE), CAST(lb.done_at AS DATE)) AS days_between,
    ${repeat_window_days} AS window_days,
    lb.so_luong AS repeat_so_luong,
    lb.thanh_tien_bh AS repeat_thanh_tien_bh,
    lb.t_bhtt AS repeat_t_bhtt
FROM first_lines AS la
JOIN lines AS lb ON lb.macskcb = la.macskcb_b AND lb.ma_lk = la.ma_lk_b AND lb.ma_dich_vu = la.ma_dich_vu
WHERE date_diff('day', CAST(la.done_at AS DATE), CAST(lb.done_at AS DATE)) BETWEEN 0 AND ${repeat_window_days}
  AND (la.done_at < lb.done_at OR (la.done_at = lb.done_at AND la.macskcb < lb.macskcb))
QUALIFY row_number() OVER (
    PARTITION BY lb.macskcb, lb.ma_lk, lb.stt
    ORDER BY la.done_at DESC, la.macskcb, la.ma_lk, la.stt
) = 1
ORDER BY repeat_done_at, repeat_macskcb, repeat_ma_lk, repeat_stt
