-- object: core.referrals
-- grain: one row per referral paper (XML13) of a current claim, plus one row per arrival (XML1 with MA_NOI_DI and GIAY_CHUYEN_TUYEN) that no paper explains
-- description: Referral chains between facilities, by patient_key only (no name, CCCD, card or paper number). A paper sent by facility A (MA_CSKCB_DI, else the claim's facility) to facility B (MA_CSKCB_DEN; MA_NOI_DEN of the QĐ 130 shape, stored in the same column) is matched to the first episode at B of the same patient_key whose XML1 carries the paper's number in GIAY_CHUYEN_TUYEN and A in MA_NOI_DI (QĐ 4750 Bảng 1 #32, #38), starting no earlier than the day the patient left A: status matched, with the delay in days; a paper with no such episode is never_arrived (provisional: the arrival's claim may come in a later night; receiver_reports says whether B sends claims here at all); an arrival citing a paper that no claim here holds is unknown_referral. Each paper explains at most one arrival and each arrival at most one paper. Withdrawn claims (MA_DOITUONG_KCB 8) are not in core.patient_timeline and so take part neither as papers nor as arrivals.
-- source: STANDARD.md §3.3 XML1 #32 MA_NOI_DI, #38 GIAY_CHUYEN_TUYEN; XML13 GIAY_CHUYEN_TUYEN, MA_CSKCB_DI/MA_CSKCB_DEN (QĐ 3176; the QĐ 130 shape's MA_NOI_DI/MA_NOI_DEN are stored in the same columns, docs/conformance.md)
-- column status: matched | never_arrived | unknown_referral
-- column patient_key: the patient (core.patients)
-- column from_macskcb: facility that sent the patient (for unknown_referral: the MA_NOI_DI the arrival cites)
-- column from_ma_lk: MA_LK of the episode at the sending facility that issued the paper (NULL for unknown_referral)
-- column referred_at: NGAY_RA of that episode: when the patient left the sending facility
-- column to_macskcb: facility the paper sends the patient to (for unknown_referral and matched: where the patient arrived)
-- column to_ma_lk: MA_LK of the episode the referral produced at the receiving facility (NULL for never_arrived)
-- column arrived_at: NGAY_VAO of that episode
-- column delay_days: calendar days from referred_at to arrived_at (0 = the same day); NULL unless matched
-- column ma_lydo_ct: XML13 MA_LYDO_CT: reason of the referral (1-3)
-- column ma_benh_chinh: principal diagnosis (ICD-10) of the sending episode (of the arrival for unknown_referral)
-- column sender_reports: true when the sending facility has current claims in this warehouse (false: an unknown_referral cannot be checked here)
-- column receiver_reports: true when the receiving facility has current claims in this warehouse (false: a never_arrived referral cannot be seen arriving here)
CREATE OR REPLACE VIEW core.referrals AS
WITH facilities AS (
    SELECT DISTINCT macskcb FROM core.patient_timeline
),
papers AS (
    SELECT
        t.patient_key,
        coalesce(nullif(trim(r.ma_cskcb_di), ''), r.macskcb) AS from_macskcb,
        r.macskcb AS issued_by,
        r.ma_lk AS from_ma_lk,
        t.ngay_ra AS referred_at,
        nullif(trim(r.ma_cskcb_den), '') AS to_macskcb,
        upper(trim(r.giay_chuyen_tuyen)) AS paper,
        trim(r.ma_lydo_ct) AS ma_lydo_ct,
        t.ma_benh_chinh
    FROM core.xml13 AS r
    JOIN core.patient_timeline AS t ON t.macskcb = r.macskcb AND t.ma_lk = r.ma_lk
),
arrivals AS (
    SELECT
        t.patient_key,
        trim(x.ma_noi_di) AS from_macskcb,
        x.macskcb AS to_macskcb,
        x.ma_lk AS to_ma_lk,
        t.ngay_vao AS arrived_at,
        upper(trim(x.giay_chuyen_tuyen)) AS paper,
        t.ma_benh_chinh
    FROM core.xml1 AS x
    JOIN core.patient_timeline AS t ON t.macskcb = x.macskcb AND t.ma_lk = x.ma_lk
    WHERE nullif(trim(x.ma_noi_di), '') IS NOT NULL AND nullif(trim(x.giay_chuyen_tuyen), '') IS NOT NULL
),
candidates AS (
    SELECT
        p.issued_by,
        p.from_ma_lk,
        a.to_macskcb,
        a.to_ma_lk,
        a.arrived_at,
        row_number() OVER (
            PARTITION BY p.issued_by, p.from_ma_lk ORDER BY a.arrived_at, a.to_macskcb, a.to_ma_lk
        ) AS nth_arrival
    FROM papers AS p
    JOIN arrivals AS a
        ON a.paper = p.paper
        AND a.from_macskcb = p.from_macskcb
        AND a.patient_key = p.patient_key
        AND (p.to_macskcb IS NULL OR a.to_macskcb = p.to_macskcb)
        AND CAST(a.arrived_at AS DATE) >= CAST(p.referred_at AS DATE)
),
matches AS (
    SELECT *
    FROM candidates
    WHERE nth_arrival = 1
    QUALIFY row_number() OVER (
        PARTITION BY to_macskcb, to_ma_lk ORDER BY arrived_at, issued_by, from_ma_lk
    ) = 1
)
SELECT
    CASE WHEN m.to_ma_lk IS NULL THEN 'never_arrived' ELSE 'matched' END AS status,
    p.patient_key,
    p.from_macskcb,
    p.from_ma_lk,
    p.referred_at,
    coalesce(m.to_macskcb, p.to_macskcb) AS to_macskcb,
    m.to_ma_lk,
    m.arrived_at,
    date_diff('day', CAST(p.referred_at AS DATE), CAST(m.arrived_at AS DATE)) AS delay_days,
    p.ma_lydo_ct,
    p.ma_benh_chinh,
    p.from_macskcb IN (SELECT macskcb FROM facilities) AS sender_reports,
    coalesce(m.to_macskcb, p.to_macskcb) IN (SELECT macskcb FROM facilities) AS receiver_reports
FROM papers AS p
LEFT JOIN matches AS m ON m.issued_by = p.issued_by AND m.from_ma_lk = p.from_ma_lk
UNION ALL
SELECT
    'unknown_referral' AS status,
    a.patient_key,
    a.from_macskcb,
    NULL AS from_ma_lk,
    NULL AS referred_at,
    a.to_macskcb,
    a.to_ma_lk,
    a.arrived_at,
    NULL AS delay_days,
    NULL AS ma_lydo_ct,
    a.ma_benh_chinh,
    a.from_macskcb IN (SELECT macskcb FROM facilities) AS sender_reports,
    true AS receiver_reports
FROM arrivals AS a
WHERE NOT EXISTS (SELECT 1 FROM matches AS m WHERE m.to_macskcb = a.to_macskcb AND m.to_ma_lk = a.to_ma_lk)
ORDER BY coalesce(referred_at, arrived_at), from_macskcb, from_ma_lk, to_macskcb, to_ma_lk
