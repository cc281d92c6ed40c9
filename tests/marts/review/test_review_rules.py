"""Every review rule: one clean claim that must not trigger it, the same claim mutated so that it must.

The claims come from a warehouse built by the real ingest from clean generated data, copied into an in-memory
DuckDB (``scratch``). For each rule, ``PICK`` chooses a claim of the right kind, the rule is evaluated on that
claim alone (no finding expected), then ``MUTATE`` breaks the claim the way the rule describes and the rule
must report it on that claim. Every rule file must have a case here, and every case a rule file.

Most cases run in a few rounds (``run_cases_together``): a case whose rule sees one claim at a time and whose
mutations touch its own claim only takes its clean claim from one review of every clean claim, and a round
mutates the claims of many such cases (one case per claim) and evaluates their rules together; each reads
only its rule's findings on its own claim, which are what the rule finds on that claim alone. The other cases
(rules across claims: duplicates, overlaps, a shared bed…) run alone, one evaluation per claim.
"""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from catalog_support import YHCT
from review_support import TOUCHED, restore_core

from pipelines.marts import review
from pipelines.warehouse.sqlfiles import folder_files

# -- building blocks of the cases ------------------------------------------------------------------------
K = "macskcb = '{mac}' AND ma_lk = '{lk}'"


def line(table: str, where: str = "TRUE") -> str:
    """WHERE clause of the first line of the claim in ``table`` that satisfies ``where``."""
    return f"{K} AND stt = (SELECT min(stt) FROM core.{table} WHERE {K} AND {where})"


def has(table: str, where: str = "TRUE") -> str:
    return (
        f"EXISTS (SELECT 1 FROM core.{table} l "
        f"WHERE l.macskcb = x1.macskcb AND l.ma_lk = x1.ma_lk AND {where})"
    )


def x1(col: str) -> str:
    """The claim's own XML1 value of ``col`` (for line mutations)."""
    return f"(SELECT {col} FROM core.xml1 WHERE {K})"


def copy_xml1(**replace: str) -> str:
    """Insert a copy of the claim's XML1 row with some columns replaced (another claim, same patient)."""
    cols = ", ".join(f"{v} AS {k}" for k, v in replace.items())
    return f"INSERT INTO core.xml1 SELECT * REPLACE ({cols}) FROM core.xml1 WHERE {K}"


INPATIENT = "x1.ma_loai_kcb = '03'"
OUTPATIENT = "x1.ma_loai_kcb = '01'"
PARACLINICAL = "ma_nhom IN ('1', '2', '3')"
BEDS = "ma_nhom = '15'"


def bump(table: str, col: str, where: str = "TRUE") -> list[str]:
    return [f"UPDATE core.{table} SET {col} = coalesce({col}, 0) + 1000 WHERE {line(table, where)}"]


def bump_x1(col: str) -> list[str]:
    return [f"UPDATE core.xml1 SET {col} = coalesce({col}, 0) + 1000 WHERE {K}"]


def set_x1(assignments: str) -> list[str]:
    return [f"UPDATE core.xml1 SET {assignments} WHERE {K}"]


def set_line(table: str, assignments: str, where: str = "TRUE") -> list[str]:
    return [f"UPDATE core.{table} SET {assignments} WHERE {line(table, where)}"]


def set_doc(table: str, assignments: str) -> list[str]:
    """Change the claim's companion document (XML7, XML8, XML13, XML14: one row per claim)."""
    return [f"UPDATE core.{table} SET {assignments} WHERE {K}"]


def copy_current(suffix: str) -> str:
    """The copied claim (``ma_lk || suffix``) is current too, so that rules across claims see it."""
    return (
        f"INSERT INTO core.claim_current SELECT * REPLACE (ma_lk || '{suffix}' AS ma_lk) "
        f"FROM core.claim_current WHERE {K}"
    )


def copy_lines(table: str, suffix: str, where: str) -> str:
    """Copy the claim's lines that satisfy ``where`` to the copied claim ``ma_lk || suffix``."""
    return (
        f"INSERT INTO core.{table} SELECT * REPLACE (ma_lk || '{suffix}' AS ma_lk) "
        f"FROM core.{table} WHERE {K} AND {where}"
    )


def repeat_line(table: str, where: str = "TRUE") -> str:
    """The first line satisfying ``where`` once more, as another line of the claim (same day)."""
    return (
        f"INSERT INTO core.{table} SELECT * REPLACE (stt + 1000 AS stt) "
        f"FROM core.{table} WHERE {line(table, where)}"
    )


def insert_doc(table: str, **values: str) -> list[str]:
    """Give the claim a companion document it lacks (XML9, XML10, XML11: clean data has none): one row
    with the claim's keys and lineage and the given values (SQL over the claim's XML1), the rest empty."""
    cols = "".join(f", {v} AS {k}" for k, v in values.items())
    return [
        f"INSERT INTO core.{table} BY NAME SELECT ma_lk, macskcb, source_sha256, received_at, "
        f"standard_version{cols} FROM core.xml1 WHERE {K}"
    ]


#: a practising certificate on another facility's staff list and not on the claim's own
ELSEWHERE = (
    "(SELECT min(macchn) FROM ref.catalog_staff WHERE macskcb <> '{mac}' AND upper(macchn) NOT IN "
    "(SELECT upper(macchn) FROM ref.catalog_staff WHERE macskcb = '{mac}'))"
)
#: a complete sick-leave certificate (XML11) of the claim's stay, signed by its head of facility
SICK_LEAVE = {
    "so_ct": "'CT-1'",
    "so_seri": "'S-1'",
    "so_kcb": "'K-1'",
    "ma_bhxh": "'0123456789'",
    "chan_doan_rv": "chan_doan_rv",
    "pp_dieutri": "'Điều trị nội khoa'",
    "so_ngay_nghi": "3",
    "tu_ngay": "CAST(ngay_vao AS DATE)",
    "den_ngay": "CAST(ngay_vao AS DATE) + 2",
    "ma_ttdv": "ma_ttdv",
    "ngay_ct": "CAST(ngay_ra AS DATE)",
    "mau_so": "'CT07'",
}


