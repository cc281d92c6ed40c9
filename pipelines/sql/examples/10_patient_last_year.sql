-- title: One patient's last twelve months across facilities (the patient seen at the most facilities)
-- grain: one row per episode of that patient
SELECT t.visit_no, t.macskcb, t.ma_lk, t.ngay_vao, t.ngay_ra, t.ma_loai_kcb, t.ma_benh_chinh, t.t_tongchi_bv
FROM core.patient_timeline AS t
WHERE t.patient_key = (
        SELECT patient_key FROM core.patients ORDER BY facilities DESC, episodes DESC, patient_key LIMIT 1
    )
  AND t.ngay_vao >= (SELECT max(ngay_vao) FROM core.patient_timeline) - INTERVAL 12 MONTH
ORDER BY t.ngay_vao;
