-- object: chk.main.episodes_by_patient
-- grain: one row per claim and patient identifier ('B' + the BHXH number of each card, 'C' + SO_CCCD)
-- description: every episode keyed by the patient's identifiers, for the rules that compare a claim with the
--   patient's other claims (overlapping stays, visits during a stay): the claims under review (checked) and
--   every current claim of the warehouse (under review or not) that shares an identifier with a claim under
--   review (the others can never meet a claim under review on pkey). Withdrawn claims (MA_DOITUONG_KCB 8) are
--   left out. Computed once per scope (a table of the in-memory scope chk, read twice by each of several
--   rules: as a view the whole history was read each time), never in the warehouse.
-- param db: the warehouse's catalogue, quoted (the scope is an attached in-memory database)
-- column checked: true for a claim under review (chk.xml1), false for a current claim of the warehouse
-- column macskcb: facility of the claim
-- column ma_lk: the claim's MA_LK
-- column ngay_vao: NGAY_VAO of the claim
-- column ngay_ra: NGAY_RA of the claim
-- column pkey: 'B' + the last 10 characters of a card of MA_THE_BHYT, or 'C' + SO_CCCD
-- column inpatient: MA_LOAI_KCB is an inpatient type (ref.ma_loai_kcb)
CREATE TABLE chk.main.episodes_by_patient AS
WITH episodes AS (
    SELECT true AS checked, macskcb, ma_lk, ngay_vao, ngay_ra, ma_loai_kcb, ma_the_bhyt, so_cccd
    FROM chk.main.xml1
    WHERE coalesce(ma_doituong_kcb, '') <> '8'
    UNION ALL
    SELECT false AS checked, macskcb, ma_lk, ngay_vao, ngay_ra, ma_loai_kcb, ma_the_bhyt, so_cccd
    FROM ${db}.core.xml1
    WHERE coalesce(ma_doituong_kcb, '') <> '8'
),
keyed AS (
    SELECT checked, macskcb, ma_lk, ngay_vao, ngay_ra, ma_loai_kcb,
           'B' || right(trim(unnest(string_split(ma_the_bhyt, ';'))), 10) AS pkey
    FROM episodes
    UNION ALL
    SELECT checked, macskcb, ma_lk, ngay_vao, ngay_ra, ma_loai_kcb, 'C' || trim(so_cccd)
    FROM episodes
    WHERE nullif(trim(so_cccd), '') IS NOT NULL
)
SELECT DISTINCT
    checked, macskcb, ma_lk, ngay_vao, ngay_ra, pkey,
    coalesce(ma_loai_kcb, '') IN (SELECT ma_loai_kcb FROM ${db}.ref.ma_loai_kcb WHERE inpatient) AS inpatient
FROM keyed
WHERE length(pkey) >= 10
    AND pkey IN (SELECT k.pkey FROM keyed AS k WHERE k.checked)