DRUGS = "ma_nhom = '4'"
LABS = "ma_nhom = '1'"
IMAGING = "ma_nhom IN ('2', '3')"
SURGERY = "ma_nhom = '8'"
SUPPLY = "ma_vat_tu IS NOT NULL"
MACHINE = "ma_may IS NOT NULL"
#: a practitioner code on no facility's staff list
NOBODY = "999999/XX-CCHN"
YHCT_CODE = YHCT[0][0]
ANY = "TRUE"
CASES: dict[str, tuple[str, list[str]]] = {
    # -- XML1: totals ------------------------------------------------------------------------------------
    "BIZ.XML1.T_THUOC_SUM": (has("xml2"), bump_x1("t_thuoc")),
    "BIZ.XML1.T_VTYT_SUM": (ANY, bump_x1("t_vtyt")),
    "BIZ.XML1.T_TONGCHI_BV_SUM": (ANY, bump_x1("t_tongchi_bv")),
    "BIZ.XML1.T_TONGCHI_BH_SUM": (ANY, bump_x1("t_tongchi_bh")),
    "BIZ.XML1.T_BNTT_SUM": (ANY, bump_x1("t_bntt")),
    "BIZ.XML1.T_BNCCT_SUM": (ANY, bump_x1("t_bncct")),
    "BIZ.XML1.T_NGUONKHAC_SUM": (ANY, bump_x1("t_nguonkhac")),
    "BIZ.XML1.T_BHTT_FORMULA": (ANY, bump_x1("t_bhtt")),
    # -- conformance: the receipt's STD warnings (docs/conformance.md), kept in core.conformance ------------
    "BIZ.XML1.STD_CONFORMANCE": (
        ANY,
        [
            "INSERT INTO core.conformance SELECT macskcb, ma_lk, source_sha256, received_at, 'STD.LENGTH', "
            "'warning', 'XML1', 'MA_TTDV', '/TONG_HOP/MA_TTDV', "
            "'MA_TTDV: longer than the standard''s 10 characters', "
            f"'run' FROM core.claim_current WHERE {K}"
        ],
    ),
    "BIZ.XML1.T_BHTT_LINES": (ANY, bump_x1("t_bhtt")),
    "BIZ.XML1.T_BHTT_GDV_SUM": (
        "NOT regexp_matches(x1.ma_the_bhyt, '^(CA|QN|CY)')",
        bump_x1("t_bhtt_gdv"),
    ),
    "BIZ.XML1.T_TONGCHI_BV_BALANCE": (ANY, bump_x1("t_tongchi_bv")),
    "BIZ.XML1.T_TONGCHI_BH_BALANCE": ("coalesce(x1.t_nguonkhac, 0) = 0", bump_x1("t_tongchi_bh")),
    "BIZ.XML1.QT_BEFORE_DISCHARGE": (ANY, set_x1("nam_qt = year(ngay_ra) - 1")),
    # -- XML1: benefit level ---------------------------------------------------------------------------
    "BIZ.XML1.MUC_HUONG_BENEFIT": (
        "x1.ma_doituong_kcb IN ('1.1', '1.3', '1.4', '1.5', '2', '3.2', '3.3')",
        ["UPDATE core.xml2 SET muc_huong = 37 WHERE " + K, "UPDATE core.xml3 SET muc_huong = 37 WHERE " + K],
    ),
    "BIZ.XML1.MUC_HUONG_FULL_COVER": (
        "x1.t_tongchi_bh < 300000 AND x1.ma_doituong_kcb IN ('1.1', '1.3', '1.4', '1.5', '2')",
        ["UPDATE core.xml2 SET muc_huong = 80 WHERE " + K, "UPDATE core.xml3 SET muc_huong = 80 WHERE " + K],
    ),
    "BIZ.XML1.WITHDRAWN": ("x1.ma_doituong_kcb <> '8'", set_x1("ma_doituong_kcb = '8'")),
    # -- XML1: dates -------------------------------------------------------------------------------------
    "BIZ.XML1.NGAY_VAO_AFTER_NGAY_RA": (ANY, set_x1("ngay_vao = ngay_ra + INTERVAL 1 HOUR")),
    "BIZ.XML1.NGAY_VAO_NOI_TRU_OUTSIDE_STAY": (
        INPATIENT,
        set_x1("ngay_vao_noi_tru = ngay_vao - INTERVAL 1 HOUR"),
    ),
    "BIZ.XML1.NGAY_TTOAN_BEFORE_NGAY_RA": (
        "x1.ngay_ttoan IS NOT NULL",
        set_x1("ngay_ttoan = ngay_ra - INTERVAL 1 HOUR"),
    ),
    "BIZ.XML1.SO_NGAY_DTRI": (
        "x1.ma_loai_kcb IN ('01', '02', '03')",
        set_x1("so_ngay_dtri = so_ngay_dtri + 3"),
    ),
    "BIZ.XML1.NGAY_SINH_AFTER_NGAY_VAO": (
        ANY,
        set_x1("ngay_sinh = strftime(ngay_vao + INTERVAL 2 DAY, '%Y%m%d') || '0000'"),
    ),
    "BIZ.XML1.KHAM_BENH_DAI_NGAY": (OUTPATIENT, set_x1("ngay_ra = ngay_ra + INTERVAL 1 DAY")),
    "BIZ.XML1.LOAI_KCB_DURATION": (INPATIENT, set_x1("ma_loai_kcb = '09'")),
    # -- XML1: card --------------------------------------------------------------------------------------
    "BIZ.XML1.MA_THE_BHYT_FORMAT": (ANY, set_x1("ma_the_bhyt = substr(ma_the_bhyt, 1, 14)")),
    "BIZ.XML1.MA_THE_BHYT_GROUP_UNKNOWN": (ANY, set_x1("ma_the_bhyt = 'ZZ' || substr(ma_the_bhyt, 3)")),
    "BIZ.XML1.CARD_LIST_COUNT": (ANY, set_x1("gt_the_den = gt_the_den || ';' || gt_the_den")),
    "BIZ.XML1.GT_THE_ORDER": (ANY, set_x1("gt_the_tu = '20991231'")),
    "BIZ.XML1.CARD_NOT_VALID_AT_ADMISSION": (
        ANY,
        set_x1(
            "gt_the_tu = strftime(ngay_vao + INTERVAL 1 DAY, '%Y%m%d'), "
            "gt_the_den = strftime(ngay_vao + INTERVAL 400 DAY, '%Y%m%d')"
        ),
    ),
    "BIZ.XML1.CARD_EXPIRED_BEFORE_DISCHARGE": (
        INPATIENT,
        set_x1("gt_the_den = strftime(ngay_vao, '%Y%m%d')"),
    ),
    # -- XML1: codes and plausibility ------------------------------------------------------------------
    "BIZ.XML1.MA_BENH_CHINH_ICD10": (ANY, set_x1("ma_benh_chinh = 'X99.99'")),
    "BIZ.XML1.MA_BENH_KT_ICD10": (ANY, set_x1("ma_benh_kt = 'I10;ZZZ.9'")),
    "BIZ.XML1.MA_BENH_KT_COUNT": (
        ANY,
        set_x1("ma_benh_kt = 'I10;E11.9;E78.5;K21.9;M17.9;J45.9;E03.9;I25.1;J44.9;K29.7;M54.5;H10.9;N39.0'"),
    ),
    "BIZ.XML1.MA_BENH_CHINH_NOT_LEAF": (
        "x1.ma_benh_chinh IN (SELECT code FROM ref.icd10 WHERE is_billable)",
        set_x1("ma_benh_chinh = 'J18'"),
    ),
    "BIZ.XML1.MA_LOAI_KCB_UNKNOWN": (ANY, set_x1("ma_loai_kcb = '42'")),
    "BIZ.XML1.MA_DOITUONG_KCB_UNKNOWN": (ANY, set_x1("ma_doituong_kcb = '1.10'")),
    "BIZ.XML1.MA_CSKCB_MISMATCH": (ANY, set_x1("ma_cskcb = '99999'")),
    "BIZ.XML1.DIAGNOSIS_SEX": ("x1.gioi_tinh = '1'", set_x1("ma_benh_chinh = 'O80'")),
    "BIZ.XML1.DIAGNOSIS_AGE": (
        "TRY_CAST(substr(x1.ngay_sinh, 1, 4) AS INTEGER) < year(x1.ngay_vao) - 5",
        set_x1("ma_benh_kt = 'P07.3'"),
    ),
    # -- XML1: required fields -------------------------------------------------------------------------
    "BIZ.XML1.CAN_NANG_REQUIRED": (ANY, set_x1("can_nang = NULL")),
    "BIZ.XML1.NGAY_VAO_NOI_TRU_REQUIRED": (INPATIENT, set_x1("ngay_vao_noi_tru = NULL")),
    "BIZ.XML1.LY_DO_VNT_REQUIRED": (INPATIENT, set_x1("ly_do_vnt = NULL")),
    "BIZ.XML1.MA_NOI_DI_REQUIRED": ("x1.ma_doituong_kcb = '1.3'", set_x1("ma_noi_di = NULL")),
    "BIZ.XML1.MA_NOI_DEN_REQUIRED": (ANY, set_x1("ma_loai_rv = '5', ma_noi_den = NULL")),
    "BIZ.XML1.NO_COST_LINES": (ANY, [f"DELETE FROM core.xml2 WHERE {K}", f"DELETE FROM core.xml3 WHERE {K}"]),
    # -- XML1: across claims -----------------------------------------------------------------------------
    "BIZ.XML1.OVERLAP_INPATIENT_SAME_FACILITY": (
        INPATIENT,
        [copy_xml1(ma_lk="ma_lk || 'X'", ngay_vao="ngay_vao + INTERVAL 1 HOUR")],
    ),
    "BIZ.XML1.OVERLAP_INPATIENT_OTHER_FACILITY": (
        INPATIENT,
        [copy_xml1(macskcb="'99001'", ma_lk="ma_lk || 'X'", ngay_vao="ngay_vao + INTERVAL 1 HOUR")],
    ),
    "BIZ.XML1.VISIT_DURING_INPATIENT_STAY": (
        OUTPATIENT,
        [
            copy_xml1(
                macskcb="'99001'",
                ma_lk="ma_lk || 'I'",
                ma_loai_kcb="'03'",
                ngay_vao="ngay_vao - INTERVAL 1 DAY",
                ngay_ra="ngay_vao + INTERVAL 1 DAY",
            )
        ],
    ),
    "BIZ.XML1.DUPLICATE_CLAIM": (ANY, [copy_xml1(ma_lk="ma_lk || 'D'")]),
    # -- XML2 lines --------------------------------------------------------------------------------------
    "BIZ.XML2.THANH_TIEN_BV_FORMULA": (has("xml2"), bump("xml2", "thanh_tien_bv")),
    "BIZ.XML2.THANH_TIEN_BH_FORMULA": (has("xml2"), bump("xml2", "thanh_tien_bh")),
    "BIZ.XML2.T_NGUONKHAC_PARTS": (has("xml2"), bump("xml2", "t_nguonkhac_nsnn")),
    "BIZ.XML2.T_NGUONKHAC_RANGE": (has("xml2"), set_line("xml2", "t_nguonkhac = thanh_tien_bv + 1000")),
    "BIZ.XML2.T_BHTT_FORMULA": (has("xml2"), bump("xml2", "t_bhtt")),
    "BIZ.XML2.T_BNCCT_FORMULA": (has("xml2"), bump("xml2", "t_bncct")),
    "BIZ.XML2.T_BNTT_FORMULA": (has("xml2"), bump("xml2", "t_bntt")),
    "BIZ.XML2.LINE_BALANCE": (has("xml2"), bump("xml2", "t_bntt")),
    "BIZ.XML2.NGAY_YL_BEFORE_VAO": (
        has("xml2"),
        set_line("xml2", f"ngay_yl = {x1('ngay_vao')} - INTERVAL 1 HOUR"),
    ),
    "BIZ.XML2.NGAY_YL_AFTER_RA": (
        has("xml2") + " AND NOT " + has("xml2", "l.ngay_yl > x1.ngay_ra"),
        set_line("xml2", f"ngay_yl = {x1('ngay_ra')} + INTERVAL 1 HOUR"),
    ),
    "BIZ.XML2.NGAY_TH_YL_BEFORE_YL": (
        has("xml2"),
        set_line("xml2", "ngay_th_yl = ngay_yl - INTERVAL 1 HOUR"),
    ),
    "BIZ.XML2.TT_THAU_REQUIRED": (
        has("xml2", "ma_nhom = '4'"),
        set_line("xml2", "tt_thau = NULL", "ma_nhom = '4'"),
    ),
    "BIZ.XML2.MA_BAC_SI_REQUIRED": (has("xml2"), set_line("xml2", "ma_bac_si = NULL")),
    "BIZ.XML2.MA_NHOM_TABLE": (has("xml2"), set_line("xml2", "ma_nhom = '13'")),
    "BIZ.XML2.MA_NHOM_LEGACY": (has("xml2"), set_line("xml2", "ma_nhom = '6'")),
    # -- XML3 lines --------------------------------------------------------------------------------------
    "BIZ.XML3.THANH_TIEN_BV_FORMULA": (has("xml3"), bump("xml3", "thanh_tien_bv")),
    "BIZ.XML3.THANH_TIEN_BH_FORMULA": (has("xml3"), bump("xml3", "thanh_tien_bh")),
    "BIZ.XML3.T_NGUONKHAC_PARTS": (has("xml3"), bump("xml3", "t_nguonkhac_cl")),
    "BIZ.XML3.T_NGUONKHAC_RANGE": (has("xml3"), set_line("xml3", "t_nguonkhac = thanh_tien_bv + 1000")),
    "BIZ.XML3.T_BHTT_FORMULA": (has("xml3"), bump("xml3", "t_bhtt")),
    "BIZ.XML3.T_BNCCT_FORMULA": (has("xml3"), bump("xml3", "t_bncct")),
    "BIZ.XML3.T_BNTT_FORMULA": (has("xml3"), bump("xml3", "t_bntt")),
    "BIZ.XML3.LINE_BALANCE": (has("xml3"), bump("xml3", "t_bhtt")),
    "BIZ.XML3.TYLE_TT_DV_VALUE": (has("xml3"), set_line("xml3", "tyle_tt_dv = 77")),
    "BIZ.XML3.T_BHTT_ABOVE_T_TRANTT": (
        has("xml3", "t_bhtt > 5000"),
        set_line("xml3", "t_trantt = t_bhtt - 1000", "t_bhtt > 5000"),
    ),
    "BIZ.XML3.DON_GIA_BH_ABOVE_BV": (has("xml3"), set_line("xml3", "don_gia_bh = don_gia_bv + 1000")),
    "BIZ.XML3.TAI_SU_DUNG_PRICE": (
        has("xml3"),
        set_line("xml3", "tai_su_dung = '1', don_gia_bv = don_gia_bh + 1000"),
    ),
    "BIZ.XML3.MA_GIUONG_FORMAT": (has("xml3", BEDS), set_line("xml3", "ma_giuong = 'X12'", BEDS)),
    "BIZ.XML3.VTYT_WITHOUT_DVKT": (
        has("xml3", "ma_nhom = '10'"),
        set_line("xml3", "ma_dich_vu = NULL", "ma_nhom = '10'"),
    ),
    "BIZ.XML3.NGAY_YL_BEFORE_VAO": (
        has("xml3"),
        set_line("xml3", f"ngay_yl = {x1('ngay_vao')} - INTERVAL 1 HOUR"),
    ),
    "BIZ.XML3.NGAY_YL_AFTER_RA": (
        has("xml3") + " AND NOT " + has("xml3", "l.ngay_yl > x1.ngay_ra"),
        set_line("xml3", f"ngay_yl = {x1('ngay_ra')} + INTERVAL 1 HOUR"),
    ),
    "BIZ.XML3.NGAY_TH_YL_BEFORE_YL": (
        has("xml3", PARACLINICAL),
        set_line("xml3", "ngay_th_yl = ngay_yl - INTERVAL 10 MINUTE", PARACLINICAL),
    ),
    "BIZ.XML3.NGAY_KQ_BEFORE_TH_YL": (
        has("xml3", PARACLINICAL),
        set_line("xml3", "ngay_kq = ngay_th_yl - INTERVAL 10 MINUTE", PARACLINICAL),
    ),
    "BIZ.XML3.BED_DAY_UNDER_4H": (
        INPATIENT + " AND " + has("xml3", BEDS),
        set_x1("ngay_ra = ngay_vao + INTERVAL 2 HOUR"),
    ),
    "BIZ.XML3.BED_DAYS_4_TO_24H": (
        INPATIENT + " AND " + has("xml3", BEDS),
        set_x1("ngay_ra = ngay_vao + INTERVAL 10 HOUR") + set_line("xml3", "so_luong = 2", BEDS),
    ),
    "BIZ.XML3.BED_DAYS_EXCEED_STAY": (
        INPATIENT + " AND " + has("xml3", BEDS),
        set_line("xml3", "so_luong = 99", BEDS),
    ),
    "BIZ.XML3.INPATIENT_BED_NOT_INPATIENT": (
        INPATIENT + " AND " + has("xml3", BEDS),
        set_x1("ma_loai_kcb = '01'"),
    ),
    "BIZ.XML3.EXAM_FEE_INPATIENT": (
        INPATIENT + " AND " + has("xml3", "ma_nhom = '13'"),
        set_line("xml3", "so_luong = 2", "ma_nhom = '13'"),
    ),
    "BIZ.XML3.NGUOI_THUC_HIEN_REQUIRED": (
        has("xml3", PARACLINICAL),
        set_line("xml3", "nguoi_thuc_hien = NULL", PARACLINICAL),
    ),
    "BIZ.XML3.NGAY_TH_YL_REQUIRED": (
        has("xml3", PARACLINICAL),
        set_line("xml3", "ngay_th_yl = NULL", PARACLINICAL),
    ),
    "BIZ.XML3.MA_XANG_DAU_REQUIRED": (has("xml3"), set_line("xml3", "ma_nhom = '12', ma_xang_dau = NULL")),
    "BIZ.XML3.TT_THAU_REQUIRED": (
        has("xml3", "ma_nhom = '10'"),
        set_line("xml3", "tt_thau = NULL", "ma_nhom = '10'"),
    ),
    "BIZ.XML3.PP_VO_CAM_REQUIRED": (
        has("xml3", "ma_nhom = '8'"),
        set_line("xml3", "pp_vo_cam = NULL", "ma_nhom = '8'"),
    ),
    "BIZ.XML3.MA_MAY_REQUIRED": (
        has("xml3", "ma_nhom IN ('2', '3')"),
        set_line("xml3", "ma_may = NULL", "ma_nhom IN ('2', '3')"),
    ),
    "BIZ.XML3.SERVICE_CODE_REQUIRED": (has("xml3"), set_line("xml3", "ma_dich_vu = NULL, ma_vat_tu = NULL")),
    "BIZ.XML3.MA_BAC_SI_REQUIRED": (has("xml3"), set_line("xml3", "ma_bac_si = NULL")),
    "BIZ.XML3.MA_NHOM_TABLE": (has("xml3"), set_line("xml3", "ma_nhom = '4'")),
    "BIZ.XML3.MA_NHOM_LEGACY": (has("xml3"), set_line("xml3", "ma_nhom = '9'")),
    # -- XML4, XML5, XML7, XML8, XML13, XML14 ------------------------------------------------------------
    "BIZ.XML4.RESULT_MISSING": (has("xml4"), [f"DELETE FROM core.xml4 WHERE {K}"]),
    "BIZ.XML4.NGAY_KQ_REQUIRED": (
        has("xml4", "gia_tri IS NOT NULL"),
        set_line("xml4", "ngay_kq = NULL", "gia_tri IS NOT NULL"),
    ),
    "BIZ.XML5.MISSING": (INPATIENT, [f"DELETE FROM core.xml5 WHERE {K}"]),
    "BIZ.XML5.UNEXPECTED": (
        OUTPATIENT,
        [
            "INSERT INTO core.xml5 SELECT * REPLACE ('{mac}' AS macskcb, '{lk}' AS ma_lk, "
            f"{x1('source_sha256')} AS source_sha256) FROM core.xml5 LIMIT 1"
        ],
    ),
    "BIZ.XML5.THOI_DIEM_OUTSIDE_STAY": (
        has("xml5"),
        set_line("xml5", f"thoi_diem_dbls = {x1('ngay_vao')} - INTERVAL 1 DAY"),
    ),
    "BIZ.XML7.MISSING": (INPATIENT, [f"DELETE FROM core.xml7 WHERE {K}"]),
    "BIZ.XML7.DATES_DIFFER_XML1": (
        has("xml7"),
        [f"UPDATE core.xml7 SET ngay_ra = ngay_ra + INTERVAL 1 DAY WHERE {K}"],
    ),
    "BIZ.XML7.DINH_CHI_THAI_DETAILS": (
        has("xml7"),
        [f"UPDATE core.xml7 SET ma_dinh_chi_thai = '1', tuoi_thai = NULL WHERE {K}"],
    ),
    "BIZ.XML7.NGHI_NGOAI_TRU_INCOMPLETE": (has("xml7"), [f"UPDATE core.xml7 SET so_ngay_nghi = 5 WHERE {K}"]),
    "BIZ.XML8.MISSING": (INPATIENT, [f"DELETE FROM core.xml8 WHERE {K}"]),
    "BIZ.XML8.UNEXPECTED": (INPATIENT + " AND " + has("xml8"), set_x1("ma_loai_kcb = '01'")),
    "BIZ.XML13.UNEXPECTED": (has("xml13"), set_x1("ma_loai_rv = '1'")),
    "BIZ.XML13.DATES_DIFFER_XML1": (
        has("xml13"),
        [f"UPDATE core.xml13 SET ngay_ra = {x1('ngay_ra')} + INTERVAL 1 DAY WHERE {K}"],
    ),
    "BIZ.XML14.DATES_DIFFER_XML1": (
        has("xml14"),
        [f"UPDATE core.xml14 SET ngay_ra = {x1('ngay_ra')} + INTERVAL 1 DAY WHERE {K}"],
    ),
    "BIZ.XML14.NGAY_HEN_KL_BEFORE_RA": (
        has("xml14"),
        [f"UPDATE core.xml14 SET ngay_hen_kl = {x1('ngay_ra')} - INTERVAL 1 DAY WHERE {K}"],
    ),
    # -- issue 14: the reviewer's catalogues (loaded by catalog_support from what the clean claims use) -----
    "BIZ.XML2.DRUG_NOT_IN_LIST": (has("xml2", DRUGS), set_line("xml2", "ma_thuoc = '40.9999'", DRUGS)),
    "BIZ.XML2.DRUG_NOT_APPROVED_AS_SENT": (
        has("xml2", DRUGS),
        set_line("xml2", "so_dang_ky = 'VD-00000-99'", DRUGS),
    ),
    "BIZ.XML2.DRUG_PRICE_ABOVE_APPROVED": (
        has("xml2", DRUGS),
        set_line("xml2", "don_gia = don_gia + 1000", DRUGS),
    ),
    "BIZ.XML2.DRUG_NAME_MISMATCH": (has("xml2", DRUGS), set_line("xml2", "ten_thuoc = 'Thuốc khác'", DRUGS)),
    "BIZ.XML3.SERVICE_NOT_IN_TARIFF": (
        has("xml3", LABS),
        set_line("xml3", "ma_dich_vu = '99.9999.9999'", LABS),
    ),
    "BIZ.XML3.DON_GIA_BH_ABOVE_TARIFF": (
        has("xml3", LABS),
        set_line("xml3", "don_gia_bh = don_gia_bh + 1000", LABS),
    ),
    "BIZ.XML3.SERVICE_NAME_MISMATCH": (
        has("xml3", LABS),
        set_line("xml3", "ten_dich_vu = 'Dịch vụ khác'", LABS),
    ),
    "BIZ.XML3.SUPPLY_NOT_IN_LIST": (
        has("xml3", SUPPLY),
        set_line("xml3", "ma_vat_tu = 'N99.99.999.0000.000.9999'", SUPPLY),
    ),
    "BIZ.XML3.SUPPLY_TENDER_MISMATCH": (
        has("xml3", SUPPLY),
        set_line("xml3", "tt_thau = '999/QĐ-BV;G9;N9;2020'", SUPPLY),
    ),
    "BIZ.XML3.SUPPLY_PRICE_ABOVE_APPROVED": (
        has("xml3", SUPPLY),
        set_line("xml3", "don_gia_bh = don_gia_bh + 1000", SUPPLY),
    ),
    "BIZ.XML3.SUPPLY_SERVICE_NOT_SAME_DAY": (
        has("xml3", SUPPLY),
        set_line("xml3", "ngay_yl = ngay_yl + INTERVAL 1 DAY", SUPPLY),
    ),
    "BIZ.XML2.MA_BAC_SI_NOT_REGISTERED": (has("xml2"), set_line("xml2", f"ma_bac_si = '{NOBODY}'")),
    "BIZ.XML3.MA_BAC_SI_NOT_REGISTERED": (has("xml3"), set_line("xml3", f"ma_bac_si = '{NOBODY}'")),
    "BIZ.XML3.NGUOI_THUC_HIEN_NOT_REGISTERED": (
        has("xml3", PARACLINICAL),
        set_line("xml3", f"nguoi_thuc_hien = '{NOBODY}'", PARACLINICAL),
    ),
    "BIZ.XML5.NGUOI_THUC_HIEN_NOT_REGISTERED": (
        has("xml5"),
        set_line("xml5", f"nguoi_thuc_hien = '{NOBODY}'"),
    ),
    "BIZ.XML4.MA_BS_DOC_KQ_NOT_REGISTERED": (has("xml4"), set_line("xml4", f"ma_bs_doc_kq = '{NOBODY}'")),
    "BIZ.XML7.MA_BS_NOT_REGISTERED": (has("xml7"), set_doc("xml7", f"ma_bs = '{NOBODY}'")),
    "BIZ.XML13.MA_BAC_SI_NOT_REGISTERED": (has("xml13"), set_doc("xml13", f"ma_bac_si = '{NOBODY}'")),
    "BIZ.XML14.MA_BAC_SI_NOT_REGISTERED": (has("xml14"), set_doc("xml14", f"ma_bac_si = '{NOBODY}'")),
    "BIZ.XML1.MA_TTDV_NOT_REGISTERED": (ANY, set_x1("ma_ttdv = '9999999999'")),
    "BIZ.XML7.MA_TTDV_NOT_REGISTERED": (has("xml7"), set_doc("xml7", "ma_ttdv = '9999999999'")),
    "BIZ.XML8.MA_TTDV_NOT_REGISTERED": (has("xml8"), set_doc("xml8", "ma_ttdv = '9999999999'")),
    "BIZ.XML13.MA_TTDV_NOT_REGISTERED": (has("xml13"), set_doc("xml13", "ma_ttdv = '9999999999'")),
    "BIZ.XML14.MA_TTDV_NOT_REGISTERED": (has("xml14"), set_doc("xml14", "ma_ttdv = '9999999999'")),
    "BIZ.XML3.MA_MAY_NOT_REGISTERED": (
        has("xml3", "ma_may IS NOT NULL"),
        set_line("xml3", "ma_may = 'XQ.1.99999.9'", "ma_may IS NOT NULL"),
    ),
    "BIZ.XML1.MA_DKBD_UNKNOWN": (ANY, set_x1("ma_dkbd = '99998'")),
    "BIZ.XML1.MA_NOI_DI_UNKNOWN": (ANY, set_x1("ma_noi_di = '99998'")),
    "BIZ.XML1.MA_NOI_DEN_UNKNOWN": (ANY, set_x1("ma_noi_den = '99998'")),
    "BIZ.XML13.REFERRAL_FACILITY_UNKNOWN": (has("xml13"), set_doc("xml13", "ma_cskcb_den = '99998'")),
    "BIZ.XML3.BED_WARD_NOT_REGISTERED": (has("xml3", BEDS), set_line("xml3", "ma_khoa = 'K99'", BEDS)),
    "BIZ.XML2.MA_KHOA_NOT_REGISTERED": (has("xml2"), set_line("xml2", "ma_khoa = 'K99'")),
    "BIZ.XML3.MA_KHOA_NOT_REGISTERED": (has("xml3"), set_line("xml3", "ma_khoa = 'K99'")),
    "BIZ.XML1.MA_BENH_YHCT_UNKNOWN": (ANY, set_x1("ma_benh_yhct = 'U99.999'")),
    "BIZ.XML3.MA_BENH_YHCT_UNKNOWN": (has("xml3"), set_line("xml3", "ma_benh_yhct = 'U99.999'")),
    "BIZ.XML13.MA_BENH_YHCT_UNKNOWN": (has("xml13"), set_doc("xml13", "ma_benh_yhct = 'U99.999'")),
    "BIZ.XML14.MA_BENH_YHCT_UNKNOWN": (has("xml14"), set_doc("xml14", "ma_benh_yhct = 'U99.999'")),
    "BIZ.XML1.YHCT_CODE_IN_ICD_FIELD": (ANY, set_x1(f"ma_benh_kt = '{YHCT_CODE}'")),
    "BIZ.XML13.YHCT_CODE_IN_ICD_FIELD": (has("xml13"), set_doc("xml13", f"ma_benh_kt = '{YHCT_CODE}'")),
    "BIZ.XML14.YHCT_CODE_IN_ICD_FIELD": (has("xml14"), set_doc("xml14", f"ma_benh_kt = '{YHCT_CODE}'")),
    # -- issue 14: without catalogues ------------------------------------------------------------------------
    "BIZ.XML1.SELF_REFERRAL_AT_REGISTERED_FACILITY": (
        "x1.ma_doituong_kcb = '3.3'",
        set_x1("ma_dkbd = coalesce(ma_cskcb, macskcb)"),
    ),
    "BIZ.XML3.BED_SHARED_NOT_DECLARED": (
        INPATIENT + " AND " + has("xml3", BEDS),
        [copy_xml1(ma_lk="ma_lk || 'B'"), copy_current("B"), copy_lines("xml3", "B", BEDS)],
    ),
    "BIZ.XML3.SURGEON_TWO_OPERATIONS_AT_ONCE": (
        has("xml3", SURGERY),
        [copy_xml1(ma_lk="ma_lk || 'S'"), copy_current("S"), copy_lines("xml3", "S", SURGERY)],
    ),
    "BIZ.XML3.SURGERY_QUANTITY": (has("xml3", SURGERY), set_line("xml3", "so_luong = 2", SURGERY)),
    "BIZ.XML3.NGAY_KQ_OUTSIDE_STAY": (
        has("xml3", PARACLINICAL),
        set_line("xml3", f"ngay_kq = {x1('ngay_ra')} + INTERVAL 1 HOUR", PARACLINICAL),
    ),
    "BIZ.XML4.IMAGING_WITHOUT_CONCLUSION": (
        has("xml3", IMAGING) + " AND " + has("xml4"),
        [
            f"UPDATE core.xml4 SET ket_luan = NULL WHERE {K} AND ma_dich_vu IN "
            f"(SELECT ma_dich_vu FROM core.xml3 WHERE {K} AND {IMAGING})"
        ],
    ),
    "BIZ.XML4.MA_BS_DOC_KQ_REQUIRED": (has("xml4"), set_line("xml4", "ma_bs_doc_kq = NULL")),
    "BIZ.XML3.MA_BENH_ICD10": (has("xml3"), set_line("xml3", "ma_benh = 'X99.99'")),
    "BIZ.XML3.MA_BENH_NOT_IN_CLAIM": (
        has("xml3") + " AND coalesce(x1.ma_benh_chinh, '') <> 'A00.0'",
        set_line("xml3", "ma_benh = 'A00.0'"),
    ),
    "BIZ.XML1.MA_BENH_KT_EQUALS_CHINH": (ANY, set_x1("ma_benh_kt = ma_benh_chinh")),
    "BIZ.XML13.MA_BENH_CHINH_ICD10": (has("xml13"), set_doc("xml13", "ma_benh_chinh = 'X99.99'")),
    "BIZ.XML14.MA_BENH_CHINH_ICD10": (has("xml14"), set_doc("xml14", "ma_benh_chinh = 'X99.99'")),
    "BIZ.XML2.DRUG_TWICE_SAME_DAY": (has("xml2"), [repeat_line("xml2")]),
    "BIZ.XML3.SERVICE_TWICE_SAME_DAY": (has("xml3", LABS), [repeat_line("xml3", LABS)]),
    "BIZ.XML7.REQUIRED_FIELDS": (has("xml7"), set_doc("xml7", "ten_bs = NULL")),
    "BIZ.XML1.MATINH_CU_TRU_UNKNOWN": (ANY, set_x1("matinh_cu_tru = '99'")),
    "BIZ.XML1.MAXA_CU_TRU_UNKNOWN": (ANY, set_x1("maxa_cu_tru = '99999'")),
    "BIZ.XML1.MAXA_CU_TRU_OTHER_PROVINCE": ("x1.matinh_cu_tru = '01'", set_x1("matinh_cu_tru = '48'")),
    "BIZ.XML2.DRUG_ROUTE_MISMATCH": (has("xml2", DRUGS), set_line("xml2", "duong_dung = '9.99'", DRUGS)),
    "BIZ.XML2.DRUG_UNIT_MISMATCH": (has("xml2", DRUGS), set_line("xml2", "don_vi_tinh = 'Thùng'", DRUGS)),
    "BIZ.XML3.SUPPLY_NAME_MISMATCH": (
        has("xml3", SUPPLY),
        set_line("xml3", "ten_vat_tu = 'Vật tư khác'", SUPPLY),
    ),
    "BIZ.XML3.MA_MAY_CONTRACT_EXPIRED": (
        has("xml3", MACHINE),
        set_line(
            "xml3", "ngay_yl = ngay_yl + INTERVAL 6 YEAR, ngay_th_yl = ngay_th_yl + INTERVAL 6 YEAR", MACHINE
        ),
    ),
    "BIZ.XML3.MA_MAY_OTHER_FACILITY": (
        has("xml3", MACHINE),
        set_line("xml3", "ma_may = 'XQ.1.99999.1'", MACHINE),
    ),
    "BIZ.XML3.MA_MAY_FORMAT": (has("xml3", MACHINE), set_line("xml3", "ma_may = 'XQ-1'", MACHINE)),
    "BIZ.XML4.NGAY_KQ_OUTSIDE_STAY": (
        has("xml4"),
        set_line("xml4", f"ngay_kq = {x1('ngay_ra')} + INTERVAL 1 HOUR"),
    ),
    "BIZ.XML2.NGAY_TH_YL_AFTER_RA": (
        has("xml2") + " AND NOT " + has("xml2", "l.ngay_th_yl > x1.ngay_ra"),
        set_line("xml2", f"ngay_th_yl = {x1('ngay_ra')} + INTERVAL 1 HOUR"),
    ),
    "BIZ.XML3.NGAY_TH_YL_AFTER_RA": (
        has("xml3", PARACLINICAL) + " AND NOT " + has("xml3", "l.ngay_th_yl > x1.ngay_ra"),
        set_line("xml3", f"ngay_th_yl = {x1('ngay_ra')} + INTERVAL 1 HOUR", PARACLINICAL),
    ),
    "BIZ.XML1.YHCT_WITHOUT_ICD10": (
        f"coalesce(x1.ma_benh_chinh, '') <> '{YHCT[0][2]}' "
        f"AND coalesce(x1.ma_benh_kt, '') NOT LIKE '%{YHCT[0][2]}%'",
        set_x1(f"ma_benh_yhct = '{YHCT_CODE}'"),
    ),
    "BIZ.XML2.SO_DANG_KY_SPACES": (has("xml2", DRUGS), set_line("xml2", "so_dang_ky = 'VD 123-24'", DRUGS)),
    "BIZ.XML2.TT_THAU_FORMAT": (has("xml2", DRUGS), set_line("xml2", "tt_thau = 'goi thau 1'", DRUGS)),
    "BIZ.XML3.TT_THAU_FORMAT": (has("xml3", SUPPLY), set_line("xml3", "tt_thau = 'goi thau 1'", SUPPLY)),
    "BIZ.XML1.MA_CSKCB_UNKNOWN": (ANY, set_x1("ma_cskcb = '99998'")),
    "BIZ.XML1.MA_KHOA_NOT_REGISTERED": (ANY, set_x1("ma_khoa = ma_khoa || ';K99'")),
    "BIZ.XML7.MA_KHOA_RV_NOT_REGISTERED": (has("xml7"), set_doc("xml7", "ma_khoa_rv = 'K99'")),
    "BIZ.XML3.MA_GIUONG_REQUIRED": (has("xml3", BEDS), set_line("xml3", "ma_giuong = NULL", BEDS)),
    "BIZ.XML13.REQUIRED_FIELDS": (has("xml13"), set_doc("xml13", "so_chuyentuyen = NULL")),
    "BIZ.XML14.REQUIRED_FIELDS": (has("xml14"), set_doc("xml14", "so_giayhen_kl = NULL")),
    # -- issue 14, the missing rules (h14-rules) ------------------------------------------------------------
    "BIZ.XML1.MA_BENH_CHINH_ASTERISK": (ANY, set_x1("ma_benh_chinh = 'G01'")),
    "BIZ.XML13.MA_BENH_CHINH_ASTERISK": (has("xml13"), set_doc("xml13", "ma_benh_chinh = 'H36.0'")),
    "BIZ.XML14.MA_BENH_CHINH_ASTERISK": (has("xml14"), set_doc("xml14", "ma_benh_chinh = 'M14.2'")),
    "BIZ.XML3.SURGEON_IS_ANAESTHETIST": (
        has("xml3", SURGERY),
        set_line(
            "xml3", "pp_vo_cam = '1', nguoi_thuc_hien = nguoi_thuc_hien || ';' || nguoi_thuc_hien", SURGERY
        ),
    ),
    "BIZ.XML2.OXYGEN_BEYOND_STAY": (
        has("xml2", DRUGS),
        set_line("xml2", "ma_thuoc = '40.17', don_vi_tinh = 'Lít', so_luong = 9999999", DRUGS),
    ),
    "BIZ.XML2.STAFF_OF_OTHER_FACILITY": (has("xml2"), set_line("xml2", f"ma_bac_si = {ELSEWHERE}")),
    "BIZ.XML3.STAFF_OF_OTHER_FACILITY": (
        has("xml3", PARACLINICAL),
        set_line("xml3", f"nguoi_thuc_hien = {ELSEWHERE}", PARACLINICAL),
    ),
    "BIZ.XML9.SIGNER_NOT_REGISTERED": (
        ANY,
        insert_doc("xml9", ma_ttdv=f"'{NOBODY}'", ngay_ct="CAST(ngay_ra AS DATE)"),
    ),
    "BIZ.XML10.SIGNER_NOT_REGISTERED": (
        ANY,
        insert_doc("xml10", ma_ttdv="ma_ttdv", ma_bs=f"'{NOBODY}'", ngay_ct="CAST(ngay_ra AS DATE)"),
    ),
    "BIZ.XML11.SIGNER_NOT_REGISTERED": (ANY, insert_doc("xml11", **(SICK_LEAVE | {"ma_bs": f"'{NOBODY}'"}))),
    "BIZ.XML5.REQUIRED_FIELDS": (has("xml5"), set_line("xml5", "dien_bien_ls = NULL")),
    "BIZ.XML8.REQUIRED_FIELDS": (has("xml8"), set_doc("xml8", "qt_benhly = NULL")),
    "BIZ.XML9.REQUIRED_FIELDS": (ANY, insert_doc("xml9", ma_ttdv="ma_ttdv")),
    "BIZ.XML10.REQUIRED_FIELDS": (ANY, insert_doc("xml10", ma_ttdv="ma_ttdv")),
    "BIZ.XML11.REQUIRED_FIELDS": (
        ANY,
        insert_doc("xml11", **{k: v for k, v in SICK_LEAVE.items() if k != "so_kcb"}),
    ),
    "BIZ.XML10.DEN_NGAY_BEFORE_TU_NGAY": (
        ANY,
        insert_doc("xml10", tu_ngay="CAST(ngay_vao AS DATE) + 5", den_ngay="CAST(ngay_vao AS DATE)"),
    ),
    "BIZ.XML11.DEN_NGAY_BEFORE_TU_NGAY": (
        ANY,
        insert_doc("xml11", **(SICK_LEAVE | {"den_ngay": "CAST(ngay_vao AS DATE) - 1"})),
    ),
    "BIZ.XML11.LEAVE_OUTSIDE_STAY": (
        ANY,
        insert_doc(
            "xml11",
            **(
                SICK_LEAVE | {"tu_ngay": "CAST(ngay_ra AS DATE) + 5", "den_ngay": "CAST(ngay_ra AS DATE) + 9"}
            ),
        ),
    ),
    "BIZ.XML9.MA_BHXH_NND_FORMAT": (ANY, insert_doc("xml9", ma_ttdv="ma_ttdv", ma_bhxh_nnd="'0000000000'")),
    "BIZ.XML10.SO_NGAY_VS_DATES": (
        ANY,
        insert_doc(
            "xml10", tu_ngay="CAST(ngay_vao AS DATE)", den_ngay="CAST(ngay_vao AS DATE) + 9", so_ngay="7"
        ),
    ),
    "BIZ.XML11.SO_NGAY_NGHI_VS_DATES": (ANY, insert_doc("xml11", **(SICK_LEAVE | {"so_ngay_nghi": "5"}))),
    "BIZ.XML11.MAU_SO_VALUE": (ANY, insert_doc("xml11", **(SICK_LEAVE | {"mau_so": "'CT01'"}))),
    "BIZ.XML3.BED_SERVICE_WARD_MISMATCH": (has("xml3", BEDS), set_line("xml3", "ma_khoa = 'K48'", BEDS)),
    "BIZ.XML3.BED_QUANTITY_FRACTION": (
        has("xml3", BEDS),
        set_line("xml3", "so_luong = so_luong + 0.25", BEDS),
    ),
}

