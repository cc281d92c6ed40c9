"""Generated episodes obey the standard's formulas and presence rules (STANDARD.md §5.1, §5.2, §5.4)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest

from pipelines.generate.claims import BENEFIT_PERCENT, FULL_COVER_THRESHOLD
from pipelines.generate.landing import LandingWriter

D = Decimal


def r2(x: Decimal) -> Decimal:
    """round(x, 2) as exporters and the portal round money: half away from zero."""
    return x.quantize(D("0.01"), rounding=ROUND_HALF_UP)


@pytest.fixture(scope="module")
def episodes(tmp_path_factory):
    w = LandingWriter(
        tmp_path_factory.mktemp("l"), tmp_path_factory.mktemp("t"), facilities=3, seed=5, period="2026-10"
    )
    w._patient_pool(150)
    return [w.episode(w.facilities[i % 3]) for i in range(200)]


def lines(ep):
    return ep.tables.get("XML2", []) + ep.tables.get("XML3", [])


def test_line_formulas(episodes):
    for ep in episodes:
        for row in ep.tables.get("XML2", []):
            assert D(row["THANH_TIEN_BV"]) == r2(D(row["SO_LUONG"]) * D(row["DON_GIA"]))  # L1
        for row in lines(ep):
            bv, bh = D(row["THANH_TIEN_BV"]), D(row["THANH_TIEN_BH"])
            assert bh == r2(bv * D(row["TYLE_TT_BH"]) / 100)  # L2/L4
            assert D(row["T_BHTT"]) == r2(bh * D(row["MUC_HUONG"]) / 100)  # L6
            assert D(row["T_BNCCT"]) == bh - D(row["T_BHTT"])
            assert D(row["T_BNTT"]) == bv - bh
            assert bv == D(row["T_BNTT"]) + D(row["T_BNCCT"]) + D(row["T_BHTT"]) + D(row["T_NGUONKHAC"])  # L9


def test_header_totals_equal_the_lines(episodes):
    for ep in episodes:
        x1, ls = ep.xml1, lines(ep)

        def s(k, ls=ls):
            return sum((D(r[k]) for r in ls), D(0))

        assert D(x1["T_THUOC"]) == sum((D(r["THANH_TIEN_BV"]) for r in ep.tables.get("XML2", [])), D(0))  # H1
        assert D(x1["T_VTYT"]) == sum(
            (D(r["THANH_TIEN_BV"]) for r in ep.tables["XML3"] if r["MA_NHOM"] == "10"), D(0)
        )  # H2
        assert D(x1["T_TONGCHI_BV"]) == s("THANH_TIEN_BV")  # H3
        assert D(x1["T_TONGCHI_BH"]) == s("THANH_TIEN_BH")  # H4
        assert D(x1["T_BNTT"]) == s("T_BNTT") and D(x1["T_BNCCT"]) == s("T_BNCCT")  # H5
        assert D(x1["T_BHTT"]) == D(x1["T_TONGCHI_BH"]) - D(x1["T_BNCCT"])  # H6
        assert D(x1["T_BHTT_GDV"]) == sum((D(r["T_BHTT"]) for r in ls if r["MA_PTTT"] == "1"), D(0))  # H7
        assert (x1["NAM_QT"], x1["THANG_QT"]) == (x1["NGAY_RA"][:4], x1["NGAY_RA"][4:6])


def test_benefit_digit_of_the_card_gives_muc_huong(episodes):
    for ep in episodes:
        card = ep.xml1["MA_THE_BHYT"]
        assert len(card) == 15 and card[:2].isalpha() and card[2] in "12345" and card[3:].isdigit()
        levels = {r["MUC_HUONG"] for r in lines(ep)}
        assert len(levels) == 1
        expected = BENEFIT_PERCENT[int(card[2])]
        if D(ep.xml1["T_TONGCHI_BH"]) < FULL_COVER_THRESHOLD:
            expected = 100  # an episode under 15 % of the base salary is paid in full
        assert levels == {str(expected)}


def test_tables_present_follow_the_type_of_care(episodes):
    kinds = set()
    for ep in episodes:
        loai = ep.xml1["MA_LOAI_KCB"]
        kinds.add(loai)
        present = set(ep.tables)
        assert {"XML1", "XML2", "XML3"} <= present
        if loai == "03":
            assert {"XML5", "XML7", "XML8"} <= present
            assert int(ep.xml1["SO_NGAY_DTRI"]) >= 1
        if loai == "01":
            assert not {"XML5", "XML7", "XML8"} & present
            assert ep.xml1["SO_NGAY_DTRI"] == "0"
        if loai == "02":
            assert "XML5" in present and "XML8" not in present
        if any(r["MA_NHOM"] in ("1", "2", "3") for r in ep.tables["XML3"]):
            assert "XML4" in present
        assert ("XML13" in present) == (ep.xml1["MA_LOAI_RV"] == "2")
        assert ("XML14" in present) == bool(ep.xml1["NGAY_TAI_KHAM"])
        assert ep.xml1["NGAY_VAO"] <= ep.xml1["NGAY_RA"]
    assert {"01", "02", "03"} <= kinds


def test_diagnoses_come_from_the_icd10_list_and_fit_the_patient(episodes):
    from pipelines.generate.catalogs import load_catalogs
    from pipelines.generate.claims import PROFILES, SECONDARY

    icd = load_catalogs().icd10
    for code in {p.icd for p in PROFILES} | set(SECONDARY):
        assert code in icd, f"{code} is not in data/catalogs/icd10.csv"
    for ep in episodes:
        code = ep.xml1["MA_BENH_CHINH"]
        restriction = icd[code]["sex_restriction"]
        assert not restriction or restriction == {"1": "M", "2": "F"}[ep.xml1["GIOI_TINH"]]
