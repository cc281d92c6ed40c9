-- code: BIZ.XML3.SURGEON_IS_ANAESTHETIST
-- severity: warning
-- table: XML3
-- field: NGUOI_THUC_HIEN, PP_VO_CAM
-- message_vi: Ca phẫu thuật, thủ thuật có gây mê hoặc gây tê (PP_VO_CAM 1 hoặc 2) ghi cùng một người hai lần trong kíp thực hiện (NGUOI_THUC_HIEN): phẫu thuật viên chính không thể đồng thời là người gây mê, gây tê
-- message_en: An operation or procedure under general or regional anaesthesia (PP_VO_CAM 1 or 2) lists the same person twice in its team (NGUOI_THUC_HIEN): the main surgeon cannot also be the anaesthetist
-- grain: one row per offending line
-- source: QĐ 130/4750 Bảng 3 #34 (NGUOI_THUC_HIEN: the codes of the staff who perform the service, several separated by ';', the main performer first) and #42 (PP_VO_CAM: 1 general, 2 regional anaesthesia); public practice: the issue's rule list (surgeon equal to anaesthetist), BIZ.XML3.SURGEON_TWO_OPERATIONS_AT_ONCE (first code = the surgeon)
-- enabled: true
-- note: the standard gives no role per code, so the rule finds the one case the data can show: the surgeon (first code) named again later in the team, or any code named twice. A team of one person under anaesthesia is not flagged (it cannot be told from a surgeon-only list). amount = the line's T_BHTT (the operation as billed)
-- amount: the line's T_BHTT: an operation whose team names the surgeon again under anaesthesia is not paid as billed until the team is corrected
WITH team AS (
    SELECT
        macskcb, ma_lk, stt, t_bhtt,
        list_transform(string_split(nguoi_thuc_hien, ';'), lambda x: upper(trim(x))) AS codes
    FROM chk.xml3
    WHERE ma_nhom IN ('8', '18') AND pp_vo_cam IN ('1', '2') AND nullif(trim(nguoi_thuc_hien), '') IS NOT NULL
),
named AS (
    SELECT *, list_filter(codes, lambda x: x <> '') AS people FROM team
)
SELECT
    macskcb,
    ma_lk,
    'XML3' AS loaihoso,
    'NGUOI_THUC_HIEN' AS field,
    concat(
        'STT ', stt, ': PP_VO_CAM anaesthesia; ',
        CASE WHEN len(list_filter(people, lambda x: x = people[1])) > 1
            THEN concat('surgeon ', people[1], ' named again in the team')
            ELSE 'a team member named twice' END
    ) AS value,
    CAST(greatest(coalesce(t_bhtt, 0), 0) AS DECIMAL(18, 2)) AS amount
FROM named
WHERE len(people) > len(list_distinct(people))
