"""``bhyt-etl review --recheck``: after a catalogue changes, the rules run again over the claims already
reviewed, the findings files of the lake are rewritten with the new rule-set version, and a second recheck
changes nothing. Also the savings report: it foots to the findings' money."""

from __future__ import annotations

import contextlib
import csv
import io
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from catalog_support import write_catalogs
from marts_support import CLEAN_SEEDS
from support.nights import copy_of

from pipelines.cli import main
from pipelines.marts import review
from pipelines.reference.store import load_catalog
from pipelines.run.check import check_lake

PRICE_RULE = "BIZ.XML2.DRUG_PRICE_ABOVE_APPROVED"


@pytest.fixture(scope="module")
def catalogued(clean_warehouse, tmp_path_factory):
    """A copy of a clean night (landing, lake with its findings files, warehouse) with the catalogues of what
    its claims use loaded, and one facility's drug list cut by 10 % on its dearest drug from 01/01/2025; made
    once, pristine: each test works on its own copy (``night``). Returns (root, facility, drug code)."""
    folder = tmp_path_factory.mktemp("recheck")
    root = copy_of(clean_warehouse(CLEAN_SEEDS[0]), folder / "night")
    lake, warehouse = root / "lake", root / "warehouse.duckdb"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        files = write_catalogs(con, folder / "catalogs")
        (mac, ma_thuoc) = con.execute(
            "SELECT macskcb, arg_max(ma_thuoc, don_gia) FROM core.xml2 WHERE ma_nhom = '4' "
            "GROUP BY 1 ORDER BY 1 LIMIT 1"
        ).fetchone()
    for kind, entries in files.items():
        for facility, path in entries:
            load_catalog(lake, kind, path, facility=facility)
    drugs = dict(files["drugs"])[mac]
    rows = list(csv.DictReader(drugs.open(encoding="utf-8")))
    for row in rows:
        if row["MA_THUOC"] == ma_thuoc:
            row["DON_GIA_BH"] = str((Decimal(row["DON_GIA_BH"]) * Decimal("0.9")).quantize(Decimal("1")))
    cut = folder / "drugs_cut.csv"
    with cut.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    load_catalog(lake, "drugs", cut, facility=mac, valid_from=date(2025, 1, 1))
    return root, mac, ma_thuoc


def recheck_args(root: Path) -> list[str]:
    warehouse = root / "warehouse.duckdb"
    return ["review", "--recheck", "--lake", str(root / "lake"), "--warehouse", str(warehouse)]


@pytest.fixture(scope="module")
def rechecked(catalogued, tmp_path_factory):
    """A copy of ``catalogued`` after one ``bhyt-etl review --recheck``, pristine (a test that changes it
    works on a copy), and what the command printed: (root, printed)."""
    root = copy_of(catalogued[0], tmp_path_factory.mktemp("rechecked") / "night")
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert main(recheck_args(root)) == 0
    return root, printed.getvalue()


@pytest.fixture
def night(catalogued, tmp_path):
    """The test's own copy of ``catalogued`` (a recheck rewrites the lake's findings files): (root, facility,
    drug code)."""
    root, mac, ma_thuoc = catalogued
    return copy_of(root, tmp_path / "night"), mac, ma_thuoc


def served_findings(warehouse: Path) -> list[tuple]:
    """The findings of current claim versions in the lake next to ``warehouse`` (the copied warehouse's own
    views name the original lake's files, so the copy's files are read directly)."""
    files = str(warehouse.parent / "lake" / review.FINDINGS_DIR / "*.parquet")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(
            "SELECT f.rule_code, f.macskcb, f.ma_lk, f.value, f.amount, f.ruleset "
            "FROM read_parquet(?, union_by_name = true) AS f "
            "JOIN core.claim_current AS c USING (macskcb, ma_lk, source_sha256) ORDER BY ALL",
            [files],
        ).fetchall()


def lake_files(lake: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((lake / review.FINDINGS_DIR).glob("*.parquet"))}


