-- code: BIZ.XML1.NGAY_TTOAN_BEFORE_NGAY_RA
-- severity: warning
-- table: XML1
-- field: NGAY_TTOAN
-- message_vi: Thời điểm thanh toán (NGAY_TTOAN) trước thời điểm ra viện/kết thúc khám (NGAY_RA)
-- message_en: The payment time (NGAY_TTOAN) is before the discharge / end of visit (NGAY_RA)
-- grain: one row per offending claim
-- source: STANDARD.md §5.3 and QĐ 4750 Bảng 1 #43 (payment at the end of the episode; empty if not yet paid)
-- enabled: true
-- amount: 0: the finding is about a companion document or a field the payment does not depend on; nothing the fund pays changes when it is corrected
SELECT
    macskcb,
    ma_lk,
    'XML1' AS loaihoso,
    'NGAY_TTOAN' AS field,
    concat('NGAY_TTOAN=', strftime(ngay_ttoan, '%Y%m%d%H%M'), '; NGAY_RA=', strftime(ngay_ra, '%Y%m%d%H%M')) AS value,
    0 AS amount
FROM chk.xml1
WHERE ngay_ttoan IS NOT NULL AND ngay_ttoan < ngay_ra
