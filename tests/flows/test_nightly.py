"""The nightly flow end to end: real Prefect engine, real DuckDB files, generated signed files."""

from __future__ import annotations

import functools
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from support.built_warehouse import root_flags
from support.launcher import Launcher

from pipelines.common.failpoints import DISK_POINTS, POINTS
from pipelines.generate.landing import Manifest
from pipelines.standard.registry import ENVELOPE_TABLES


def copy_tree(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    return target


def ingest_cli(
    root: Path,
    api_url: str,
    *options: str,
    failpoint: str | None = None,
    workers: int = 2,
    launcher: Launcher | None = None,
    **settings: str,
) -> subprocess.CompletedProcess:
    """`bhyt-etl ingest` on root/{landing,lake,trust} in a process group of its own, with ``workers``
    worker processes; ``options`` are more flags, ``settings`` more BHYT_* variables (``batch_size="8"``).
    A new ``python -m pipelines.cli`` process, or with ``launcher`` (on ``api_url``) one forked from a process
    that has already imported the command (support/launcher.py: the kill and disk-full points)."""
    env = {**os.environ, "PREFECT_API_URL": api_url, "BHYT_SETTLE_SECONDS": "0"}
    env.update({f"BHYT_{name.upper()}": value for name, value in settings.items()})
    env.pop("BHYT_FAILPOINT", None)
    if failpoint:
        env["BHYT_FAILPOINT"] = failpoint
    argv = ["ingest", *root_flags(root), "--workers", str(workers), *options]
    if launcher is not None:
        return launcher.run(argv, env, timeout=300)
    return subprocess.run(
        [sys.executable, "-m", "pipelines.cli", *argv],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        start_new_session=True,
    )


def workers_at(point: str) -> int:
    """Worker processes for a run stopped at ``point``: two where the point is in a worker process (the
    process group is killed with its workers, or a worker's write fails), one where it is in the run's own
    process after the decisions (commit, answer, deliver, serve), which two spawned workers would not change
    but would cost about 4 s of CPU to start."""
    return 2 if point.startswith("worker:") else 1


def ingest_again(root: Path) -> dict:
    """The operator's next run after a kill or a full disk: the nightly flow on root/{landing,lake,trust}
    again, with one worker (it decides in the run's own process), in this process on the session's Prefect
    API.

    The same flow as ``bhyt-etl ingest`` (which only parses its flags, takes the lake's lock, which the flow
    takes again, and prints the summary); in this process it skips a second interpreter, its imports and its
    reading of the XSDs (about 5 s of CPU a test). The runs that are killed or fill the disk stay commands:
    what they show is the command's exit status, its message and what a killed process group leaves."""
    return nightly_in_process(root, workers=1)


def nightly_in_process(root: Path, *, workers: int) -> dict:
    """The nightly flow on root/{landing,lake,trust} into root/warehouse.duckdb, in this process."""
    from pipelines.flows.nightly import nightly

    return nightly(
        landing=str(root / "landing"),
        lake=str(root / "lake"),
        warehouse=str(root / "warehouse.duckdb"),
        trust=str(root / "trust"),
        workers=workers,
        settle_seconds=0,
    )


def snapshot(warehouse: Path) -> dict[str, list]:
    """Everything an analyst can see, minus the instants that depend on when a run happened."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        out = {}
        for lh in ENVELOPE_TABLES:
            cols = [
                c
                for (c,) in con.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_schema = 'core' "
                    f"AND table_name = '{lh.lower()}' AND column_name <> 'received_at' "
                    "ORDER BY ordinal_position"
                ).fetchall()
            ]
            out[lh] = sorted(
                map(repr, con.execute(f"SELECT {', '.join(cols)} FROM core.{lh.lower()}").fetchall())
            )
        out["claim_versions"] = con.execute(
            "SELECT macskcb, ma_lk, version, source_sha256, file_name FROM core.claim_versions ORDER BY ALL"
        ).fetchall()
        out["files"] = con.execute(
            "SELECT macskcb, file_name, sha256, status, error_codes, claims_accepted, claims_rejected "
            "FROM ops.files ORDER BY ALL"
        ).fetchall()
        return out
    finally:
        con.close()


@functools.cache
def reference_state(clean_run: Path) -> tuple[dict[str, list], dict[str, list]]:
    """The reference run's snapshot and landing state (:func:`snapshot`, :func:`landing_state`), read once
    for every test compared with it: nobody changes the reference run."""
    return snapshot(clean_run / "warehouse.duckdb"), landing_state(clean_run / "landing")


def assert_nothing_partial_is_visible(root: Path) -> None:
    """Right after a kill: every file the ledger lists is whole (Parquet with its row count, receipts with one
    line per file), and a warehouse, if there is one, opens and answers every view (it only ever reads files
    the ledger listed when it was built)."""
    import sqlite3

    import pyarrow.parquet as pq

    ledger = root / "lake" / "ledger.sqlite"
    if ledger.exists():
        db = sqlite3.connect(ledger)
        listed = db.execute(
            "SELECT p.path, p.rows FROM parts p JOIN runs r USING (run_id) WHERE r.state = 'committed'"
        ).fetchall()
        db.close()
        for rel, rows in listed:
            path = root / "lake" / rel
            if rel.endswith(".jsonl"):
                assert len(path.read_text(encoding="utf-8").splitlines()) == rows
            else:
                assert pq.ParquetFile(path).metadata.num_rows == rows
    if (root / "warehouse.duckdb").exists():
        con = duckdb.connect(str(root / "warehouse.duckdb"), read_only=True)
        for schema, name in con.execute(
            "SELECT schema_name, view_name FROM duckdb_views() WHERE NOT internal"
        ).fetchall():
            con.execute(f"SELECT count(*) FROM {schema}.{name}").fetchone()
        con.close()


def landing_state(landing: Path) -> dict[str, list]:
    """Per facility: what is left in the inbox, what was archived or rejected, and the receipts' statuses."""
    state = {}
    for fac in sorted(p for p in landing.iterdir() if p.is_dir()):
        receipts = (
            sorted(
                (r.name, json.loads(r.read_text())["status"]) for r in (fac / "outbox").glob("*.receipt.json")
            )
            if (fac / "outbox").exists()
            else []
        )
        state[fac.name] = {
            "inbox": sorted(p.name for p in (fac / "inbox").iterdir()),
            "archive": sorted(p.name for p in (fac / "archive").iterdir())
            if (fac / "archive").exists()
            else [],
            "rejected": sorted(p.name for p in (fac / "rejected").iterdir())
            if (fac / "rejected").exists()
            else [],
            "receipts": receipts,
        }
    return state


def test_night_one_answers_every_file_as_the_generator_expects(prefect_api, night_one, tmp_path):
    root = copy_tree(night_one, tmp_path / "n1")
    manifest = Manifest.read(root / "landing" / "manifest.json")
    summary = nightly_in_process(root, workers=2)
    assert summary["files"]["received"] == len(manifest.files)
    for entry in manifest.files:
        fac = root / "landing" / entry.macskcb
        name = Path(entry.path).name
        receipt = json.loads((fac / "outbox" / f"{name}.receipt.json").read_text())
        assert receipt["status"] == entry.expected_status, (name, receipt["errors"])
        assert set(entry.expected_codes) <= {e["code"] for e in receipt["errors"]}
        where = "rejected" if entry.expected_status == "rejected" else "archive"
        assert (fac / where / name).exists()
        assert not (fac / "inbox" / name).exists()
        accepted = (
            {c.ma_lk for c in entry.claims if c.status == "accepted"}
            if entry.expected_status in ("accepted", "partially_accepted")
            else set()
        )
        assert {c["ma_lk"] for c in receipt["claims"] if c["status"] == "accepted"} == accepted
        assert all(c["version"] == 1 for c in receipt["claims"] if c["status"] == "accepted")
    con = duckdb.connect(str(root / "warehouse.duckdb"), read_only=True)
    accepted_claims = {
        (e.macskcb, c.ma_lk)
        for e in manifest.files
        for c in e.claims
        if c.status == "accepted" and e.expected_status in ("accepted", "partially_accepted")
    }
    assert set(con.execute("SELECT macskcb, ma_lk FROM core.xml1").fetchall()) == accepted_claims
    assert con.execute("SELECT count(*) FROM ops.files").fetchone()[0] == len(manifest.files)
    assert con.execute("SELECT state FROM ops.runs").fetchall() == [("committed",)]
    assert {s for (s,) in con.execute("SELECT schema_name FROM information_schema.schemata").fetchall()} >= {
        "ops",
        "core",
        "review",
        "payment",
    }
    # every detail row belongs to a current claim, and money stays exact decimal
    assert (
        con.execute(
            "SELECT count(*) FROM core.xml2 x LEFT JOIN core.xml1 h USING (macskcb, ma_lk) "
            "WHERE h.ma_lk IS NULL"
        ).fetchone()[0]
        == 0
    )
    assert str(con.execute("SELECT typeof(t_bhtt) FROM core.xml1 LIMIT 1").fetchone()[0]) == "DECIMAL(19,4)"
    # Parquet is partitioned by settlement month and is not one file per claim
    parts = list((root / "lake" / "tables" / "xml2").rglob("*.parquet"))
    assert parts and all("nam_qt=" in str(p) and "thang_qt=" in str(p) for p in parts)
    assert len(parts) < len(accepted_claims)
    con.close()


def test_a_second_run_while_one_holds_the_lake_refuses_cleanly(night_one, tmp_path):
    from pipelines.run.lock import RunLock

    lake = tmp_path / "lake"
    lake.mkdir()
    holder = RunLock(lake)
    holder.acquire()
    try:
        root = copy_tree(night_one, tmp_path / "n")
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "pipelines.cli",
                "ingest",
                "--landing",
                str(root / "landing"),
                "--lake",
                str(lake),
                "--warehouse",
                str(tmp_path / "w.duckdb"),
                "--trust",
                str(root / "trust"),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode == 3, proc.stderr
        assert "another run is in progress" in proc.stderr and "Traceback" not in proc.stderr
        assert not (tmp_path / "w.duckdb").exists()
        assert len(list((root / "landing").glob("*/inbox/*.xml"))) > 0
    finally:
        holder.release()


@pytest.mark.parametrize("point", POINTS)
def test_a_run_killed_part_way_is_repaired_by_running_again(
    point, prefect_api, launcher, night_one, clean_run, tmp_path
):
    root = copy_tree(night_one, tmp_path / "root")
    # small batches: a kill inside a batch, between commits or between deliveries leaves work on both sides
    killed = ingest_cli(
        root,
        prefect_api,
        failpoint=point,
        batch_size="8",
        answer_commit_every="3",
        workers=workers_at(point),
        launcher=launcher,
    )
    assert killed.returncode == -signal.SIGKILL, (killed.returncode, killed.stderr[-2000:])
    assert_nothing_partial_is_visible(root)
    # the repair decides in the run's own process: the same steps and the same warehouse as with a pool (the
    # comparison with clean_run, made with two worker processes, says so), without starting two more
    ingest_again(root)  # a failure raises here, as the command would exit non-zero
    reference, answered = reference_state(clean_run)
    assert snapshot(root / "warehouse.duckdb") == reference
    assert landing_state(root / "landing") == answered
    assert not list((root / "lake").glob("_staging/*"))
    for fac in (root / "landing").iterdir():  # every file that arrived has exactly one receipt
        if fac.is_dir():
            originals = [
                p.name for d in ("archive", "rejected") if (fac / d).exists() for p in (fac / d).iterdir()
            ]
            receipts = [p.name for p in (fac / "outbox").glob("*.receipt.json")]
            assert sorted(f"{n}.receipt.json" for n in originals) == sorted(receipts)
    assert not list(root.glob(".warehouse.duckdb.*"))


@pytest.mark.parametrize("point", DISK_POINTS)
def test_a_disk_that_fills_mid_night_ends_the_run_with_one_clear_message_and_loses_nothing(
    point, prefect_api, launcher, night_one, clean_run, tmp_path
):
    root = copy_tree(night_one, tmp_path / "root")
    full = ingest_cli(
        root,
        prefect_api,
        failpoint=f"{point}:enospc",
        batch_size="8",
        answer_commit_every="3",
        workers=workers_at(point),
        launcher=launcher,
    )
    assert full.returncode == 4, (full.returncode, full.stderr[-2000:])
    errors = [line for line in full.stderr.splitlines() if line.startswith("bhyt-etl:")]
    assert len(errors) == 1 and "no space left on the disk" in errors[0] and "run again" in errors[0]
    assert "Traceback" not in full.stderr and "ERROR" not in full.stderr, full.stderr[-2000:]
    assert_nothing_partial_is_visible(root)
    assert not list((root / "lake").glob("_staging/*")), "a failed batch leaves no staged files behind"
    # space freed: the next night completes, and it is as if the disk had never filled
    ingest_again(root)  # a failure raises here, as the command would exit non-zero
    reference, answered = reference_state(clean_run)
    assert snapshot(root / "warehouse.duckdb") == reference
    assert landing_state(root / "landing") == answered
