-- object: core.patient_timeline
-- grain: one row per current claim (core.xml1) that is not a withdrawal (MA_DOITUONG_KCB 8), in time order per patient
-- description: Every episode of every patient across facilities and nights, under the pseudonymous patient_key of core.patients and without any identity (no name, CCCD, card or record number). Claims are linked when they share a CCCD (SO_CCCD) or a BHXH number (the last 10 characters of any card of MA_THE_BHYT), directly or through other claims; names and birth dates never link. Built by pipelines/patients.py build_patients (the key is the keyed hash of the smallest CCCD of the linked claims, else of the smallest BHXH number); in the analytics copy the table is copied as it is.
-- source: STANDARD.md §3.3 XML1 #5 SO_CCCD, #17 MA_THE_BHYT, §4.5 (card layout: the last 10 digits are the BHXH number); ARCHITECTURE.md (core.patients, core.patient_timeline)
-- column patient_key: pseudonymous patient key: 'C' + keyed SHA-256 of the smallest CCCD of the linked claims, or 'B' + that of the smallest BHXH number when none has a CCCD, or 'X' + that of the claim itself when it has neither (then it stands alone)
-- column visit_no: 1, 2, 3 ... the place of the episode in the patient's timeline (by NGAY_VAO, then facility and MA_LK)
-- column macskcb: facility code of the claim (signer-bound)
-- column ma_lk: the claim's MA_LK (episode key, unique per facility)
-- column ngay_vao: NGAY_VAO: admission / arrival time
-- column ngay_ra: NGAY_RA: discharge / end of visit time
-- column ma_loai_kcb: MA_LOAI_KCB: type of care (01 outpatient, 03 inpatient, ...)
-- column ma_benh_chinh: MA_BENH_CHINH: principal diagnosis (ICD-10)
-- column t_tongchi_bv: T_TONGCHI_BV: total cost of the episode at hospital prices
-- column t_bhtt: T_BHTT: amount claimed from the insurance fund
CREATE OR REPLACE TABLE core.patient_timeline AS
SELECT
    patient_key,
    row_number() OVER (PARTITION BY patient_key ORDER BY ngay_vao, macskcb, ma_lk) AS visit_no,
    macskcb,
    ma_lk,
    ngay_vao,
    ngay_ra,
    ma_loai_kcb,
    ma_benh_chinh,
    t_tongchi_bv,
    t_bhtt
FROM _patient_claims
ORDER BY patient_key, visit_no
