-- object: _eligibility_list
-- grain: one row per line of the fund's card eligibility list file (<reference>/eligibility.csv) that has a card number
-- description: the list file typed the way ref.eligibility holds it, read with every value as text: codes
--   trimmed and upper-cased, dates yyyyMMdd, empty values NULL. A missing column or a date that is not
--   yyyyMMdd fails the load (patients.load_eligibility), which then names the file (a TEMP view)
-- param list_file: the list's path as a quoted SQL string literal
-- column ma_the_bhyt: MA_THE_BHYT of the line, trimmed, upper case
-- column gt_the_tu: GT_THE_TU of the line, yyyyMMdd, as a DATE
-- column gt_the_den: GT_THE_DEN of the line, yyyyMMdd, as a DATE
-- column muc_huong: MUC_HUONG of the line, as DECIMAL(5, 2)
-- column ma_dkbd: MA_DKBD of the line, upper case; NULL when empty
-- column ma_ket_qua: the look-up result code of the line; NULL when empty
-- column ma_the_moi: the new card number of the line, upper case; NULL when empty
CREATE OR REPLACE TEMP VIEW _eligibility_list AS
SELECT
    upper(trim(ma_the_bhyt)) AS ma_the_bhyt,
    CAST(strptime(nullif(trim(gt_the_tu), ''), '%Y%m%d') AS DATE) AS gt_the_tu,
    CAST(strptime(nullif(trim(gt_the_den), ''), '%Y%m%d') AS DATE) AS gt_the_den,
    CAST(nullif(trim(muc_huong), '') AS DECIMAL(5, 2)) AS muc_huong,
    nullif(upper(trim(ma_dkbd)), '') AS ma_dkbd,
    nullif(trim(ma_ket_qua), '') AS ma_ket_qua,
    nullif(upper(trim(ma_the_moi)), '') AS ma_the_moi
FROM read_csv(${list_file}, header = true, delim = ',', quote = '"', all_varchar = true)
WHERE nullif(trim(ma_the_bhyt), '') IS NOT NULL
