-- code: BIZ.${table}.SIGNER_NOT_REGISTERED
-- severity: warning
-- tables: XML9, XML10, XML11
-- field: MA_TTDV, MA_BS
-- message_vi XML9: Người ký giấy chứng sinh (MA_TTDV) không có trong danh sách nhân viên đã đăng ký của cơ sở vào ngày cấp (NGAY_CT)
-- message_vi XML10: Người ký giấy nghỉ dưỡng thai (MA_TTDV hoặc bác sĩ MA_BS) không có trong danh sách nhân viên đã đăng ký của cơ sở vào ngày cấp (NGAY_CT)
-- message_vi XML11: Người ký giấy chứng nhận nghỉ việc hưởng BHXH (MA_TTDV hoặc bác sĩ MA_BS) không có trong danh sách nhân viên đã đăng ký của cơ sở vào ngày cấp (NGAY_CT)
-- message_en XML9: The signer of the birth certificate (MA_TTDV) is not on the facility's registered staff list on the day it was issued (NGAY_CT)
-- message_en XML10: A signer of the pregnancy-leave certificate (MA_TTDV or the doctor MA_BS) is not on the facility's registered staff list on the day it was issued (NGAY_CT)
-- message_en XML11: A signer of the sick-leave certificate (MA_TTDV or the doctor MA_BS) is not on the facility's registered staff list on the day it was issued (NGAY_CT)
-- grain: one row per offending code
-- source XML9: QĐ 130/4750 Bảng 9 #34 (MA_TTDV: the identifier of the head of facility or the person authorised to sign); NGUOI_DO_DE and NGUOI_GHI_PHIEU (#29, #30) are names, not codes, and are not checked; data/catalogs/README.md (staff kind)
-- source XML10: QĐ 130/4750 Bảng 10 #9 (MA_TTDV) and #11 (MA_BS: the identifier of the head of department or doctor who signs); tracnn/qlbv_public app/Services/Xml3176Xml10Checker.php (INFO_ERROR_MA_TTDV_NOT_FOUND); data/catalogs/README.md (staff kind)
-- source XML11: QĐ 130/4750 Bảng 11 #18 (MA_TTDV) and #19 (MA_BS); tracnn/qlbv_public app/Services/Xml3176Xml11Checker.php (MA_TTDV, MA_BS against the staff list); data/catalogs/README.md (staff kind)
-- enabled: true
-- note: a code matches as a practising certificate (MACCHN) or as a BHXH number (MA_BHXH). amount 0: the certificate grounds a social-insurance benefit (birth, pregnancy leave, sick leave), not BHYT money of the claim
-- amount: 0: the certificate grounds a social-insurance benefit (birth, pregnancy or sick leave), not BHYT money of the claim
SELECT
    macskcb,
    ma_lk,
    loaihoso,
    field,
    concat(field, '=', code, ' not registered on ', strftime(day, '%d/%m/%Y')) AS value,
    CAST(0 AS DECIMAL(18, 2)) AS amount
FROM chk.main.staff_codes
WHERE loaihoso = '${table}' AND NOT registered
