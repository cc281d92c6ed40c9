-- code: BIZ.XML1.NGAY_VAO_NOI_TRU_OUTSIDE_STAY
-- severity: error
-- table: XML1
-- field: NGAY_VAO_NOI_TRU
-- message_vi: Thời điểm vào điều trị (NGAY_VAO_NOI_TRU) trước NGAY_VAO hoặc sau NGAY_RA
-- message_en: The treatment start (NGAY_VAO_NOI_TRU) is before NGAY_VAO or after NGAY_RA
-- grain: one row per offending claim
-- source: STANDARD.md §5.3 (NGAY_VAO_NOI_TRU ≥ NGAY_VAO, Check_Valid QĐ 4750 Bảng 1)
-- enabled: true
-- amount: 0: a date, period or duration inconsistency that is corrected, not refused; the money that depends on the stay's length (bed-days) is priced by the BED_DAYS rules
SELECT
    macskcb,
    ma_lk,
    'XML1' AS loaihoso,
    'NGAY_VAO_NOI_TRU' AS field,
    concat(
        'NGAY_VAO_NOI_TRU=', strftime(ngay_vao_noi_tru, '%Y%m%d%H%M'), '; NGAY_VAO=', strftime(ngay_vao, '%Y%m%d%H%M'),
        '; NGAY_RA=', strftime(ngay_ra, '%Y%m%d%H%M')
    ) AS value,
    0 AS amount
FROM chk.xml1
WHERE ngay_vao_noi_tru IS NOT NULL AND (ngay_vao_noi_tru < ngay_vao OR ngay_vao_noi_tru > ngay_ra)
