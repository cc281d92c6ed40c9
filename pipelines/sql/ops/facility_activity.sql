-- object: ops.facility_activity
-- grain: one row per facility registered in the trust directory (ops.facilities)
-- description: Who has sent what, and who has gone silent. For every registered facility: when its last file arrived and its last claim was accepted, how many days it has been silent, this calendar month's accepted claim versions against the same month a year earlier, and its rejection rate over the last 7 days against the 28 days before them. Files are uploads (ops.files rows without reprocess_of; a decision made again by bhyt-etl reprocess is not a new file); duplicates are not counted in rejection rates. Days and months are counted from current_date in the session's time zone (the view is evaluated when queried). The nightly run report lists the facilities silent for more than silent_days days and those whose rejection rate jumped (docs/operating.md).
-- source: issue 16 (who has not sent); the rejection-rate jump rule is defined in docs/operating.md
-- column macskcb: facility code (MACSKCB)
-- column name: the facility's name as registered
-- column last_file_at: when the facility's last file was received (null: never)
-- column last_claim_at: when the facility's last accepted claim version was received (null: never)
-- column days_silent: whole days since the last file was received (null: never sent)
-- column claims_this_month: claim versions accepted from files received this calendar month
-- column claims_same_month_last_year: claim versions accepted from files received in the same month one year earlier
-- column files_7d: files received in the last 7 days (today included), duplicates left out
-- column rejected_7d: of those, files rejected
-- column rejection_rate_7d: rejected_7d / files_7d (null when no file)
-- column files_prior_28d: files received in the 28 days before the last 7, duplicates left out
-- column rejected_prior_28d: of those, files rejected
-- column rejection_rate_prior_28d: rejected_prior_28d / files_prior_28d (null when no file)
CREATE OR REPLACE VIEW ops.facility_activity AS
WITH uploads AS (
    SELECT macskcb, received_at, status, date_diff('day', received_at::DATE, current_date) AS age
    FROM ops.files
    WHERE reprocess_of IS NULL
),
files AS (
    SELECT
        macskcb,
        max(received_at) AS last_file_at,
        count(*) FILTER (WHERE age < 7 AND status <> 'duplicate') AS files_7d,
        count(*) FILTER (WHERE age < 7 AND status = 'rejected') AS rejected_7d,
        count(*) FILTER (WHERE age >= 7 AND age < 35 AND status <> 'duplicate') AS files_prior_28d,
        count(*) FILTER (WHERE age >= 7 AND age < 35 AND status = 'rejected') AS rejected_prior_28d
    FROM uploads
    GROUP BY macskcb
),
claims AS (
    SELECT
        macskcb,
        max(received_at) AS last_claim_at,
        count(*) FILTER (WHERE date_trunc('month', received_at::DATE) = date_trunc('month', current_date))
            AS claims_this_month,
        count(*) FILTER (
            WHERE date_trunc('month', received_at::DATE) = date_trunc('month', current_date - INTERVAL 1 YEAR)
        ) AS claims_same_month_last_year
    FROM core.claim_versions
    GROUP BY macskcb
)
SELECT
    f.macskcb,
    f.name,
    fi.last_file_at,
    c.last_claim_at,
    date_diff('day', fi.last_file_at::DATE, current_date) AS days_silent,
    coalesce(c.claims_this_month, 0) AS claims_this_month,
    coalesce(c.claims_same_month_last_year, 0) AS claims_same_month_last_year,
    coalesce(fi.files_7d, 0) AS files_7d,
    coalesce(fi.rejected_7d, 0) AS rejected_7d,
    CASE WHEN fi.files_7d > 0 THEN round(fi.rejected_7d / fi.files_7d, 4) END AS rejection_rate_7d,
    coalesce(fi.files_prior_28d, 0) AS files_prior_28d,
    coalesce(fi.rejected_prior_28d, 0) AS rejected_prior_28d,
    CASE WHEN fi.files_prior_28d > 0 THEN round(fi.rejected_prior_28d / fi.files_prior_28d, 4) END
        AS rejection_rate_prior_28d
FROM ops.facilities AS f
LEFT JOIN files AS fi USING (macskcb)
LEFT JOIN claims AS c USING (macskcb)
ORDER BY f.macskcb