#: the money at stake of some cases (the sum of their findings' amounts, VND, ±1 for rounding), as SQL on the
#: mutated claim; every rule whose amount header starts with 0 must give 0
BED_LINES = "ma_nhom IN ('14', '15', '16')"
CLAIM_BHTT = f"SELECT greatest(t_bhtt, 0) FROM core.xml1 WHERE {K}"
AMOUNTS: dict[str, str] = {
    "BIZ.XML1.T_BHTT_LINES": "SELECT 1000",
    "BIZ.XML1.T_BHTT_FORMULA": "SELECT 1000",
    "BIZ.XML2.T_BHTT_FORMULA": "SELECT 1000",
    "BIZ.XML3.T_BHTT_FORMULA": "SELECT 1000",
    "BIZ.XML3.T_BHTT_ABOVE_T_TRANTT": "SELECT 1000",
    "BIZ.XML2.THANH_TIEN_BH_FORMULA": (
        f"SELECT least(t_bhtt, 10 * muc_huong) FROM core.xml2 WHERE {line('xml2')}"
    ),
    "BIZ.XML3.THANH_TIEN_BH_FORMULA": (
        f"SELECT least(t_bhtt, 10 * muc_huong) FROM core.xml3 WHERE {line('xml3')}"
    ),
    "BIZ.XML3.DON_GIA_BH_ABOVE_BV": (
        "SELECT least(t_bhtt, 1000 * so_luong * coalesce(tyle_tt_dv, 100) / 100 * coalesce(tyle_tt_bh, 100) "
        f"/ 100 * coalesce(muc_huong, 100) / 100) FROM core.xml3 WHERE {line('xml3')}"
    ),
    "BIZ.XML3.TAI_SU_DUNG_PRICE": "SELECT 0",  # DON_GIA_BH below DON_GIA_BV costs the fund nothing
    "BIZ.XML1.NO_COST_LINES": CLAIM_BHTT,
    "BIZ.XML1.CARD_NOT_VALID_AT_ADMISSION": CLAIM_BHTT,
    "BIZ.XML1.DUPLICATE_CLAIM": "SELECT 0",  # the copy (MA_LK + 'D', sorting after) is the duplicate
    "BIZ.XML1.OVERLAP_INPATIENT_SAME_FACILITY": (
        "SELECT greatest(t_bhtt, 0) * (date_diff('minute', ngay_vao, ngay_ra) - 60) "
        f"/ date_diff('minute', ngay_vao, ngay_ra) FROM core.xml1 WHERE {K}"
    ),
    "BIZ.XML3.BED_DAY_UNDER_4H": f"SELECT sum(t_bhtt) FROM core.xml3 WHERE {K} AND {BED_LINES}",
    "BIZ.XML3.BED_DAYS_4_TO_24H": (
        f"SELECT sum(t_bhtt) * (sum(so_luong) - 1) / sum(so_luong) FROM core.xml3 WHERE {K} AND {BED_LINES}"
    ),
    "BIZ.XML3.EXAM_FEE_INPATIENT": (
        "SELECT sum(t_bhtt) * (sum(so_luong) - 1) / sum(so_luong) "
        f"FROM core.xml3 WHERE {K} AND ma_nhom = '13'"
    ),
    "BIZ.XML2.TT_THAU_REQUIRED": f"SELECT t_bhtt FROM core.xml2 WHERE {K} AND tt_thau IS NULL",
}