def test_recheck_finds_what_a_new_catalogue_version_changes_and_twice_changes_nothing(
    catalogued, rechecked, tmp_path, capsys
):
    before, mac, _ = catalogued
    assert not [f for f in served_findings(before / "warehouse.duckdb") if f[0] == PRICE_RULE]
    pristine, printed = rechecked  # the first recheck
    assert "findings files rewritten" in printed
    root = copy_of(pristine, tmp_path / "night")
    lake, warehouse = root / "lake", root / "warehouse.duckdb"
    args = recheck_args(root)
    after = served_findings(warehouse)  # the served warehouse reads the rewritten files at once
    hits = [f for f in after if f[0] == PRICE_RULE]
    assert hits and {f[1] for f in hits} == {mac}
    assert all("approved=" in f[3] and f[4] > 0 for f in hits)
    assert len({f[5] for f in after}) == 1  # every finding carries the one rule-set version that made it
    # the ledger lists the rewritten files with their new rows, size and checksum: check finds nothing wrong
    assert not check_lake(lake, warehouse).problems
    files = lake_files(lake)
    assert main(args) == 0
    assert "0 findings files rewritten" in capsys.readouterr().out
    assert lake_files(lake) == files  # rechecking twice changes nothing
    assert served_findings(warehouse) == after


def test_recheck_of_some_rules_or_months_leaves_the_rest(night, capsys):
    root, mac, _ = night
    lake, warehouse = root / "lake", root / "warehouse.duckdb"
    before = served_findings(warehouse)
    base = ["review", "--recheck", "--lake", str(lake), "--warehouse", str(warehouse)]
    assert main([*base, "--since", "2099-01"]) == 0  # no claim settled that late
    assert "rechecked 0 claims" in capsys.readouterr().out
    assert main([*base, "--rules", "BIZ.XML1.T_THUOC_SUM"]) == 0
    assert not [f for f in served_findings(warehouse) if f[0] == PRICE_RULE]  # not rerun
    assert {f[:5] for f in served_findings(warehouse)} == {f[:5] for f in before}
    assert main([*base, "--rules", PRICE_RULE]) == 0
    assert [f for f in served_findings(warehouse) if f[0] == PRICE_RULE]
    assert main([*base, "--rules", "BIZ.NO.SUCH_RULE"]) != 0
    assert "unknown rule codes" in capsys.readouterr().err


def test_savings_foot_to_the_findings_money(rechecked, tmp_path):
    root, _ = rechecked  # rechecked by the command: its findings files are the rule-set's own (read only)
    lake, warehouse = root / "lake", root / "warehouse.duckdb"
    scratch = tmp_path / "scratch.duckdb"
    shutil.copy(warehouse, scratch)
    with duckdb.connect(str(scratch)) as con:
        files = sorted((lake / review.FINDINGS_DIR).glob("*.parquet"))
        con.execute("DROP VIEW lake.review_findings")
        review.relation(con, "lake.review_findings", files, review.FINDINGS_SCHEMA)
        review.create_review_objects(con, review.load_rules(), "lake.review_findings")
        total, by_rule = con.execute(
            "SELECT (SELECT coalesce(sum(amount), 0) FROM review.findings), "
            "(SELECT sum(amount) FROM review.savings)"
        ).fetchone()
        assert total > 0 and by_rule == total
        per_rule = con.execute(
            "SELECT s.rule_code, s.amount, s.findings, f.amount, f.n FROM "
            "(SELECT rule_code, sum(amount) AS amount, sum(findings) AS findings FROM review.savings "
            "GROUP BY 1) s "
            "JOIN (SELECT rule_code, coalesce(sum(amount), 0) AS amount, count(*) AS n FROM review.findings "
            "GROUP BY 1) f USING (rule_code)"
        ).fetchall()
        assert per_rule and all(r[1] == r[3] and r[2] == r[4] for r in per_rule)
        queue = con.execute(
            "SELECT amount_at_stake, t_bhtt FROM review.queue ORDER BY macskcb, nam_qt, thang_qt, priority"
        ).fetchall()
        assert all(a <= max(t, 0) for a, t in queue)
        first = con.execute(
            "SELECT amount_at_stake FROM review.queue WHERE priority = 1 "
            "ORDER BY amount_at_stake DESC LIMIT 1"
        ).fetchone()[0]
        assert first == max(a for a, _ in queue)  # the queue puts the money first
