-- code: BIZ.XML2.DRUG_TWICE_SAME_DAY
-- severity: warning
-- table: XML2
-- field: MA_THUOC, NGAY_YL
-- message_vi: Cùng một thuốc (MA_THUOC, HAM_LUONG) được kê hai dòng trong cùng ngày y lệnh
-- message_en: The same drug (MA_THUOC, HAM_LUONG) is on two lines of the same order day
-- grain: one row per repeated line (the first line of the day is not reported)
-- source: public practice: BHXH review of duplicated lines (the issue's rule list; CHKBHYT-GDH); QĐ 130/4750 Bảng 2 (one line per drug and order)
-- enabled: true
-- amount: the repeated line's T_BHTT: the same drug is paid once a day
WITH ranked AS (
    SELECT macskcb, ma_lk, stt, ma_thuoc, ham_luong, ngay_yl, t_bhtt,
        row_number() OVER (
            PARTITION BY macskcb, ma_lk, ma_thuoc, coalesce(ham_luong, ''), CAST(ngay_yl AS DATE) ORDER BY ngay_yl, stt
        ) AS n
    FROM chk.xml2
    WHERE ngay_yl IS NOT NULL AND nullif(trim(ma_thuoc), '') IS NOT NULL
)
SELECT
    macskcb,
    ma_lk,
    'XML2' AS loaihoso,
    'MA_THUOC, NGAY_YL' AS field,
    concat('STT ', stt, ': MA_THUOC=', ma_thuoc, ' again on ', strftime(ngay_yl, '%d/%m/%Y')) AS value,
    greatest(coalesce(t_bhtt, 0), 0) AS amount
FROM ranked
WHERE n > 1
