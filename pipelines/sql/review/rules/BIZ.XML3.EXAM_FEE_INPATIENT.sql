-- code: BIZ.XML3.EXAM_FEE_INPATIENT
-- severity: warning
-- table: XML3
-- field: SO_LUONG
-- message_vi: Người bệnh nội trú được tính quá một lần tiền khám bệnh (MA_NHOM 13)
-- message_en: An inpatient episode is charged more than one examination fee (MA_NHOM 13)
-- grain: one row per offending claim
-- source: STANDARD.md §5.3/§4.4 and tracnn Xml3176CompleteChecker ("at most one exam fee for inpatients")
-- enabled: true
-- amount: the examination lines' T_BHTT × (examinations − 1) / examinations (ratio rounded to 10 places): an inpatient claim is paid one examination fee
WITH exams AS (
    SELECT macskcb, ma_lk, sum(coalesce(so_luong, 0)) AS n, sum(greatest(coalesce(t_bhtt, 0), 0)) AS bhtt
    FROM chk.xml3
    WHERE ma_nhom = '13'
    GROUP BY macskcb, ma_lk
)
SELECT
    x1.macskcb,
    x1.ma_lk,
    'XML3' AS loaihoso,
    'SO_LUONG' AS field,
    concat('examination fees=', e.n, '; MA_LOAI_KCB=', x1.ma_loai_kcb) AS value,
    e.bhtt * CAST(round((e.n - 1) / e.n, 10) AS DECIMAL(11, 10)) AS amount
FROM chk.xml1 AS x1
JOIN exams AS e ON e.macskcb = x1.macskcb AND e.ma_lk = x1.ma_lk
WHERE x1.ma_loai_kcb IN ('03', '04') AND e.n > 1
