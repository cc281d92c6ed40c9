"""Every generated claim obeys the formulas of STANDARD.md §5.1 (lines) and §5.2 (header), from the files.

The amounts are recomputed from the inner XML of the files themselves (not from the generator's objects),
for the committed sample and for a larger generated night with every payment case: other-source money
(T_NGUONKHAC_*), reduced service rates (TYLE_TT_DV < 100), self-referred patients whose MUC_HUONG is the
card's level times a QĐ 3276 factor, withdrawn claims (MA_DOITUONG_KCB 8).
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from claimfiles import manifest_claims
from standard_checks import check_claim, factors

from pipelines.common.paths import data_dir

D = Decimal


def sample() -> tuple:
    landing = data_dir() / "sample" / "landing"
    return landing, json.loads((landing / "manifest.json").read_text(encoding="utf-8"))


def test_every_claim_of_the_sample_holds_the_formulas():
    landing, manifest = sample()
    table = factors()
    n = 0
    for _, claim in manifest_claims(landing, manifest):
        check_claim(claim, table)
        n += 1
    assert n == 30


def test_every_claim_of_a_larger_night_holds_the_formulas(night_one):
    table = factors()
    claims = [c for _, c in manifest_claims(night_one.landing, night_one.manifest)]
    assert len(claims) == 400
    for claim in claims:
        check_claim(claim, table)


def test_the_payment_cases_are_there_and_labelled(night_one):
    claims = {
        (mac, c["XML1"][0]["MA_LK"]): c for mac, c in manifest_claims(night_one.landing, night_one.manifest)
    }
    lines = [r for c in claims.values() for r in c.get("XML2", []) + c.get("XML3", [])]
    assert any(D(r["T_NGUONKHAC"]) > 0 for r in lines)
    assert any(D(r["T_NGUONKHAC"]) > 0 and D(r["T_BNTT"]) == 0 for r in lines)  # all of the excess paid
    reduced = {(r["MA_NHOM"], r["TYLE_TT_DV"]) for r in lines if r.get("TYLE_TT_DV", "100") != "100"}
    assert {("8", "50"), ("13", "30")} <= reduced
    codes = {c["XML1"][0]["MA_DOITUONG_KCB"] for c in claims.values()}
    assert {"1.1", "1.3", "1.5", "3.2", "8"} <= codes
    assert {D(r["MUC_HUONG"]) for r in lines} - {D(80), D(95), D(100)}  # e.g. 40 for 1.18 (80 x 0.5)
    labelled = {(p["macskcb"], p["ma_lk"]): p for p in night_one.manifest["payment_cases"]}
    for key, claim in claims.items():
        x1, rows = claim["XML1"][0], claim.get("XML2", []) + claim.get("XML3", [])
        kinds = set(labelled.get(key, {}).get("kinds", []))
        assert ("withdrawn" in kinds) == (x1["MA_DOITUONG_KCB"] == "8")
        assert ("other_source" in kinds) == (D(x1["T_NGUONKHAC"]) > 0)
        assert ("reduced_rate" in kinds) == any(r.get("TYLE_TT_DV", "100") != "100" for r in rows)
        if key in labelled:
            assert labelled[key]["ma_doituong_kcb"] == x1["MA_DOITUONG_KCB"]
            assert D(labelled[key]["muc_huong"]) == D(rows[0]["MUC_HUONG"])


@pytest.mark.parametrize("period", ["2026-01", "2026-03"])
def test_other_periods_hold_the_formulas_too(tmp_path, period):
    """Before 01/07/2026 the 1.13/1.14/1.18 factor is 0: those codes are then not generated at all."""
    from pipelines.generate.landing import generate_landing

    generate_landing(tmp_path / "l", tmp_path / "t", facilities=2, claims=120, seed=9, period=period)
    manifest = json.loads((tmp_path / "l" / "manifest.json").read_text(encoding="utf-8"))
    table = factors()
    for _, claim in manifest_claims(tmp_path / "l", manifest):
        check_claim(claim, table)
        x1 = claim["XML1"][0]
        assert x1["GT_THE_TU"] <= x1["NGAY_VAO"][:8] <= x1["NGAY_RA"][:8] <= x1["GT_THE_DEN"]
