-- object: payment.claims
-- grain: one row per claim that the payment reports count: the current accepted version of the claim (core.xml1; rejected claims never reach core) whose MA_DOITUONG_KCB is not 8
-- description: The scope and the classifications shared by every payment report. A claim whose current version carries MA_DOITUONG_KCB 8 ("Thu hồi đề nghị thanh toán", QĐ 3276/QĐ-BYT Phụ lục 1; STANDARD §4.3) is a withdrawal of the payment request and is left out of every report. Inpatient (C80a) versus outpatient (C79a) follows MA_LOAI_KCB: 03, 04 and 09 are inpatient (data/catalogs/ma_loai_kcb.csv, column inpatient), every other type of care is outpatient.
--   Sections of C79a-HD / C80a-HD (docs/payment-forms.md "Sections"): A "nội tỉnh KCB ban đầu" = the card registers the patient for primary care (first MA_DKBD of a ';' list) at this facility or at a facility it manages (payment.managed_facilities); otherwise the province of the card decides: B "nội tỉnh đến" when it is the facility's province (the first two characters of MACSKCB), C "ngoại tỉnh đến" when it is another. The card's province is characters 4-5 of the first MA_THE_BHYT when that is a well-formed card number (STANDARD §4.5: 2 letters group, 1 digit benefit level, 2 digits province, 10 digits; BHXH lookup error 052 names chars 4-5 the province); when it is not (a keyed hash in the analytics copy, a malformed number) the province of MA_DKBD (its first two characters) stands in, and with neither the claim is C.
--   Route sub-groups inside each section: tuyen 'II' trái tuyến when the legacy reason ma_lydo_vvien is 3, else 'I' đúng tuyến (1 đúng tuyến, 2 cấp cứu, 4 thông tuyến count as đúng tuyến, as the hospital systems print them).
--   ma_lydo_vvien is the legacy MA_LYDO_VVIEN code (1 đúng tuyến, 2 cấp cứu, 3 trái tuyến, 4 thông tuyến; QĐ 4210 era) the 7980a list still carries, derived from the QĐ 3276 MA_DOITUONG_KCB: 2 -> 2; 3.x -> 3; the self-referred codes paid as in-network (1.2, 1.11 - 1.15, 1.18: "thông tuyến") -> 4; every other 1.x, 7.x, 10 (registered place, referral, appointment, drugs by appointment) -> 1; 9 (not a BHYT visit) and unknown codes -> 1 with ma_doituong_kcb kept as sent.
-- source: STANDARD.md §4.2 (MA_LOAI_KCB), §4.3 (MA_DOITUONG_KCB codes of QĐ 3276, code 8), §4.5 (card layout, province chars 4-5); ANCHORS.md §2.5 (C79a/C80a sections A/B/C); docs/payment-forms.md (sections with đúng/trái tuyến sub-groups as HIS exporters print them; legacy MA_LYDO_VVIEN 1-4)
-- column macskcb: facility code of the envelope the claim came in (signer-bound), the report's facility
-- column ma_lk: claim (treatment episode) key, unique per facility
-- column source_sha256: SHA-256 of the file that carried the current version (lineage)
-- column version: version number of the claim that is current
-- column nam_qt: settlement year (XML1 NAM_QT)
-- column thang_qt: settlement month (XML1 THANG_QT)
-- column ma_doituong_kcb: MA_DOITUONG_KCB as sent (trimmed): the patient's category of visit
-- column ma_lydo_vvien: legacy MA_LYDO_VVIEN 1 đúng tuyến, 2 cấp cứu, 3 trái tuyến, 4 thông tuyến, from MA_DOITUONG_KCB (see description)
-- column ma_loai_kcb: type of care, two digits (01..09)
-- column noi_tru: true for inpatient care (MA_LOAI_KCB 03, 04, 09): the claim belongs to C80a, else C79a
-- column ma_tinh_the: province of the card (chars 4-5 of a well-formed first MA_THE_BHYT), else of MA_DKBD, else NULL
-- column phan_nhom: section of C79a/C80a: A, B or C (see description)
-- column tuyen: route sub-group inside the section: 'I' đúng tuyến or 'II' trái tuyến
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
),
classified AS (
    SELECT
        b.*,
        CASE
            WHEN b.ma_doituong_kcb = '2' THEN '2'
            WHEN split_part(b.ma_doituong_kcb, '.', 1) = '3' THEN '3'
            WHEN b.ma_doituong_kcb IN ('1.2', '1.11', '1.12', '1.13', '1.14', '1.15', '1.18') THEN '4'
            ELSE '1'
        END AS ma_lydo_vvien,
        CASE
            WHEN regexp_full_match(coalesce(b.the_bhyt, ''), '[A-Z]{2}[1-5][0-9]{12}') THEN substr(b.the_bhyt, 4, 2)
            ELSE left(b.dkbd, 2)
        END AS ma_tinh_the,
        EXISTS (
            SELECT 1 FROM payment.managed_facilities AS m WHERE m.macskcb = b.macskcb AND m.ma_dkbd = b.dkbd
        ) AS dkbd_managed
    FROM base AS b
)
SELECT
    macskcb,
    ma_lk,
    source_sha256,
    version,
    nam_qt,
    thang_qt,
    ma_doituong_kcb,
    ma_lydo_vvien,
    ma_loai_kcb,
    ma_loai_kcb IN ('03', '04', '09') AS noi_tru,
    ma_tinh_the,
    CASE
        WHEN dkbd = macskcb OR dkbd_managed THEN 'A'
        WHEN ma_tinh_the = left(macskcb, 2) THEN 'B'
        ELSE 'C'
    END AS phan_nhom,
    CASE WHEN ma_lydo_vvien = '3' THEN 'II' ELSE 'I' END AS tuyen
FROM classified
