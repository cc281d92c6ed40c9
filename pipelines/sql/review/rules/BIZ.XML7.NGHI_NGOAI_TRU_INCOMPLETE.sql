-- code: BIZ.XML7.NGHI_NGOAI_TRU_INCOMPLETE
-- severity: warning
-- table: XML7
-- field: SO_NGAY_NGHI, NGOAITRU_TUNGAY, NGOAITRU_DENNGAY
-- message_vi: SO_NGAY_NGHI, NGOAITRU_TUNGAY và NGOAITRU_DENNGAY phải cùng có hoặc cùng để trống
-- message_en: SO_NGAY_NGHI, NGOAITRU_TUNGAY and NGOAITRU_DENNGAY must be all filled or all empty
-- grain: one row per offending claim
-- source: STANDARD.md §5.4 XML7 (Check_Valid QĐ 4750)
-- enabled: true
-- amount: 0: the finding is about a companion document or a field the payment does not depend on; nothing the fund pays changes when it is corrected
SELECT
    macskcb,
    ma_lk,
    'XML7' AS loaihoso,
    'SO_NGAY_NGHI, NGOAITRU_TUNGAY, NGOAITRU_DENNGAY' AS field,
    concat(
        'SO_NGAY_NGHI ', CASE WHEN so_ngay_nghi IS NULL THEN 'empty' ELSE 'filled' END,
        ', NGOAITRU_TUNGAY ', CASE WHEN ngoaitru_tungay IS NULL THEN 'empty' ELSE 'filled' END,
        ', NGOAITRU_DENNGAY ', CASE WHEN ngoaitru_denngay IS NULL THEN 'empty' ELSE 'filled' END
    ) AS value,
    0 AS amount
FROM chk.xml7
WHERE (so_ngay_nghi IS NULL) <> (ngoaitru_tungay IS NULL)
   OR (so_ngay_nghi IS NULL) <> (ngoaitru_denngay IS NULL)
