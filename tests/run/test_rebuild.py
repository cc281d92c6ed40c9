"""``check`` and ``rebuild --from-raw``: a truncated Parquet file and a missing one are both reported by
``check`` (non-zero exit, the file named) and made again from the raw zone by ``rebuild``, the warehouse then
equal to the one before the damage; a raw file whose bytes changed is reported too.

A real night (generated signed files with defects: accepted, partly accepted, rejected and duplicate files,
several batches) is ingested once with the plain step runner (the shared night of support/nights.py, in
batches of 6); each test damages its own copy.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import duckdb
import pytest
from support.built_warehouse import night_at
from support.nights import COMMON_NIGHT, Nights, copy_of

from pipelines.cli import main
from pipelines.standard.registry import ENVELOPE_TABLES


@pytest.fixture(scope="module")
def ingested(nights: Nights) -> Path:
    """The pristine night: tests copy it before changing anything."""
    return nights.ingested(**COMMON_NIGHT)


def snapshot(warehouse: Path) -> dict[str, list]:
    """Every claim table, the versions and the files, minus nothing: a rebuild must give them back exactly."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        out = {
            lh: sorted(map(repr, con.execute(f"SELECT * FROM core.{lh.lower()}").fetchall()))
            for lh in ENVELOPE_TABLES
        }
        out["versions"] = con.execute("SELECT * FROM core.claim_versions ORDER BY ALL").fetchall()
        out["files"] = sorted(map(repr, con.execute("SELECT * FROM ops.files").fetchall()))
        out["findings"] = con.execute("SELECT count(*) FROM review.findings").fetchall()
        return out
    finally:
        con.close()


def args(root: Path, *more: str) -> list[str]:
    return [*more, "--lake", str(root / "lake"), "--warehouse", str(root / "warehouse.duckdb")]


def listed(root: Path, like: str) -> list[str]:
    db = sqlite3.connect(root / "lake" / "ledger.sqlite")
    try:
        return [p for (p,) in db.execute("SELECT path FROM parts WHERE path LIKE ? ORDER BY path", (like,))]
    finally:
        db.close()


def test_check_passes_on_a_healthy_lake(ingested, tmp_path, capsys):
    root = copy_of(ingested, tmp_path / "root")
    assert main(args(root, "check")) == 0
    assert capsys.readouterr().out == ""


def test_a_truncated_and_a_missing_file_are_reported_and_rebuilt_from_raw(ingested, tmp_path, capsys):
    root = copy_of(ingested, tmp_path / "root")
    before = snapshot(root / "warehouse.duckdb")
    truncated = listed(root, "tables/xml1/%")[0]
    missing = listed(root, "tables/xml2/%")[-1]
    versions = listed(root, "ops/claim_versions/%")[0]
    path = root / "lake" / truncated
    path.chmod(0o640)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    (root / "lake" / missing).unlink()
    (root / "lake" / versions).unlink()

    assert main(args(root, "check")) == 1
    out = capsys.readouterr().out.splitlines()
    assert all(line.split(": ", 1)[0] for line in out)  # one line per problem, each naming where
    assert any(line.startswith(f"{truncated}: ") for line in out), out
    assert any(line.startswith(f"{missing}: missing") for line in out), out
    assert any(line.startswith(f"{versions}: missing") for line in out), out
    assert main(args(root, "check", "--quick")) == 1  # the cheap part sees them too (size, existence)

    rebuilt = main([*args(root, "rebuild", "--from-raw"), "--trust", str(root / "trust"), "--workers", "1"])
    assert rebuilt == 0, capsys.readouterr()
    assert main(args(root, "check")) == 0, capsys.readouterr().out
    assert snapshot(root / "warehouse.duckdb") == before


def test_the_night_notes_a_missing_file_in_its_open_step(ingested, tmp_path):
    root = copy_of(ingested, tmp_path / "root")
    missing = listed(root, "ops/files/%")[0]
    (root / "lake" / missing).unlink()
    run = night_at(root, batch_size=6).open()
    try:
        assert any(missing in note and "rebuild --from-raw" in note for note in run.notes), run.notes
    finally:
        run.finish("failed")
        run.close()


def test_a_raw_file_whose_bytes_changed_is_reported(ingested, tmp_path, capsys):
    root = copy_of(ingested, tmp_path / "root")
    raw = sorted((root / "lake" / "raw").rglob("*.xml"))[0]
    raw.chmod(0o640)
    raw.write_bytes(raw.read_bytes() + b" ")
    assert main(args(root, "check")) == 1
    (line,) = capsys.readouterr().out.splitlines()
    assert line.startswith(f"raw/{raw.parent.name}/{raw.name}: its SHA-256 is ")
