-- code: BIZ.XML4.RESULT_MISSING
-- severity: warning
-- table: XML4
-- field: MA_DICH_VU
-- message_vi: Dịch vụ cận lâm sàng (XML3, MA_NHOM 1, 2, 3) không có kết quả trong XML4
-- message_en: A paraclinical service (XML3, MA_NHOM 1, 2, 3) has no result in XML4
-- grain: one row per offending line
-- source: STANDARD.md §5.4 (XML4 when CLS services were done; QĐ 4750 note on Bảng 4) and §4.4 (groups 1 test, 2 imaging, 3 functional exploration)
-- enabled: true
-- amount: the line's T_BHTT: the fund does not pay a line that fails this check (as the catalogue rules that refuse a line: BIZ.XML2.DRUG_NOT_IN_LIST, BIZ.XML3.MA_MAY_NOT_REGISTERED)
SELECT
    l.macskcb,
    l.ma_lk,
    'XML4' AS loaihoso,
    'MA_DICH_VU' AS field,
    concat('XML3 STT ', l.stt, ': MA_DICH_VU=', coalesce(l.ma_dich_vu, '(empty)'), ', MA_NHOM=', l.ma_nhom) AS value,
    greatest(coalesce(l.t_bhtt, 0), 0) AS amount
FROM chk.xml3 AS l
WHERE l.ma_nhom IN ('1', '2', '3')
  AND NOT EXISTS (
      SELECT 1 FROM chk.xml4 AS r
      WHERE r.macskcb = l.macskcb AND r.ma_lk = l.ma_lk AND r.ma_dich_vu = l.ma_dich_vu
  )