#: values a finding must never show (patient identifiers), from the claim's XML1
IDENTIFIERS = ("ho_ten", "so_cccd", "ma_the_bhyt", "dia_chi", "dien_thoai", "ma_bn")


def scope_of(con: duckdb.DuckDBPyConnection, mac: str, lk: str) -> str:
    con.execute(
        "CREATE OR REPLACE TABLE main.test_scope AS SELECT macskcb, ma_lk, source_sha256 "
        "FROM core.claim_current "
        "WHERE macskcb = ? AND ma_lk = ?",
        [mac, lk],
    )
    return "main.test_scope"


def findings_of(con: duckdb.DuckDBPyConnection, rule: review.Rule, mac: str, lk: str) -> list[dict]:
    # the scope's rows copied into memory once, as the nightly review does (views: test_evaluate_contract)
    table = review.evaluate(con, [rule], scope=scope_of(con, mac, lk), materialize=True)
    return table.to_pylist()


def candidates(con: duckdb.DuckDBPyConnection, pick: str) -> list[tuple[str, str]]:
    return con.execute(
        f"SELECT macskcb, ma_lk FROM core.xml1 AS x1 WHERE {pick} ORDER BY macskcb, ma_lk"  # noqa: S608
    ).fetchall()


def test_every_rule_says_what_its_amount_is(rules):
    """Issue 14 item 4: every rule file declares what a finding's amount is (``-- amount:``): what the fund
    would not pay (a T_BHTT, or the overpaid part of it), or 0 and why."""
    lacking = sorted({r.path.name for r in rules if not r.amount})
    assert not lacking, f"rule files without an '-- amount:' header line: {lacking}"
    for r in rules:
        assert r.amount.startswith("0") or "T_BHTT" in r.amount, f"{r.code}: {r.amount!r}"


