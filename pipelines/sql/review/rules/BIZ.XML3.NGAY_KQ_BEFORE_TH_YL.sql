-- code: BIZ.XML3.NGAY_KQ_BEFORE_TH_YL
-- severity: error
-- table: XML3
-- field: NGAY_KQ
-- message_vi: Thời điểm có kết quả (NGAY_KQ) trước thời điểm thực hiện (NGAY_TH_YL) hoặc ra y lệnh (NGAY_YL)
-- message_en: The result time (NGAY_KQ) is before the execution (NGAY_TH_YL) or the order (NGAY_YL)
-- grain: one row per offending line
-- source: STANDARD.md §5.3 (NGAY_YL ≤ NGAY_TH_YL ≤ NGAY_KQ; tracnn "Ngày kết quả nhỏ hơn ngày y lệnh")
-- enabled: true
-- amount: the line's T_BHTT: the fund does not pay a line that fails this check (as the catalogue rules that refuse a line: BIZ.XML2.DRUG_NOT_IN_LIST, BIZ.XML3.MA_MAY_NOT_REGISTERED)
SELECT
    macskcb,
    ma_lk,
    'XML3' AS loaihoso,
    'NGAY_KQ' AS field,
    concat(
        'STT ', stt, ': NGAY_KQ=', strftime(ngay_kq, '%Y%m%d%H%M'), '; NGAY_TH_YL=', strftime(ngay_th_yl, '%Y%m%d%H%M'),
        '; NGAY_YL=', strftime(ngay_yl, '%Y%m%d%H%M')
    ) AS value,
    greatest(coalesce(t_bhtt, 0), 0) AS amount
FROM chk.xml3
WHERE ngay_kq < ngay_th_yl OR ngay_kq < ngay_yl
