"""Generated episodes obey the standard's formulas and presence rules (STANDARD.md §5.1, §5.2, §5.4)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from standard_checks import check_claim, factors

from pipelines.generate.claims import BENEFIT_PERCENT, FULL_COVER_THRESHOLD
from pipelines.generate.writer import LandingWriter

D = Decimal


@pytest.fixture(scope="module")
def episodes(tmp_path_factory):
    w = LandingWriter(
        tmp_path_factory.mktemp("l"), tmp_path_factory.mktemp("t"), facilities=3, seed=5, period="2026-10"
    )
    w._patient_pool(150)
    return [w.episode(w.facilities[i % 3]) for i in range(200)]


def lines(ep):
    return ep.tables.get("XML2", []) + ep.tables.get("XML3", [])


def test_line_and_header_formulas_and_benefit_level(episodes):
    table = factors()
    for ep in episodes:
        check_claim(ep.tables, table)  # L1-L10, H1-H9, MUC_HUONG from the card, the 15 % rule, the route


def test_benefit_digit_of_the_card_gives_muc_huong_on_the_correct_route(episodes):
    for ep in episodes:
        card = ep.xml1["MA_THE_BHYT"]
        assert len(card) == 15 and card[:2].isalpha() and card[2] in "12345" and card[3:].isdigit()
        if ep.xml1["MA_DOITUONG_KCB"] not in ("1.1", "1.3", "1.4", "1.5", "2"):
            continue
        expected = BENEFIT_PERCENT[int(card[2])]
        if D(ep.xml1["T_TONGCHI_BH"]) < FULL_COVER_THRESHOLD:
            expected = 100  # an episode under 15 % of the base salary is paid in full
        assert {r["MUC_HUONG"] for r in lines(ep)} == {str(expected)}


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