def test_every_rule_selects_an_amount(scratch, rules):
    """Every rule's SELECT returns the amount column (on the clean scratch warehouse)."""
    review.open_scope(scratch, "core.claim_current")
    try:
        for r in rules:
            cols = [d[0].lower() for d in scratch.execute(f"SELECT * FROM ({r.sql}) LIMIT 0").description]
            assert cols == [*review.RULE_COLUMNS, review.AMOUNT_COLUMN], f"{r.code} returns {cols}"
            # exact money: DECIMAL arithmetic (or a literal 0), never a float
            kind = scratch.execute(f"DESCRIBE SELECT amount FROM ({r.sql})").fetchone()[1]
            assert kind.startswith("DECIMAL") or kind == "INTEGER", f"{r.code}: amount is {kind}"
    finally:
        review.close_scope(scratch)


def test_every_rule_has_a_case(rules):
    codes = {r.code for r in rules}
    # the BIZ.CARD rules read the fund's list; their cases live in tests/patients/test_eligibility_rules.py
    card = {c for c in codes if c.startswith("BIZ.CARD.")}
    eligibility_tests = (Path(__file__).parents[1] / "patients" / "test_eligibility_rules.py").read_text()
    assert all(c in eligibility_tests for c in card), card
    codes -= card
    assert codes == set(CASES), (
        f"rules without a case: {codes - set(CASES)}; cases without a rule: {set(CASES) - codes}"
    )
    assert len(codes) >= 40


