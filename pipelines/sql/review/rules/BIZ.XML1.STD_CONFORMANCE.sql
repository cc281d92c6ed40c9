-- code: BIZ.XML1.STD_CONFORMANCE
-- severity: warning
-- table: XML1
-- field: any (the field of each finding: MA_TTDV, T_BHTT ...)
-- message_vi: Hồ sơ được tiếp nhận nhưng chưa đúng văn bản chuẩn (độ dài, định dạng, số chữ số thập phân, trường bắt buộc, thứ tự phần tử, cấu trúc bảng); giá trị được lưu đúng như tệp gửi. Xem mã STD trong cột value và docs/conformance.md.
-- message_en: The claim was taken in but does not meet the standard's text (length, format, decimals, a required field, element order, table shape); the values are stored exactly as sent. See the STD code in the value column and docs/conformance.md.
-- grain: one row per conformance finding of a claim (per STD code, table and field), as its receipt reported it
-- source: STANDARD.md §7 item 19 and docs/conformance.md; receipts' STD.* warnings (pipelines/decide/conform.py), kept in ops.conformance
-- enabled: true
-- amount: 0: the finding is about a companion document or a field the payment does not depend on; nothing the fund pays changes when it is corrected
SELECT
    macskcb,
    ma_lk,
    loaihoso,
    coalesce(field, '') AS field,
    concat(code, ': ', detail) AS value,
    0 AS amount
FROM chk.main.conformance
