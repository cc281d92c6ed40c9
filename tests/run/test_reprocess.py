"""``reprocess``: the late-registered certificate. A facility's files arrive before the office registers its
signing certificate in ``facilities.csv``: every file is rejected ``SIG.NOT_BOUND``. Once registered,
``reprocess`` takes every claim in from the raw zone, exactly once, with amended receipts and the originals
moved to ``archive/``; running it again changes nothing; a run killed part-way is repaired by running again.

The nights and reprocess runs here are the real steps (``run_night``/``run_reprocess`` with the plain step
runner, the worker in this process); the kills run ``bhyt-etl reprocess`` in a process group of its own,
forked from a launcher that has imported the command line once (support/launcher.py).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest
from support.built_warehouse import night_at, root_flags
from support.launcher import Launcher

from pipelines.cli import main
from pipelines.common.failpoints import REPROCESS_POINTS
from pipelines.generate.landing import Manifest, generate_landing
from pipelines.run.check import check_lake
from pipelines.run.night import Night, run_night
from pipelines.run.rebuild import run_rebuild
from pipelines.run.reprocess import Selection, amended_name, run_reprocess

LATE = 1  # index of the facility registered late


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two facilities, 12 claims, no defects; ``facilities.csv`` as registered at first: without the second
    facility (``facilities.full.csv`` holds the complete list, as registered later)."""
    root = tmp_path_factory.mktemp("late-cert")
    generate_landing(root / "landing", root / "trust", facilities=2, claims=12, seed=23)
    csv = root / "trust" / "facilities.csv"
    shutil.copy2(csv, root / "facilities.full.csv")
    lines = csv.read_text(encoding="utf-8").splitlines()
    late = Manifest.read(root / "landing" / "manifest.json").facilities[LATE]["macskcb"]
    csv.write_text("\n".join(ln for ln in lines if not ln.startswith(late)) + "\n", encoding="utf-8")
    (root / "late.txt").write_text(late)
    return root


def night_of(root: Path) -> Night:
    return night_at(root, batch_size=4)


