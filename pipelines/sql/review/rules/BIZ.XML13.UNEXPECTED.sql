-- code: BIZ.XML13.UNEXPECTED
-- severity: warning
-- table: XML13
-- field: MA_LOAI_RV
-- message_vi: Hồ sơ có giấy chuyển tuyến (XML13) nhưng MA_LOAI_RV của XML1 không phải chuyển tuyến (2, 5)
-- message_en: The claim has a referral paper (XML13) but XML1 MA_LOAI_RV is not a transfer (2, 5)
-- grain: one row per offending claim
-- source: STANDARD.md §5.4 (XML13 only if MA_LOAI_RV ∈ {2, 5}; QĐ 4750 note on Bảng 13)
-- enabled: true
-- amount: 0: the finding is about a companion document or a field the payment does not depend on; nothing the fund pays changes when it is corrected
SELECT
    x1.macskcb,
    x1.ma_lk,
    'XML13' AS loaihoso,
    'MA_LOAI_RV' AS field,
    concat('XML1 MA_LOAI_RV=', coalesce(x1.ma_loai_rv, '(empty)'), '; XML13 present') AS value,
    0 AS amount
FROM chk.xml1 AS x1
WHERE coalesce(x1.ma_loai_rv, '') NOT IN ('2', '5')
  AND EXISTS (SELECT 1 FROM chk.xml13 AS d WHERE d.macskcb = x1.macskcb AND d.ma_lk = x1.ma_lk)
