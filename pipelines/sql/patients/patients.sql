-- object: core.patients
-- grain: one row per patient (pseudonymous patient_key) with at least one current claim that is not a withdrawal
-- description: Who came back, where, and what it cost, without any identity: one row per person as linked by CCCD or BHXH number across facilities and nights (see core.patient_timeline for the linking rule), aggregated from core.patient_timeline. Built by pipelines/patients.py build_patients; copied as it is into the analytics copy.
-- column patient_key: pseudonymous patient key (see core.patient_timeline); the same person keeps it from night to night as long as the smallest CCCD (or BHXH number) of the linked claims stays the same
-- column first_seen: NGAY_VAO of the patient's first episode
-- column last_seen: NGAY_RA (else NGAY_VAO) of the patient's last episode
-- column facilities: number of distinct facilities (MACSKCB) the patient was seen at
-- column macskcb_list: the facility codes the patient was seen at, sorted
-- column episodes: number of episodes (current claims, withdrawals left out)
-- column t_tongchi_bv: total cost of the episodes at hospital prices (sum of T_TONGCHI_BV)
-- column t_bhtt: total amount claimed from the insurance fund (sum of T_BHTT)
CREATE OR REPLACE TABLE core.patients AS
SELECT
    patient_key,
    min(ngay_vao) AS first_seen,
    max(coalesce(ngay_ra, ngay_vao)) AS last_seen,
    CAST(count(DISTINCT macskcb) AS INTEGER) AS facilities,
    list(DISTINCT macskcb ORDER BY macskcb) AS macskcb_list,
    CAST(count(*) AS INTEGER) AS episodes,
    sum(t_tongchi_bv) AS t_tongchi_bv,
    sum(t_bhtt) AS t_bhtt
FROM core.patient_timeline
GROUP BY patient_key
ORDER BY patient_key
