-- code: BIZ.XML2.DRUG_NOT_APPROVED_AS_SENT
-- severity: error
-- table: XML2
-- field: HAM_LUONG, SO_DANG_KY, TT_THAU
-- message_vi: Thuốc có trong danh mục nhưng không đúng hàm lượng, số đăng ký hoặc thông tin thầu đã duyệt (HAM_LUONG, SO_DANG_KY, TT_THAU): sửa theo danh mục hoặc quỹ không thanh toán
-- message_en: The drug is on the list, but not with this strength, registration number or tender (HAM_LUONG, SO_DANG_KY, TT_THAU): correct it to the approved entry or the fund does not pay the line
-- grain: one row per offending line
-- source: QĐ 130/4750 Bảng 2 #8, #14, #15 (HAM_LUONG, SO_DANG_KY, TT_THAU as approved); public practice: tracnn/qlbv_public medicine_catalogs keyed by ma_thuoc, ham_luong, so_dang_ky, tt_thau; data/catalogs/README.md (the facility's approved list, loaded with bhyt-etl catalog load)
-- enabled: true
-- amount: the line's T_BHTT: the fund does not pay a line that fails this check (as the catalogue rules that refuse a line: BIZ.XML2.DRUG_NOT_IN_LIST, BIZ.XML3.MA_MAY_NOT_REGISTERED)
SELECT
    macskcb,
    ma_lk,
    'XML2' AS loaihoso,
    'HAM_LUONG, SO_DANG_KY, TT_THAU' AS field,
    concat(
        'STT ', stt, ': MA_THUOC=', ma_thuoc, ' HAM_LUONG=', coalesce(ham_luong, '(empty)'),
        ' SO_DANG_KY=', coalesce(so_dang_ky, '(empty)'), ' TT_THAU=', coalesce(tt_thau, '(empty)'),
        ' matches no approved entry'
    ) AS value,
    greatest(coalesce(t_bhtt, 0), 0) AS amount
FROM chk.main.catalog_drug_lines
WHERE code_listed AND entries = 0
