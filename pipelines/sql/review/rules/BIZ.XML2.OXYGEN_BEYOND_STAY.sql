-- code: BIZ.XML2.OXYGEN_BEYOND_STAY
-- severity: warning
-- table: XML2
-- field: SO_LUONG, MA_THUOC
-- message_vi: Lượng oxy (MA_THUOC 40.17, tính theo lít) đề nghị thanh toán vượt quá lượng có thể thở trong thời gian từ y lệnh oxy đầu tiên đến khi ra viện, kể cả ở lưu lượng cao nhất (60 lít/phút liên tục): kiểm tra số lượng và đơn vị tính
-- message_en: The oxygen billed (MA_THUOC 40.17, in litres) exceeds what could be breathed between the first oxygen order and discharge, even at the highest flow (60 litres a minute without a break): check the quantity and the unit
-- grain: one row per offending claim (its oxygen lines together)
-- source: QĐ 130/4750 Bảng 2 #3 (MA_THUOC 40.17: medical oxygen), #8 (DON_VI_TINH: the smallest unit actually used), #18 (SO_LUONG: the quantity actually used); TT 20/2022/TT-BYT Phụ lục I STT 17 (oxygen in the drug list, data/catalogs/drugs.csv: unit Lít); the issue's rule list (oxygen beyond the stay)
-- enabled: true
-- note: 60 L/min is the highest flow of ordinary delivery devices (high-flow nasal cannula); ours, a physical bound rather than a regulation: the rule finds gross over-billing only (e.g. litres written for hours or days). Lines whose unit is not the litre are left out. amount = the fund's share (T_BHTT) of the litres above the bound
-- amount: the fund's share (T_BHTT) of the litres above the bound: T_BHTT × (litres − bound) / litres (ratio rounded to 10 places), never below 0, at most the lines' T_BHTT
WITH oxygen AS (
    SELECT
        l.macskcb, l.ma_lk,
        min(coalesce(l.ngay_th_yl, l.ngay_yl)) AS first_order,
        sum(l.so_luong) AS litres,
        sum(coalesce(l.t_bhtt, 0)) AS t_bhtt
    FROM chk.xml2 AS l
    WHERE trim(l.ma_thuoc) = '40.17'
        AND regexp_matches(lower(trim(l.don_vi_tinh)), '^(lít|lit|l)$')
        AND l.so_luong > 0
    GROUP BY l.macskcb, l.ma_lk
),
bound AS (
    SELECT o.*, x1.ngay_ra,
        CAST(60 * greatest(date_diff('minute', o.first_order, x1.ngay_ra), 0) AS DECIMAL(18, 3)) AS max_litres
    FROM oxygen AS o
    JOIN chk.xml1 AS x1 ON x1.macskcb = o.macskcb AND x1.ma_lk = o.ma_lk
    WHERE o.first_order IS NOT NULL AND x1.ngay_ra IS NOT NULL
)
SELECT
    macskcb,
    ma_lk,
    'XML2' AS loaihoso,
    'SO_LUONG' AS field,
    concat('oxygen ', litres, ' L from ', strftime(first_order, '%d/%m/%Y %H:%M'), ' to discharge ',
        strftime(ngay_ra, '%d/%m/%Y %H:%M'), '; at most ', max_litres, ' L') AS value,
    CAST(least(greatest(t_bhtt, 0), greatest(round(t_bhtt * CAST(round((litres - max_litres) / litres, 10) AS DECIMAL(11, 10)), 0), 0)) AS DECIMAL(18, 2)) AS amount
FROM bound
WHERE litres > max_litres
