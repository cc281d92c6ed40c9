-- code: BIZ.XML7.DINH_CHI_THAI_DETAILS
-- severity: error
-- table: XML7
-- field: MA_DINH_CHI_THAI
-- message_vi: Giấy ra viện có đình chỉ thai nghén (MA_DINH_CHI_THAI = 1) nhưng thiếu nguyên nhân, thời điểm đình chỉ hoặc tuổi thai
-- message_en: The discharge paper records a pregnancy termination (MA_DINH_CHI_THAI = 1) but lacks the reason, the time or the gestational age
-- grain: one row per offending claim
-- source: STANDARD.md §4.1 MA_DINH_CHI_THAI and §5.4 XML7 (Check_Valid QĐ 4750)
-- enabled: true
-- amount: 0: the finding is about a companion document or a field the payment does not depend on; nothing the fund pays changes when it is corrected
SELECT
    macskcb,
    ma_lk,
    'XML7' AS loaihoso,
    'MA_DINH_CHI_THAI' AS field,
    concat(
        'missing:',
        CASE WHEN nullif(trim(nguyennhan_dinhchi), '') IS NULL THEN ' NGUYENNHAN_DINHCHI' ELSE '' END,
        CASE WHEN thoigian_dinhchi IS NULL THEN ' THOIGIAN_DINHCHI' ELSE '' END,
        CASE WHEN tuoi_thai IS NULL THEN ' TUOI_THAI' ELSE '' END
    ) AS value,
    0 AS amount
FROM chk.xml7
WHERE ma_dinh_chi_thai = '1'
  AND (nullif(trim(nguyennhan_dinhchi), '') IS NULL OR thoigian_dinhchi IS NULL OR tuoi_thai IS NULL)
