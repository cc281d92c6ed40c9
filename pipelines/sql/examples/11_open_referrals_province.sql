-- title: Referrals sent by the facilities of province 79 that have not arrived anywhere (yet)
-- grain: one row per referral paper with no arrival
SELECT from_macskcb, from_ma_lk, referred_at, to_macskcb, receiver_reports, ma_benh_chinh,
       date_diff('day', CAST(referred_at AS DATE),
                 (SELECT max(CAST(ngay_vao AS DATE)) FROM core.patient_timeline)) AS days_open
FROM core.referrals
WHERE status = 'never_arrived' AND left(from_macskcb, 2) = '79'
ORDER BY referred_at, from_macskcb;
