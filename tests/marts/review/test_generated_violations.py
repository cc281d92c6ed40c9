"""The generator's catalogues and catalogue violations (``pipelines.generate.reviewer_catalogs``).

End to end: a generated night with its reference catalogues loaded by ``bhyt-etl catalog load``, ingested by
the real pipeline and reviewed. Every violation the manifest lists is found by its rule on its claim and line,
that rule finds nothing on any other claim, and no other claim gets an error."""

from __future__ import annotations

import json

import duckdb
import pytest
from support.built_warehouse import ingest

from pipelines.cli import main
from pipelines.generate.landing import generate_landing
from pipelines.generate.reviewer_catalogs import VIOLATIONS, read_index
from pipelines.marts import review


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory):
    root = tmp_path_factory.mktemp("violations")
    generate_landing(
        root / "landing",
        root / "trust",
        facilities=3,
        claims=60,
        seed=11,
        reference=root / "reference",
        catalog_violations=True,
    )
    folder = root / "reference" / "catalogs"
    for f in read_index(folder):
        args = ["catalog", "load", f.kind, str(folder / f.file), "--lake", str(root / "lake")]
        assert main(args + (["--facility", f.facility] if f.facility else [])) == 0
    ingest(root)
    manifest = json.loads((root / "landing" / "manifest.json").read_text(encoding="utf-8"))
    con = duckdb.connect(str(root / "warehouse.duckdb"), read_only=True)
    yield con, manifest
    con.close()


def test_every_violation_kind_is_written(reviewed):
    _, manifest = reviewed
    assert {v["kind"] for v in manifest["catalog_violations"]} == set(VIOLATIONS)


def test_each_violation_is_found_by_its_rule_on_its_claim_only(reviewed):
    con, manifest = reviewed
    for v in manifest["catalog_violations"]:
        hits = con.execute(
            "SELECT macskcb, ma_lk, value, amount FROM review.findings WHERE rule_code = ?", [v["rule_code"]]
        ).fetchall()
        assert [(h[0], h[1]) for h in hits] == [(v["macskcb"], v["ma_lk"])], (v, hits)
        assert hits[0][2].startswith(f"STT {v['stt']}:"), (v, hits)


def test_no_other_claim_gets_an_error(reviewed):
    con, manifest = reviewed
    broken = {(v["macskcb"], v["ma_lk"]) for v in manifest["catalog_violations"]}
    errors = con.execute(
        "SELECT rule_code, macskcb, ma_lk, value FROM review.findings WHERE severity = 'error' ORDER BY ALL"
    ).fetchall()
    assert [e for e in errors if (e[1], e[2]) not in broken] == []
    (versions,) = con.execute("SELECT count(*) FROM ref.catalog_versions").fetchone()
    assert versions == 3 * 6 + 1


def test_the_queue_puts_the_money_first(reviewed):
    con, manifest = reviewed
    money = con.execute(
        "SELECT rule_code, amount FROM review.findings WHERE amount > 0 AND rule_code IN "
        f"({', '.join('?' for _ in manifest['catalog_violations'])})",
        [v["rule_code"] for v in manifest["catalog_violations"]],
    ).fetchall()
    assert {r for r, _ in money} >= {"BIZ.XML2.DRUG_PRICE_ABOVE_APPROVED", "BIZ.XML3.DON_GIA_BH_ABOVE_TARIFF"}
    top = con.execute(
        "SELECT macskcb, ma_lk FROM review.queue WHERE priority = 1 AND amount_at_stake > 0"
    ).fetchall()
    assert top
    assert review.FINDINGS_SCHEMA.field("amount").type.scale == 2
