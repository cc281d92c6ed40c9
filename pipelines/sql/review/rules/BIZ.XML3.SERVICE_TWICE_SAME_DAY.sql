-- code: BIZ.XML3.SERVICE_TWICE_SAME_DAY
-- severity: warning
-- table: XML3
-- field: MA_DICH_VU, NGAY_YL
-- message_vi: Cùng một dịch vụ kỹ thuật (MA_DICH_VU, không phải giường, khám, vật tư) được tính hai dòng trong cùng ngày
-- message_en: The same technical service (MA_DICH_VU; not a bed, an examination or a supply) is billed on two lines of the same day
-- grain: one row per repeated line (the first line of the day is not reported)
-- source: public practice: BHXH review of duplicated lines (the issue's rule list); QĐ 130/4750 Bảng 3
-- enabled: true
-- amount: the repeated line's T_BHTT: the same service is paid once a day
WITH ranked AS (
    SELECT macskcb, ma_lk, stt, ma_dich_vu, ngay_yl, t_bhtt,
        row_number() OVER (PARTITION BY macskcb, ma_lk, ma_dich_vu, CAST(ngay_yl AS DATE) ORDER BY ngay_yl, stt) AS n
    FROM chk.xml3
    WHERE ngay_yl IS NOT NULL AND nullif(trim(ma_dich_vu), '') IS NOT NULL AND nullif(trim(ma_vat_tu), '') IS NULL
        AND coalesce(ma_nhom, '') NOT IN ('10', '11', '12', '13', '14', '15', '16')
)
SELECT
    macskcb,
    ma_lk,
    'XML3' AS loaihoso,
    'MA_DICH_VU, NGAY_YL' AS field,
    concat('STT ', stt, ': MA_DICH_VU=', ma_dich_vu, ' again on ', strftime(ngay_yl, '%d/%m/%Y')) AS value,
    greatest(coalesce(t_bhtt, 0), 0) AS amount
FROM ranked
WHERE n > 1
