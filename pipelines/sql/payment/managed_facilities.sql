-- object: payment.managed_facilities
-- grain: one row per (reporting facility, registration facility it manages), as listed in the settings file
-- description: The facilities whose registered patients (MA_DKBD) a reporting facility counts as its own in section A of C79a-HD / C80a-HD ("nội tỉnh KCB ban đầu"), e.g. the commune health stations under a district health centre. Read from data/payment/managed_facilities.csv (or the file given to create_payment_objects / BHYT_MANAGED_FACILITIES) when the warehouse is built; codes are trimmed and blank rows dropped. See data/payment/README.md and docs/payment-forms.md (Sections).
-- source: docs/payment-forms.md "Sections" (the rule as hospital systems apply it: the patient's registration facility is this facility or one it manages)
-- param managed_file: the settings file's path as a quoted SQL string literal
-- column macskcb: the reporting facility (MACSKCB)
-- column ma_dkbd: a registration facility the reporting facility manages
-- column ghi_chu: what the facility is and on what authority (free text, provenance)
CREATE OR REPLACE TABLE payment.managed_facilities AS
SELECT DISTINCT
    trim(macskcb) AS macskcb,
    trim(ma_dkbd) AS ma_dkbd,
    coalesce(ghi_chu, '') AS ghi_chu
FROM read_csv(${managed_file}, header = true, all_varchar = true,
    columns = {'macskcb': 'VARCHAR', 'ma_dkbd': 'VARCHAR', 'ghi_chu': 'VARCHAR'})
WHERE nullif(trim(macskcb), '') IS NOT NULL AND nullif(trim(ma_dkbd), '') IS NOT NULL