# -- running the cases --------------------------------------------------------------------------------------
#: what in a rule's SQL (or in a scope helper it reads) can make its findings on one claim depend on other
#: claims: the warehouse's history (``core.*``, ``${db}.core.*``, ``episodes_by_patient``) or a window
OTHER_CLAIMS = re.compile(r"\bcore\.|episodes_by_patient|\bOVER\s*\(", re.IGNORECASE)
SCOPE_HELPERS = {f.name.removeprefix("chk.main."): f.body for f in folder_files(review.SCOPE_DIR)}
CLAIM = re.escape(K)


def claim_alone(rule: review.Rule) -> bool:
    """Whether the rule's findings on a claim can only come from that claim's own rows (and the reference):
    it reads each relation of the scope once (no self-join), and neither it nor a scope helper it reads reads
    the history or uses a window (the helpers join a claim's rows on the claim). Conservative: a rule that
    may look across claims answers False."""
    sql = re.sub(r"--[^\n]*", "", rule.sql)
    relations = re.findall(r"\bchk\.(?:main\.)?(\w+)", sql)
    texts = [sql] + [SCOPE_HELPERS[r] for r in set(relations) if r in SCOPE_HELPERS]
    return len(relations) == len(set(relations)) and not any(OTHER_CLAIMS.search(t) for t in texts)


