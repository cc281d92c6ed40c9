-- object: _patient_claims
-- grain: one row per claim to link (_pk_claims), without its identifiers
-- description: every claim with its patient key and none of its identifiers: what core.patient_timeline is
--   built from (a TEMP view of the patient linking)
-- column macskcb: facility of the claim
-- column ma_lk: the claim's MA_LK
-- column ngay_vao: NGAY_VAO of the claim
-- column ngay_ra: NGAY_RA of the claim
-- column ma_loai_kcb: MA_LOAI_KCB of the claim
-- column ma_benh_chinh: MA_BENH_CHINH of the claim
-- column t_tongchi_bv: T_TONGCHI_BV of the claim
-- column t_bhtt: T_BHTT of the claim
-- column patient_key: the patient key of the claim's component (_pk_keys)
CREATE OR REPLACE TEMP VIEW _patient_claims AS
SELECT c.* EXCLUDE (cid, so_cccd, ma_the_bhyt), k.patient_key
FROM _pk_claims AS c
LEFT JOIN _pk_anchor AS a ON a.cid = c.cid
LEFT JOIN _pk_roots AS r ON r.idx = a.anchor
JOIN _pk_keys AS k ON k.root = coalesce(r.root, -c.cid)
