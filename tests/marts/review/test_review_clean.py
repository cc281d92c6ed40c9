"""A claim whose data is clean gets no error-severity finding.

Freshly generated clean data (no defects; 3 facilities, 160 claims, two seeds) is ingested by the real
pipeline, and the whole review (reference tables, every enabled rule, review objects) runs on a copy of the
warehouse exactly as a nightly build would: over the Parquet-backed ``core`` views, scope = every current
claim, with the reviewer's catalogues of what the claims use loaded (``catalog_support``), so that the
catalogue rules run too. The generator's payment cases (wrong route with other-source money, TYLE_TT_DV below
100, a withdrawn claim) are part of that data and must come out without an error too.
"""

from __future__ import annotations

import json
import shutil

import duckdb
import pytest
from catalog_support import load_catalogs
from marts_support import CLEAN_SEEDS

from pipelines.marts import review


@pytest.fixture(scope="module", params=CLEAN_SEEDS, ids=[f"seed{s}" for s in CLEAN_SEEDS])
def reviewed(request, clean_warehouse, tmp_path_factory):
    root = clean_warehouse(request.param)
    copy = tmp_path_factory.mktemp("reviewed") / "warehouse.duckdb"
    shutil.copy(root / "warehouse.duckdb", copy)
    con = duckdb.connect(str(copy))
    lake = load_catalogs(con, copy.parent / "catalogs", copy.parent / "lake")
    summary = review.build_review(con, lake=lake)
    manifest = json.loads((root / "landing" / "manifest.json").read_text(encoding="utf-8"))
    yield con, summary, manifest
    con.close()


def test_clean_data_has_no_error_finding(reviewed):
    con, summary, _ = reviewed
    (claims,) = con.execute("SELECT count(*) FROM core.claim_current").fetchone()
    assert claims >= 150
    errors = con.execute(
        "SELECT rule_code, macskcb, ma_lk, value FROM review.findings WHERE severity = 'error' ORDER BY ALL"
    ).fetchall()
    assert errors == [], f"clean claims got error findings: {errors[:10]}"
    assert summary["by_severity"]["error"] == 0
    assert summary["rules_enabled"] >= 150
    (versions,) = con.execute("SELECT count(*) FROM ref.catalog_versions").fetchone()
    assert versions >= 15  # the catalogue rules had lists to read


def test_payment_cases_are_reviewed_without_error(reviewed):
    """The less common but legitimate cases of the generator are in the data and raise no error."""
    con, _, manifest = reviewed
    cases = manifest["payment_cases"]
    kinds = {k for c in cases for k in c["kinds"]}
    assert {"wrong_route", "other_source", "reduced_rate", "withdrawn"} <= kinds
    for c in cases:
        rows = con.execute(
            "SELECT severity, rule_code FROM review.findings WHERE macskcb = ? AND ma_lk = ?",
            [c["macskcb"], c["ma_lk"]],
        ).fetchall()
        assert all(sev != "error" for sev, _ in rows), (c, rows)
        if "withdrawn" in c["kinds"]:
            assert ("info", "BIZ.XML1.WITHDRAWN") in rows


def test_warnings_on_clean_data_are_few(reviewed):
    """Noise check: on clean data no enabled warning rule fires on more than 5 % of the claims."""
    con, _, _ = reviewed
    noisy = con.execute(
        "SELECT rule_code, hit_rate FROM review.rule_hit_rates WHERE severity = 'warning' AND hit_rate > 0.05"
    ).fetchall()
    assert noisy == []