@pytest.fixture(scope="module")
def rejected_night(generated: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The night before the certificate is registered: ingested, then the full list put in place."""
    root = tmp_path_factory.mktemp("night") / "root"
    shutil.copytree(generated, root)
    run_night(night_of(root))
    shutil.copy2(root / "facilities.full.csv", root / "trust" / "facilities.csv")
    return root


@pytest.fixture(scope="module")
def reference(generated: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same files ingested with the certificate registered from the start."""
    root = tmp_path_factory.mktemp("reference") / "root"
    shutil.copytree(generated, root)
    shutil.copy2(root / "facilities.full.csv", root / "trust" / "facilities.csv")
    run_night(night_of(root))
    return root


def claims(warehouse: Path) -> dict[str, list]:
    """The claims an analyst sees, without the instants and runs that depend on when a run happened."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return {
            "versions": con.execute(
                "SELECT macskcb, ma_lk, version, source_sha256 FROM core.claim_versions ORDER BY ALL"
            ).fetchall(),
            "xml1": con.execute(
                "SELECT macskcb, ma_lk, t_tongchi_bv, t_bhtt, version FROM core.xml1 ORDER BY ALL"
            ).fetchall(),
            "xml2": con.execute("SELECT count(*) FROM core.xml2").fetchall(),
            "xml3": con.execute("SELECT count(*) FROM core.xml3").fetchall(),
        }
    finally:
        con.close()


def landing_files(root: Path) -> dict[str, list[str]]:
    out = {}
    for fac in sorted(p for p in (root / "landing").iterdir() if p.is_dir()):
        for folder in ("inbox", "outbox", "archive", "rejected"):
            out[f"{fac.name}/{folder}"] = (
                sorted(p.name for p in (fac / folder).glob("*")) if (fac / folder).exists() else []
            )
    return out


def ledger_counts(root: Path) -> tuple[int, int, int]:
    db = sqlite3.connect(root / "lake" / "ledger.sqlite")
    try:
        row = db.execute(
            "SELECT (SELECT count(*) FROM arrivals), (SELECT count(*) FROM claim_versions), "
            "(SELECT count(*) FROM parts)"
        ).fetchone()
        return row
    finally:
        db.close()


def late_files(root: Path) -> tuple[str, list[str]]:
    late = (root / "late.txt").read_text()
    manifest = Manifest.read(root / "landing" / "manifest.json")
    return late, sorted(Path(e.path).name for e in manifest.files if e.macskcb == late)


def test_the_night_rejects_every_file_of_the_facility_registered_late(rejected_night):
    late, names = late_files(rejected_night)
    assert names
    for name in names:
        receipt = json.loads(
            (rejected_night / "landing" / late / "outbox" / f"{name}.receipt.json").read_text()
        )
        assert receipt["status"] == "rejected"
        assert "SIG.NOT_BOUND" in {e["code"] for e in receipt["errors"]}
        assert (rejected_night / "landing" / late / "rejected" / name).exists()


def test_reprocess_takes_every_claim_in_exactly_once_with_amended_receipts(
    rejected_night, reference, tmp_path
):
    root = tmp_path / "root"
    shutil.copytree(rejected_night, root)
    late, names = late_files(root)
    summary = run_reprocess(night_of(root), Selection(status="rejected", codes=("SIG.NOT_BOUND",)))
    assert summary["reprocess"]["changed"] == len(names)
    assert summary["reprocess"]["amended_receipts"] == len(names)

    # the warehouse now holds what it would have held had the certificate been registered from the start
    assert claims(root / "warehouse.duckdb") == claims(reference / "warehouse.duckdb")
    versions = claims(root / "warehouse.duckdb")["versions"]
    assert len({(m, lk) for m, lk, _, _ in versions}) == len(versions)  # every claim once
    assert {m for m, *_ in versions} >= {late}

    fac = root / "landing" / late
    for name in names:
        first = json.loads((fac / "outbox" / f"{name}.receipt.json").read_text())
        assert first["status"] == "rejected"  # the first receipt is kept as it was
        amended = json.loads((fac / "outbox" / amended_name(None, name, 2)).read_text())
        assert amended["status"] == "accepted"
        assert all(c["status"] == "accepted" and c["version"] == 1 for c in amended["claims"])
        assert amended["amends"]["previous_status"] == "rejected"
        assert amended["amends"]["resolved_codes"] == ["SIG.NOT_BOUND"]
        assert amended["amends"]["receipt"] == f"{name}.receipt.json"
        assert amended["amends"]["message_vi"] and amended["amends"]["message_en"]
        assert (fac / "archive" / name).exists() and not (fac / "rejected" / name).exists()

    con = duckdb.connect(str(root / "warehouse.duckdb"), read_only=True)
    redecided = con.execute(
        "SELECT count(*) FROM ops.files WHERE reprocess_of IS NOT NULL AND status = 'accepted'"
    ).fetchone()[0]
    con.close()
    assert redecided == len(names)

    # again: nothing to change, nothing written
    before = (claims(root / "warehouse.duckdb"), landing_files(root), ledger_counts(root))
    again = run_reprocess(night_of(root), Selection(status="all"))
    assert again["reprocess"]["changed"] == 0 and again["reprocess"]["claims_newly_accepted"] == 0
    assert (claims(root / "warehouse.duckdb"), landing_files(root), ledger_counts(root)) == before

    # a lake file the reprocess wrote is made again from the raw zone like any other (its claims only)
    reprocess_run = summary["run_id"]
    lost = sorted((root / "lake" / "tables" / "xml1").rglob(f"{reprocess_run}-*.parquet"))[0]
    lost.unlink()
    rebuilt = run_rebuild(night_of(root))
    assert rebuilt["rebuild"]["restored"] == [lost.relative_to(root / "lake").as_posix()]
    assert check_lake(root / "lake", root / "warehouse.duckdb").problems == []
    assert claims(root / "warehouse.duckdb") == claims(reference / "warehouse.duckdb")


def test_a_facility_or_period_outside_the_selection_is_left_alone(rejected_night, tmp_path):
    root = tmp_path / "root"
    shutil.copytree(rejected_night, root)
    late, _ = late_files(root)
    other = next(p.name for p in (root / "landing").iterdir() if p.is_dir() and p.name != late)
    summary = run_reprocess(night_of(root), Selection(facility=other))
    assert summary["reprocess"]["chosen"] == 0
    summary = run_reprocess(night_of(root), Selection(until=date(2000, 1, 1)))
    assert summary["reprocess"]["chosen"] == 0
    assert not list((root / "landing" / late / "outbox").glob("*.receipt.2.json"))


#: small batches and a commit per answer: a kill between them leaves work on both sides
REPROCESS_ENV = {"BHYT_SETTLE_SECONDS": "0", "BHYT_BATCH_SIZE": "2", "BHYT_ANSWER_COMMIT_EVERY": "1"}


@pytest.fixture(scope="module")
def launcher() -> Iterator[Launcher]:
    """`bhyt-etl` commands forked from one process that has imported the command line once
    (support/launcher.py): the killed reprocess runs. How the command starts as a process of its own is
    the subject of the other end-to-end tests."""
    with Launcher(dict(os.environ)) as started:
        yield started


def reprocess_cli(
    root: Path, launcher: Launcher, failpoint: str | None = None
) -> subprocess.CompletedProcess:
    """`bhyt-etl reprocess` in a process group of its own (forked from ``launcher``)."""
    env = {**os.environ, **REPROCESS_ENV}
    env.pop("BHYT_FAILPOINT", None)
    if failpoint:
        env["BHYT_FAILPOINT"] = failpoint
    return launcher.run(["reprocess", *root_flags(root), "--workers", "1"], env, timeout=300)


@pytest.mark.parametrize("point", [*REPROCESS_POINTS, "worker:receipts", "serve:built"])
def test_a_reprocess_killed_part_way_is_repaired_by_running_it_again(
    point, rejected_night, reference, launcher, tmp_path, monkeypatch
):
    root = tmp_path / "root"
    shutil.copytree(rejected_night, root)
    killed = reprocess_cli(root, launcher, failpoint=point)
    assert killed.returncode == -signal.SIGKILL, (killed.returncode, killed.stderr[-2000:])
    # the repair is the same command, run in this process (what the kill leaves is what is tested; a second
    # interpreter, its imports and its reading of the XSDs would only add about 4 s)
    for name, value in REPROCESS_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("BHYT_FAILPOINT", raising=False)
    assert main(["reprocess", *root_flags(root), "--workers", "1"]) == 0
    assert claims(root / "warehouse.duckdb") == claims(reference / "warehouse.duckdb")
    late, names = late_files(root)
    fac = root / "landing" / late
    for name in names:
        assert json.loads((fac / "outbox" / amended_name(None, name, 2)).read_text())["status"] == "accepted"
        assert (fac / "archive" / name).exists() and not (fac / "rejected" / name).exists()
    assert not list(fac.glob("outbox/*.receipt.3.json"))
    db = sqlite3.connect(root / "lake" / "ledger.sqlite")
    states = db.execute("SELECT DISTINCT state FROM arrivals").fetchall()
    db.close()
    assert states == [("answered",)]
