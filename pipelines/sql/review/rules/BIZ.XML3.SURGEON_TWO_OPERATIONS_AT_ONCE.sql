-- code: BIZ.XML3.SURGEON_TWO_OPERATIONS_AT_ONCE
-- severity: warning
-- table: XML3
-- field: NGUOI_THUC_HIEN, NGAY_TH_YL
-- message_vi: Cùng một phẫu thuật viên (người đầu tiên của NGUOI_THUC_HIEN) thực hiện hai ca phẫu thuật cùng thời điểm (NGAY_TH_YL) ở hai hồ sơ khác nhau
-- message_en: The same surgeon (first code of NGUOI_THUC_HIEN) performs two operations at the same moment (NGAY_TH_YL) on two different claims
-- grain: one row per offending surgery line and other claim
-- source: STANDARD.md §5.4 (NGUOI_THUC_HIEN, NGAY_TH_YL required for surgery); public practice: BHXH review of one practitioner at two places at once (the issue's rule list; CHKBHYT-GDH)
-- enabled: true
-- amount: the line's T_BHTT: the fund does not pay a line that fails this check (as the catalogue rules that refuse a line: BIZ.XML2.DRUG_NOT_IN_LIST, BIZ.XML3.MA_MAY_NOT_REGISTERED)
WITH mine AS (
    SELECT macskcb, ma_lk, stt, ngay_th_yl, trim(string_split(nguoi_thuc_hien, ';')[1]) AS surgeon, t_bhtt
    FROM chk.xml3
    WHERE ma_nhom = '8' AND ngay_th_yl IS NOT NULL AND nullif(trim(nguoi_thuc_hien), '') IS NOT NULL
),
others AS (
    SELECT l.macskcb, l.ma_lk, l.ngay_th_yl, trim(string_split(l.nguoi_thuc_hien, ';')[1]) AS surgeon
    FROM core.xml3 AS l
    JOIN core.claim_current AS c ON c.macskcb = l.macskcb AND c.ma_lk = l.ma_lk AND c.source_sha256 = l.source_sha256
    WHERE l.ma_nhom = '8' AND l.ngay_th_yl IS NOT NULL AND nullif(trim(l.nguoi_thuc_hien), '') IS NOT NULL
)
SELECT
    m.macskcb,
    m.ma_lk,
    'XML3' AS loaihoso,
    'NGUOI_THUC_HIEN, NGAY_TH_YL' AS field,
    concat('STT ', m.stt, ': surgeon ', m.surgeon, ' at ', strftime(m.ngay_th_yl, '%d/%m/%Y %H:%M'), ' also operates on claim ', o.macskcb, '/', o.ma_lk) AS value,
    greatest(coalesce(m.t_bhtt, 0), 0) AS amount
FROM mine AS m
JOIN others AS o
    ON o.surgeon = m.surgeon AND o.ngay_th_yl = m.ngay_th_yl AND (o.macskcb <> m.macskcb OR o.ma_lk <> m.ma_lk)
