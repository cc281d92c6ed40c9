-- title: Tests and imaging repeated at another facility within the window, and what they cost the fund
-- grain: one row per repeated paraclinical line
SELECT first_macskcb, repeat_macskcb, ma_dich_vu, ma_nhom, days_between, repeat_thanh_tien_bh
FROM review.repeat_services
ORDER BY repeat_thanh_tien_bh DESC
LIMIT 20;
