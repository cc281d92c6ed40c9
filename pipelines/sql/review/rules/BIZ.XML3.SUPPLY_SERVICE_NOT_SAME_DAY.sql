-- code: BIZ.XML3.SUPPLY_SERVICE_NOT_SAME_DAY
-- severity: warning
-- table: XML3
-- field: MA_DICH_VU, NGAY_YL
-- message_vi: Dòng vật tư ghi dịch vụ kỹ thuật (MA_DICH_VU) không có trong hồ sơ vào cùng ngày: vật tư phải đi kèm dịch vụ sử dụng nó
-- message_en: A supply line names a technical service (MA_DICH_VU) that the claim does not have on the same day: a supply goes with the service that used it
-- grain: one row per offending line
-- source: STANDARD.md §3.3 XML3 notes (a DVKT that uses a supply puts the DVKT code in MA_DICH_VU; for supplies NGAY_YL = the day of the procedure, QĐ 4750 sheet note); public practice: CHKBHYT-GDH GDH 102
-- enabled: true
-- amount: the supply line's T_BHTT: a supply is paid with the service it is used in
SELECT
    s.macskcb,
    s.ma_lk,
    'XML3' AS loaihoso,
    'MA_DICH_VU, NGAY_YL' AS field,
    concat('STT ', s.stt, ': MA_VAT_TU=', s.ma_vat_tu, ' for MA_DICH_VU=', s.ma_dich_vu, ' on ', strftime(s.ngay_yl, '%d/%m/%Y'), ': no such service that day') AS value,
    greatest(coalesce(s.t_bhtt, 0), 0) AS amount
FROM chk.xml3 AS s
WHERE nullif(trim(s.ma_vat_tu), '') IS NOT NULL
    AND nullif(trim(s.ma_dich_vu), '') IS NOT NULL
    AND s.ngay_yl IS NOT NULL
    AND NOT EXISTS (
        SELECT 1 FROM chk.xml3 AS d
        WHERE d.macskcb = s.macskcb AND d.ma_lk = s.ma_lk AND nullif(trim(d.ma_vat_tu), '') IS NULL
            AND d.ma_dich_vu = s.ma_dich_vu AND CAST(d.ngay_yl AS DATE) = CAST(s.ngay_yl AS DATE)
    )