def touches_claim_alone(mutations: list[str]) -> bool:
    """Whether a case's mutations read and write the rows of its own claim only (every ``FROM core.…`` is
    restricted to the claim, and no key is rewritten, i.e. no other claim is made)."""
    text = " ".join(mutations)
    reads = re.findall(r"FROM core\.\w+( AS \w+)?( WHERE " + CLAIM + ")?", text)
    return all(where for _, where in reads) and not re.search(r"AS (ma_lk|macskcb)\b", text)


@dataclasses.dataclass
class Outcome:
    """What one case found: its clean claim, the claim's identifiers, the findings after the mutation and the
    money the case expects (or the error of the case)."""

    clean: tuple[str, str] | None = None
    identifiers: tuple = ()
    hits: list[dict] = dataclasses.field(default_factory=list)
    expected: object = None
    error: str = ""


def run_case_alone(con: duckdb.DuckDBPyConnection, rule: review.Rule, code: str) -> Outcome:
    """A case on its own: the rule evaluated on one claim at a time (the candidates, then the mutated one)."""
    pick, mutations = CASES[code]
    found = candidates(con, pick)
    if not found:
        return Outcome(error=f"no claim in the clean warehouse matches {pick!r}")
    # the first candidate the rule leaves alone: the clean claim (a clean claim of that kind must exist)
    clean = next(((m, k) for m, k in found[:15] if not findings_of(con, rule, m, k)), None)
    if clean is None:
        example = findings_of(con, rule, *found[0])
        return Outcome(error=f"{code} fires on every clean candidate, e.g. {example}")
    out = Outcome(clean=clean, identifiers=identifiers_of(con, *clean))
    for sql in mutations:
        TOUCHED.update(re.findall(r"core\.(?:xml\d+|claim_current)\b", sql))
        con.execute(sql.format(mac=clean[0], lk=clean[1]))
    out.hits = findings_of(con, rule, *clean)
    if code in AMOUNTS:
        (out.expected,) = con.execute(AMOUNTS[code].format(mac=clean[0], lk=clean[1])).fetchone()
    return out


def identifiers_of(con: duckdb.DuckDBPyConnection, mac: str, lk: str) -> tuple:
    row = con.execute(
        f"SELECT {', '.join(IDENTIFIERS)} FROM core.xml1 WHERE macskcb = ? AND ma_lk = ?",  # noqa: S608
        [mac, lk],
    ).fetchone()
    return tuple(row or ())


def run_cases_together(con: duckdb.DuckDBPyConnection, rules: dict[str, review.Rule]) -> dict[str, Outcome]:
    """The cases whose rule sees one claim at a time and whose mutations touch their own claim only, in a few
    rounds instead of one evaluation per candidate and per mutation; each finds what :func:`run_case_alone`
    would find on the same claim:

    - a clean claim is a candidate (of the first 15, as alone) without a finding of the rule in one review of
      every clean claim (for such a rule, its findings on a claim are the same whatever else is in the scope);
    - a round mutates the clean claims of several cases, each claim by one case only, and evaluates their
      rules over those claims at once; a case reads only its rule's findings on its own claim, which no other
      case's mutation can reach. The scratch is restored after each round.

    A case takes the first of its clean claims that no other case of the round took (alone it takes the first
    clean one: most cases would then share the first claim of the warehouse, one round each)."""
    clean_review = review.evaluate(con, list(rules.values()), scope="core.claim_current", materialize=True)
    fired = {(f["rule_code"], f["macskcb"], f["ma_lk"]) for f in clean_review.to_pylist()}
    outcomes: dict[str, Outcome] = {}
    rounds: list[dict[tuple[str, str], str]] = []
    for code, rule in rules.items():
        pick, _ = CASES[code]
        found = candidates(con, pick)
        if not found:
            outcomes[code] = Outcome(error=f"no claim in the clean warehouse matches {pick!r}")
            continue
        clean = [(m, k) for m, k in found[:15] if (code, m, k) not in fired]
        if not clean:
            outcomes[code] = Outcome(
                error=f"{code} fires on every clean candidate, e.g. {findings_of(con, rule, *found[0])}"
            )
            continue
        # the first round with one of the case's clean claims free, and the first such claim
        free = next((r for r in rounds if any(c not in r for c in clean)), None)
        if free is None:
            free = {}
            rounds.append(free)
        claim = next(c for c in clean if c not in free)
        free[claim] = code
        outcomes[code] = Outcome(clean=claim, identifiers=identifiers_of(con, *claim))
    for cases in rounds:
        try:
            run_round(con, rules, cases, outcomes)
        finally:
            restore_core(con)
    return outcomes


def run_round(
    con: duckdb.DuckDBPyConnection,
    rules: dict[str, review.Rule],
    cases: dict[tuple[str, str], str],
    outcomes: dict[str, Outcome],
) -> None:
    """One round: mutate each case's claim, evaluate the round's rules over those claims, keep each case's
    findings of its own rule on its own claim. What fails is the failing case's error (or, for the evaluation,
    the round's: the error names the rule file), never the other rounds'."""
    for (mac, lk), code in cases.items():
        try:
            for sql in CASES[code][1]:
                TOUCHED.update(re.findall(r"core\.(?:xml\d+|claim_current)\b", sql))
                con.execute(sql.format(mac=mac, lk=lk))
        except duckdb.Error as e:
            outcomes[code].error = f"{code}: a mutation failed on {mac}/{lk}: {e}"
    keys = [f"('{mac}', '{lk}')" for mac, lk in cases]
    con.execute(
        "CREATE OR REPLACE TABLE main.test_scope AS SELECT macskcb, ma_lk, source_sha256 "  # noqa: S608
        f"FROM core.claim_current WHERE (macskcb, ma_lk) IN ({', '.join(keys)})"
    )
    try:
        found = review.evaluate(
            con, [rules[c] for c in cases.values()], scope="main.test_scope", materialize=True
        )
    except review.RuleExecutionError as e:
        for code in cases.values():
            outcomes[code].error = outcomes[code].error or f"the round of {code} failed: {e}"
        return
    for f in found.to_pylist():
        code = cases.get((f["macskcb"], f["ma_lk"]))
        if code == f["rule_code"]:
            outcomes[code].hits.append(f)
    for (mac, lk), code in cases.items():
        if code in AMOUNTS:
            try:
                (outcomes[code].expected,) = con.execute(AMOUNTS[code].format(mac=mac, lk=lk)).fetchone()
            except duckdb.Error as e:
                outcomes[code].error = outcomes[code].error or f"{code}: the expected amount failed: {e}"


@pytest.fixture(scope="module")
def together(scratch_module, rules) -> dict[str, Outcome]:
    """The outcomes of the cases :func:`run_cases_together` can run (the others run alone, in the test)."""
    by_code = {r.code: dataclasses.replace(r, enabled=True) for r in rules}
    fit = {
        code: by_code[code]
        for code in sorted(CASES)
        if claim_alone(by_code[code]) and touches_claim_alone(CASES[code][1])
    }
    try:
        return run_cases_together(scratch_module, fit)
    finally:
        restore_core(scratch_module)


