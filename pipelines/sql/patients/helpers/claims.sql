-- object: _pk_claims
-- grain: one row per current claim (core.xml1) that is not a withdrawal (MA_DOITUONG_KCB 8)
-- description: the claims to link, under an integer id (cid) so that every later step joins integers, not
--   (MACSKCB, MA_LK); the first step of the patient linking (a TEMP table, dropped when core.patients is built)
-- column cid: integer id of the claim within this build
-- column macskcb: facility of the claim
-- column ma_lk: the claim's MA_LK
-- column ngay_vao: NGAY_VAO of the claim
-- column ngay_ra: NGAY_RA of the claim
-- column ma_loai_kcb: MA_LOAI_KCB of the claim
-- column ma_benh_chinh: MA_BENH_CHINH of the claim
-- column t_tongchi_bv: T_TONGCHI_BV of the claim
-- column t_bhtt: T_BHTT of the claim
-- column so_cccd: SO_CCCD of the claim (an identifier: never leaves the build)
-- column ma_the_bhyt: MA_THE_BHYT of the claim, a ';' list when the card changed (never leaves the build)
CREATE OR REPLACE TEMP TABLE _pk_claims AS
SELECT
    CAST(row_number() OVER () AS BIGINT) AS cid,
    macskcb, ma_lk, ngay_vao, ngay_ra, ma_loai_kcb, ma_benh_chinh, t_tongchi_bv, t_bhtt, so_cccd, ma_the_bhyt
FROM core.xml1
WHERE coalesce(trim(ma_doituong_kcb), '') <> '8'
