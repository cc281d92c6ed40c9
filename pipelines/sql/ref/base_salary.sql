-- object: ref.base_salary
-- grain: one row per base-salary (lương cơ sở) change, by the day it took effect
-- description: the monthly base salary in VND; 15 % of the one in force at discharge is the in-scope cost under which the fund pays 100 % of an episode (STANDARD.md §4.5); not in data/catalogs, so kept here with its legal source
-- column effective_from: first day the base salary applies; the amount in force at discharge (XML1 NGAY_RA) is the latest with effective_from ≤ that date
-- column amount: monthly base salary (lương cơ sở), VND; an episode whose in-scope cost (T_TONGCHI_BH) is under 15 % of it is paid 100 % (STANDARD.md §4.5)
-- column source: the decree that set the amount (Nghị định …/NĐ-CP)
CREATE OR REPLACE TABLE ref.base_salary AS
SELECT CAST(effective_from AS DATE) AS effective_from, CAST(amount AS DECIMAL(18, 2)) AS amount, source
FROM (
    VALUES
        ('2023-07-01', 1800000, 'Nghị định 24/2023/NĐ-CP'),
        ('2024-07-01', 2340000, 'Nghị định 73/2024/NĐ-CP')
) AS t(effective_from, amount, source)
