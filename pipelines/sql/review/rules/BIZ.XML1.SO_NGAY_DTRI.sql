-- code: BIZ.XML1.SO_NGAY_DTRI
-- severity: error
-- table: XML1
-- field: SO_NGAY_DTRI
-- message_vi: SO_NGAY_DTRI không đúng quy định theo MA_LOAI_KCB (0 với 01, 07, 09; ngày ra − ngày vào + 1 với 02, 03, 04, 06; không quá số ngày của đợt với 08)
-- message_en: SO_NGAY_DTRI does not follow the rule of its MA_LOAI_KCB (0 for 01, 07, 09; discharge − admission + 1 for 02, 03, 04, 06; at most the episode's days for 08)
-- grain: one row per offending claim
-- source: STANDARD.md §5.3 SO_NGAY_DTRI (QĐ 4750 Bảng 1 #38); rule per type in ref.ma_loai_kcb.so_ngay_dtri_rule; 05 (days of drugs) not checked
-- enabled: true
-- amount: 0: a date, period or duration inconsistency that is corrected, not refused; the money that depends on the stay's length (bed-days) is priced by the BED_DAYS rules
WITH c AS (
    SELECT
        x1.macskcb,
        x1.ma_lk,
        x1.ma_loai_kcb,
        x1.so_ngay_dtri,
        k.so_ngay_dtri_rule AS rule,
        date_diff('day', CAST(x1.ngay_vao AS DATE), CAST(x1.ngay_ra AS DATE)) + 1 AS calendar_days
    FROM chk.xml1 AS x1
    JOIN ref.ma_loai_kcb AS k ON k.ma_loai_kcb = x1.ma_loai_kcb
    WHERE x1.ngay_vao IS NOT NULL AND x1.ngay_ra IS NOT NULL
)
SELECT
    macskcb,
    ma_lk,
    'XML1' AS loaihoso,
    'SO_NGAY_DTRI' AS field,
    concat(
        'SO_NGAY_DTRI=', coalesce(CAST(so_ngay_dtri AS VARCHAR), '(empty)'), '; MA_LOAI_KCB=', ma_loai_kcb,
        '; expected ', CASE rule WHEN 'zero' THEN '0' WHEN 'days_with_technical_services' THEN concat('<= ', calendar_days)
                                 ELSE CAST(calendar_days AS VARCHAR) END
    ) AS value,
    0 AS amount
FROM c
WHERE CASE rule
          WHEN 'zero' THEN so_ngay_dtri IS DISTINCT FROM 0
          WHEN 'discharge_minus_admission_plus_1' THEN so_ngay_dtri IS DISTINCT FROM calendar_days
          WHEN 'days_with_technical_services' THEN so_ngay_dtri IS NULL OR so_ngay_dtri > calendar_days
          ELSE false
      END
