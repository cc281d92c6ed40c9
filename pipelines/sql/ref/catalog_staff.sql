-- object: ref.catalog_staff
-- grain: one row per registered practitioner (MA_BHXH, MACCHN) at a facility, per version and validity span
-- description: Danh mục nhân viên y tế: licensed staff registered at the facility (BHXH portal template, 25 columns), as loaded by bhyt-etl catalog load (pipelines/reference; data/catalogs/README.md), every version kept; read it as of a day d with d BETWEEN valid_from AND valid_to. A version applies from its version_from (the first one also to every earlier day) until the next version of the same facility (or national list) starts; the entry's own TU_NGAY/DEN_NGAY narrow that
-- source: data/catalogs/README.md (layouts of the BHXH portal catalogue templates)
-- param loaded: the relation holding the rows of every loaded version of the kind (registered by load_reference)
-- column macskcb: MACSKCB of the facility whose list this is
-- column ma_loai_kcb: MA_LOAI_KCB: type of care of the department
-- column ma_khoa: MA_KHOA: department code
-- column ten_khoa: TEN_KHOA: department name
-- column ma_bhxh: MA_BHXH: the staff member's social-insurance number (10 digits); claims may carry it in MA_TTDV
-- column ho_ten: HO_TEN: the staff member's name
-- column gioi_tinh: GIOI_TINH: sex code
-- column chucdanh_nn: CHUCDANH_NN: professional title code
-- column vi_tri: VI_TRI: position code
-- column macchn: MACCHN: practising-certificate number (CCHN), as MA_BAC_SI, NGUOI_THUC_HIEN, MA_BS_DOC_KQ carry it
-- column ngaycap_cchn: NGAYCAP_CCHN: day the certificate was issued
-- column noicap_cchn: NOICAP_CCHN: who issued it
-- column phamvi_cm: PHAMVI_CM: scope of practice (codes)
-- column phamvi_cmbs: PHAMVI_CMBS: additional scope of practice
-- column dvkt_khac: DVKT_KHAC: other services the person may perform
-- column vb_phancong: VB_PHANCONG: assignment document
-- column thoigian_dk: THOIGIAN_DK: registered working-time code
-- column thoigian_ngay: THOIGIAN_NGAY: working hours per day
-- column thoigian_tuan: THOIGIAN_TUAN: working days per week
-- column cskcb_khac: CSKCB_KHAC: other facilities the person works at
-- column cskcb_cgkt: CSKCB_CGKT: facility of a technology-transfer assignment
-- column qd_cgkt: QD_CGKT: decision of that assignment
-- column tu_ngay: TU_NGAY: the entry's own first day, as the file gives it (null: not given)
-- column den_ngay: DEN_NGAY: the entry's own last day, as the file gives it (null: open)
-- column valid_from: first day the entry applies (inclusive; 0001-01-01 when unbounded)
-- column valid_to: last day the entry applies (inclusive; 9999-12-31 when open)
-- column version_id: the catalogue version the entry belongs to (bhyt-etl catalog list)
-- column source_row: the entry's row in the loaded file
CREATE OR REPLACE TABLE ref.catalog_staff AS
WITH entries AS (
    SELECT
        nullif(s.scope, '') AS macskcb,
        r.ma_loai_kcb, r.ma_khoa, r.ten_khoa, r.ma_bhxh, r.ho_ten, r.gioi_tinh, r.chucdanh_nn, r.vi_tri, r.macchn, r.ngaycap_cchn, r.noicap_cchn, r.phamvi_cm, r.phamvi_cmbs, r.dvkt_khac, r.vb_phancong, r.thoigian_dk, r.thoigian_ngay, r.thoigian_tuan, r.cskcb_khac, r.cskcb_cgkt, r.qd_cgkt, r.tu_ngay, r.den_ngay,
        greatest(coalesce(r.tu_ngay, DATE '0001-01-01'), s.span_from) AS valid_from,
        least(coalesce(r.den_ngay, DATE '9999-12-31'), s.span_to) AS valid_to,
        r.version_id,
        r.source_row
    FROM ${loaded} AS r
    JOIN _ref_catalog_spans AS s ON s.scope = coalesce(r.catalog_facility, '') AND s.version_id = r.version_id
)
SELECT * FROM entries WHERE valid_from <= valid_to