def test_most_cases_run_together(together, rules):
    """The rounds stay the common path; a rule that looks across claims, or a case that reads or makes
    another claim, runs alone."""
    assert len(together) >= 180, sorted(set(CASES) - set(together))
    by_code = {r.code: r for r in rules}
    across = ("DUPLICATE_CLAIM", "OVERLAP_INPATIENT_SAME_FACILITY", "VISIT_DURING_INPATIENT_STAY")
    assert not any(claim_alone(by_code[f"BIZ.XML1.{c}"]) for c in across)
    assert not claim_alone(by_code["BIZ.XML3.SURGEON_TWO_OPERATIONS_AT_ONCE"])  # the history of core.xml3
    assert not claim_alone(by_code["BIZ.XML2.DRUG_TWICE_SAME_DAY"])  # a window
    assert not touches_claim_alone(CASES["BIZ.XML5.UNEXPECTED"][1])  # copies another claim's XML5 line
    assert not touches_claim_alone(CASES["BIZ.XML3.BED_SHARED_NOT_DECLARED"][1])  # makes another claim
    assert touches_claim_alone(CASES["BIZ.XML4.IMAGING_WITHOUT_CONCLUSION"][1])
    assert not set(together) & {f"BIZ.XML1.{c}" for c in across}


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule(request, rules, together, code):
    rule = dataclasses.replace(next(r for r in rules if r.code == code), enabled=True)
    # a case of the rounds left the scratch as it was; one that runs alone changes it (restored after it)
    outcome = together.get(code) or run_case_alone(request.getfixturevalue("scratch"), rule, code)
    assert not outcome.error, outcome.error
    assert outcome.clean is not None
    mac, lk = outcome.clean
    hits = outcome.hits
    assert hits, f"{code} did not fire on {mac}/{lk} after {CASES[code][1]}"
    money = sum(h["amount"] for h in hits)
    if code in AMOUNTS:
        expected = outcome.expected
        assert abs(money - Decimal(str(expected))) <= 1, f"{code}: amount {money}, expected {expected}"
    if rule.amount.startswith("0"):
        assert money == 0, f"{code} says its amount is 0 and gives {money}"
    for h in hits:
        assert (h["macskcb"], h["ma_lk"], h["rule_code"], h["severity"]) == (mac, lk, code, rule.severity)
        # issue 14 item 4: every finding carries the money at stake, exact, never null, never negative
        assert isinstance(h["amount"], Decimal) and h["amount"] >= 0, f"{code}: amount {h['amount']!r}"
        assert h["loaihoso"] == rule.table and h["field"] and h["value"] is not None
        assert (
            h["source_sha256"] and h["message_vi"] == rule.message_vi and h["message_en"] == rule.message_en
        )
        for ident in outcome.identifiers:
            if ident and len(ident) >= 5:
                assert ident not in h["value"], f"{code} shows a patient identifier in its value"


def test_bed_days_allow_one_more_only_on_a_special_discharge(scratch, rules):
    """TT 39/2018 Điều 6 k4 (carried into TT 22/2023): a stay over 24 h is billed the days between inpatient
    admission and discharge; one more only on death, transfer, absconding, discharge on request or a
    worse/unchanged outcome. A routine discharge billed ra − vào + 1 is one bed-day too many."""
    rule = next(r for r in rules if r.code == "BIZ.XML3.BED_DAYS_EXCEED_STAY")
    (mac, lk, days) = scratch.execute(
        "SELECT macskcb, ma_lk, date_diff('day', CAST(CASE WHEN ngay_vao_noi_tru "
        "BETWEEN ngay_vao AND ngay_ra "
        "THEN ngay_vao_noi_tru ELSE ngay_vao END AS DATE), CAST(ngay_ra AS DATE)) FROM core.xml1 AS x1 "
        f"WHERE {INPATIENT} AND {has('xml3', BEDS)} AND ket_qua_dtri IN ('1', '2') AND ma_loai_rv = '1' "
        "AND ngay_ra > ngay_vao + INTERVAL 2 DAY ORDER BY 1, 2 LIMIT 1"
    ).fetchone()
    TOUCHED.update({"core.xml1", "core.xml3"})
    assert not findings_of(scratch, rule, mac, lk)  # the generator bills the calendar days
    scratch.execute(
        f"UPDATE core.xml3 SET so_luong = {days + 1}, t_bhtt = t_bhtt / so_luong * {days + 1} "
        f"WHERE {line('xml3', BEDS).format(mac=mac, lk=lk)}"
    )
    hits = findings_of(scratch, rule, mac, lk)
    assert [h["value"] for h in hits] == [f"bed-days={days + 1}; allowed={days}"]
    bed_bhtt = scratch.execute(
        f"SELECT t_bhtt FROM core.xml3 WHERE {line('xml3', BEDS).format(mac=mac, lk=lk)}"
    ).fetchone()[0]
    assert hits[0]["amount"] == round(bed_bhtt / (days + 1), 0)  # one bed-day's share of the fund's money
    scratch.execute(f"UPDATE core.xml1 SET ket_qua_dtri = '5' WHERE macskcb = '{mac}' AND ma_lk = '{lk}'")
    assert not findings_of(scratch, rule, mac, lk)  # death: + 1 allowed


def test_an_over_price_finding_carries_the_fund_share_of_the_excess(scratch, rules):
    rule = next(r for r in rules if r.code == "BIZ.XML2.DRUG_PRICE_ABOVE_APPROVED")
    mac, lk = candidates(scratch, has("xml2", DRUGS))[0]
    where = line("xml2", DRUGS).format(mac=mac, lk=lk)
    qty, share = scratch.execute(
        f"SELECT so_luong, coalesce(tyle_tt_bh, 100) * coalesce(muc_huong, 100) * 0.0001 FROM core.xml2 "
        f"WHERE {where}"
    ).fetchone()
    TOUCHED.add("core.xml2")
    scratch.execute(f"UPDATE core.xml2 SET don_gia = don_gia + 500, t_bhtt = t_bhtt + 1000000 WHERE {where}")
    (hit,) = findings_of(scratch, rule, mac, lk)
    assert hit["amount"] == round(500 * qty * share, 0)
    assert hit["ruleset"].startswith("r")


def test_oxygen_beyond_the_stay_carries_the_fund_share_of_the_litres_too_many(scratch, rules):
    """60 L/min from the first oxygen order to discharge is the bound; the finding's money is the part of the
    oxygen lines' T_BHTT that pays for the litres above it, and a quantity within it is no finding."""
    rule = next(r for r in rules if r.code == "BIZ.XML2.OXYGEN_BEYOND_STAY")
    mac, lk = candidates(scratch, has("xml2", DRUGS) + " AND NOT " + has("xml2", "l.ma_thuoc = '40.17'"))[0]
    where = line("xml2", DRUGS).format(mac=mac, lk=lk)
    sql = f"SELECT coalesce(ngay_th_yl, ngay_yl) FROM core.xml2 WHERE {where}"  # noqa: S608
    (first,) = scratch.execute(sql).fetchone()
    (minutes,) = scratch.execute(
        "SELECT date_diff('minute', ?::TIMESTAMP, ngay_ra) FROM core.xml1 WHERE macskcb = ? AND ma_lk = ?",
        [first, mac, lk],
    ).fetchone()
    bound = 60 * minutes
    TOUCHED.add("core.xml2")
    scratch.execute(
        f"UPDATE core.xml2 SET ma_thuoc = '40.17', don_vi_tinh = 'Lít', so_luong = {bound}, t_bhtt = 100000 "
        f"WHERE {where}"
    )
    assert not findings_of(scratch, rule, mac, lk)
    scratch.execute(f"UPDATE core.xml2 SET so_luong = {bound * 4} WHERE {where}")
    (hit,) = findings_of(scratch, rule, mac, lk)
    assert hit["amount"] == 75000  # three quarters of the litres are too many


def test_a_signer_may_be_named_by_bhxh_number_an_ordering_doctor_may_not(scratch, rules):
    """MA_BS of XML7 (like MA_TTDV, and MA_BS of XML10/XML11) is the signer's medical identifier, the BHXH
    number (QĐ 130/4750 Bảng 7 #15): the staff list's MA_BHXH registers it. MA_BAC_SI is a practising
    certificate: a BHXH number there is not registered."""
    signer = next(r for r in rules if r.code == "BIZ.XML7.MA_BS_NOT_REGISTERED")
    orderer = next(r for r in rules if r.code == "BIZ.XML2.MA_BAC_SI_NOT_REGISTERED")
    mac, lk = candidates(scratch, has("xml7") + " AND " + has("xml2"))[0]
    claim = K.format(mac=mac, lk=lk)
    (bhxh,) = scratch.execute(
        "SELECT min(s.ma_bhxh) FROM ref.catalog_staff AS s WHERE s.macskcb = ? AND upper(s.macchn) = "
        f"(SELECT upper(ma_bs) FROM core.xml7 WHERE {claim})",  # noqa: S608
        [mac],
    ).fetchone()
    assert bhxh
    TOUCHED.update({"core.xml7", "core.xml2"})
    scratch.execute(f"UPDATE core.xml2 SET ma_bac_si = '{bhxh}' WHERE {line('xml2').format(mac=mac, lk=lk)}")
    scratch.execute(f"UPDATE core.xml7 SET ma_bs = '{bhxh}' WHERE {claim}")
    assert not findings_of(scratch, signer, mac, lk)
    assert [h["field"] for h in findings_of(scratch, orderer, mac, lk)] == ["MA_BAC_SI"]
