-- object: payment.claims
-- grain: one row per claim that the payment reports count: the current accepted version of the claim (core.xml1; rejected claims never reach core) whose MA_DOITUONG_KCB is not 8
-- description: The scope and the classifications shared by every payment report. A claim whose current version carries MA_DOITUONG_KCB 8 ("Thu hồi đề nghị thanh toán", QĐ 3276/QĐ-BYT Phụ lục 1; STANDARD §4.3) is a withdrawal of the payment request and is left out of every report. Inpatient (C80a) versus outpatient (C79a) follows MA_LOAI_KCB: 03, 04 and 09 are inpatient (data/catalogs/ma_loai_kcb.csv, column inpatient), every other type of care is outpatient. The patient-origin section of the C79a/C80a forms (TT 178/2012/TT-BTC layout, ANCHORS §2.5) is decided by where the card registers the patient for primary care (the first MA_DKBD of a ';' list), compared with the facility that treated them: A = registered at this facility (nội tỉnh KCB ban đầu); B = registered at another facility of the same province, i.e. the first two characters of MA_DKBD equal those of the facility code (nội tỉnh đến); C = registered in another province (ngoại tỉnh đến). When MA_DKBD is empty the province is taken from characters 4-5 of the first MA_THE_BHYT if that is a well-formed card number (STANDARD §4.5: XX Y ZZ NNNNNNNNNN), else the claim is C; in the analytics copy the card number is a keyed hash, so there an empty MA_DKBD always gives C. MA_DOITUONG_KCB is not used for the section: it encodes the route and benefit (đúng tuyến, cấp cứu, trái tuyến...), not where the patient comes from; it is carried in ma_lydo_vvien instead.
-- source: STANDARD.md §4.2 (MA_LOAI_KCB), §4.3 (MA_DOITUONG_KCB, code 8), §4.5 (card layout); ANCHORS.md §2.5 (C79a/C80a sections A/B/C; MA_LYDO_VVIEN from MA_DOITUONG_KCB as qlbv_public does)
-- column macskcb: facility code of the envelope the claim came in (signer-bound), the report's facility
-- column ma_lk: claim (treatment episode) key, unique per facility
-- column source_sha256: SHA-256 of the file that carried the current version (lineage)
-- column version: version number of the claim that is current
-- column nam_qt: settlement year (XML1 NAM_QT)
-- column thang_qt: settlement month (XML1 THANG_QT)
-- column ma_doituong_kcb: MA_DOITUONG_KCB as sent (trimmed): the patient's category of visit
-- column ma_lydo_vvien: route group = the part of MA_DOITUONG_KCB before the first '.': 1 đúng tuyến / right place, 2 cấp cứu (emergency), 3 trái tuyến (self-referred above level), 7 or 10 drugs collected by appointment, 9 not a BHYT visit (the 7980a MA_LYDO_VVIEN column)
-- column ma_loai_kcb: type of care, two digits (01..09)
-- column noi_tru: true for inpatient care (MA_LOAI_KCB 03, 04, 09): the claim belongs to C80a, else C79a
-- column phan_nhom: patient-origin section of C79a/C80a: A, B or C (see description)
CREATE OR REPLACE VIEW payment.claims AS
WITH base AS (
    SELECT
        x.macskcb,
        x.ma_lk,
        x.source_sha256,
        x.version,
        x.nam_qt,
        x.thang_qt,
        trim(x.ma_doituong_kcb) AS ma_doituong_kcb,
        lpad(trim(x.ma_loai_kcb), 2, '0') AS ma_loai_kcb,
        nullif(trim(split_part(x.ma_dkbd, ';', 1)), '') AS dkbd,
        trim(split_part(x.ma_the_bhyt, ';', 1)) AS the_bhyt
    FROM core.xml1 AS x
    WHERE coalesce(trim(x.ma_doituong_kcb), '') <> '8'
)
SELECT
    macskcb,
    ma_lk,
    source_sha256,
    version,
    nam_qt,
    thang_qt,
    ma_doituong_kcb,
    split_part(ma_doituong_kcb, '.', 1) AS ma_lydo_vvien,
    ma_loai_kcb,
    ma_loai_kcb IN ('03', '04', '09') AS noi_tru,
    CASE
        WHEN dkbd = macskcb THEN 'A'
        WHEN dkbd IS NOT NULL AND left(dkbd, 2) = left(macskcb, 2) THEN 'B'
        WHEN dkbd IS NULL AND regexp_full_match(the_bhyt, '[A-Z]{2}[1-5][0-9]{12}')
            AND substr(the_bhyt, 4, 2) = left(macskcb, 2) THEN 'B'
        ELSE 'C'
    END AS phan_nhom
FROM base
