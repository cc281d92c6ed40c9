-- object: core.appointments
-- grain: one row per re-examination appointment slip (XML14) of a current claim
-- description: Were re-examination appointments kept? By patient_key only (no name, card or slip number). The follow-up of a slip issued at facility F is the patient's first later episode at F whose XML1 carries the slip number (XML14 SO_GIAYHEN_KL) in GIAY_CHUYEN_TUYEN (QĐ 4750 Bảng 1 #38: "or re-visit appointment slip no.") (matched_by slip); when no episode carries it, the patient's first later episode at F that carries no paper number and starts between 7 days before and 30 days after the appointment (matched_by visit). Tolerance: kept = on the appointment day (NGAY_HEN_KL) or the day after; early = any day before; late = two days after or later; missed = no follow-up found (provisional: the follow-up's claim may come in a later night). Each episode is the follow-up of at most one slip. Withdrawn claims (MA_DOITUONG_KCB 8) take no part.
-- source: STANDARD.md §3.3 XML14 SO_GIAYHEN_KL, NGAY_HEN_KL; XML1 #38 GIAY_CHUYEN_TUYEN
-- column status: kept | early | late | missed
-- column patient_key: the patient (core.patients)
-- column macskcb: facility that issued the slip (and where the re-examination is due)
-- column ma_lk: MA_LK of the episode that issued the slip
-- column appointment_at: NGAY_HEN_KL: the appointment
-- column followup_ma_lk: MA_LK of the follow-up episode at the same facility (NULL when missed)
-- column followup_at: NGAY_VAO of the follow-up episode
-- column delay_days: calendar days from the appointment to the follow-up (negative = early); NULL when missed
-- column matched_by: slip (the follow-up carries the slip number) | visit (it does not; matched by patient, facility and date) | NULL when missed
CREATE OR REPLACE VIEW core.appointments AS
WITH slips AS (
    SELECT
        t.patient_key,
        s.macskcb,
        s.ma_lk,
        upper(trim(s.so_giayhen_kl)) AS slip,
        s.ngay_hen_kl AS appointment_at,
        t.ngay_ra AS issued_at
    FROM core.xml14 AS s
    JOIN core.patient_timeline AS t ON t.macskcb = s.macskcb AND t.ma_lk = s.ma_lk
    WHERE s.ngay_hen_kl IS NOT NULL
),
visits AS (
    SELECT
        t.patient_key,
        t.macskcb,
        t.ma_lk,
        t.ngay_vao,
        upper(trim(x.giay_chuyen_tuyen)) AS paper
    FROM core.patient_timeline AS t
    JOIN core.xml1 AS x ON x.macskcb = t.macskcb AND x.ma_lk = t.ma_lk
),
by_slip AS (
    SELECT s.macskcb, s.ma_lk, s.slip, v.ma_lk AS followup_ma_lk, v.ngay_vao AS followup_at, 'slip' AS matched_by
    FROM slips AS s
    JOIN visits AS v
        ON v.macskcb = s.macskcb
        AND v.patient_key = s.patient_key
        AND v.paper = s.slip
        AND v.ngay_vao > s.issued_at
    QUALIFY row_number() OVER (PARTITION BY s.macskcb, s.ma_lk, s.slip ORDER BY v.ngay_vao, v.ma_lk) = 1
),
by_visit AS (
    SELECT s.macskcb, s.ma_lk, s.slip, v.ma_lk AS followup_ma_lk, v.ngay_vao AS followup_at, 'visit' AS matched_by
    FROM slips AS s
    JOIN visits AS v
        ON v.macskcb = s.macskcb
        AND v.patient_key = s.patient_key
        AND coalesce(v.paper, '') = ''
    WHERE v.ngay_vao > s.issued_at
      AND CAST(v.ngay_vao AS DATE) BETWEEN CAST(s.appointment_at AS DATE) - INTERVAL 7 DAY
                                       AND CAST(s.appointment_at AS DATE) + INTERVAL 30 DAY
      AND NOT EXISTS (
          SELECT 1 FROM by_slip AS b WHERE b.macskcb = s.macskcb AND b.ma_lk = s.ma_lk AND b.slip = s.slip
      )
      AND NOT EXISTS (
          SELECT 1 FROM by_slip AS b WHERE b.macskcb = v.macskcb AND b.followup_ma_lk = v.ma_lk
      )
    QUALIFY row_number() OVER (PARTITION BY s.macskcb, s.ma_lk, s.slip ORDER BY v.ngay_vao, v.ma_lk) = 1
        AND row_number() OVER (
            PARTITION BY v.macskcb, v.ma_lk ORDER BY s.appointment_at DESC, s.ma_lk
        ) = 1
),
followups AS (
    SELECT * FROM by_slip
    UNION ALL
    SELECT * FROM by_visit
),
outcome AS (
    SELECT
        s.*,
        f.followup_ma_lk,
        f.followup_at,
        f.matched_by,
        date_diff('day', CAST(s.appointment_at AS DATE), CAST(f.followup_at AS DATE)) AS delay_days
    FROM slips AS s
    LEFT JOIN followups AS f ON f.macskcb = s.macskcb AND f.ma_lk = s.ma_lk AND f.slip = s.slip
)
SELECT
    CASE
        WHEN followup_ma_lk IS NULL THEN 'missed'
        WHEN delay_days < 0 THEN 'early'
        WHEN delay_days <= 1 THEN 'kept'
        ELSE 'late'
    END AS status,
    patient_key,
    macskcb,
    ma_lk,
    appointment_at,
    followup_ma_lk,
    followup_at,
    delay_days,
    matched_by
FROM outcome
ORDER BY appointment_at, macskcb, ma_lk
