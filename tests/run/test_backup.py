"""``backup``: a consistent, incremental copy of the lake that restores to a lake on which ``check`` passes
and ``ingest`` continues.

The committed sample's inboxes are split in two nights (support/nights.py ``sample_night_one``, shared with
test_activity and test_oversized_upload): night one is ingested and backed up; the backup is
taken again (nothing new to copy); it is restored into a fresh folder, checked, and night two is ingested on
the restored lake, whose claims then continue where night one left them (versions, pseudonyms).
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import duckdb
import pytest
from support.built_warehouse import night_at
from support.nights import SampleNight, copy_of

from pipelines.cli import main
from pipelines.run.backup import backup
from pipelines.run.check import check_lake
from pipelines.run.night import run_night


@pytest.fixture(scope="module")
def night_one(sample_night: SampleNight, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample landing with every second inbox file held back for night two (in ``later/``), night one
    ingested into ``lake/``: a copy, for this module, of the sample's first night of support/nights.py. No
    test changes ``lake/`` (the first restores a copy and runs night two on that copy, the second links it
    into ``linked/``)."""
    return copy_of(sample_night.root, tmp_path_factory.mktemp("backup") / "root")


def counts(lake: Path) -> tuple[int, int, int]:
    db = sqlite3.connect(lake / "ledger.sqlite")
    try:
        return db.execute(
            "SELECT (SELECT count(*) FROM arrivals), (SELECT count(*) FROM claim_versions), "
            "(SELECT count(*) FROM parts)"
        ).fetchone()
    finally:
        db.close()


def test_a_backup_restores_to_a_lake_that_checks_and_ingests_on(night_one, capsys):
    root = night_one
    dest = root / "backup"
    first = backup(root / "lake", dest)
    assert first.problems == [] and first.copied > 0
    again = backup(root / "lake", dest)  # incremental: nothing new, nothing copied
    assert (again.copied, again.kept) == (0, first.copied - 1)  # the key is not counted as kept

    restored = root / "restored"
    shutil.copytree(dest, restored)
    assert check_lake(restored, None).problems == []
    assert main(["check", "--lake", str(restored)]) == 0
    assert (restored / ".pseudonym_key").read_text() == (root / "lake" / ".pseudonym_key").read_text()
    before = counts(restored)
    assert before == counts(root / "lake")

    for path in sorted((root / "later").rglob("*.xml")):  # night two, on the restored lake
        shutil.move(path, root / "landing" / path.parent.name / "inbox" / path.name)
    summary = run_night(night_at(root, lake=restored))
    assert summary["files"]["received"] > 0
    after = counts(restored)
    assert after[0] == before[0] + summary["files"]["received"] and after[2] > before[2]
    assert check_lake(restored, root / "warehouse.duckdb").problems == []
    con = duckdb.connect(str(root / "warehouse.duckdb"), read_only=True)
    runs = con.execute("SELECT count(*) FROM ops.runs WHERE state = 'committed'").fetchone()[0]
    con.close()
    assert runs == 2  # the restored lake's run and night two

    third = backup(restored, dest)  # the backup follows the restored lake: only night two's files are new
    assert third.problems == [] and third.copied > 0
    assert third.kept == first.copied - 1  # night one's files are the same files: not copied again
    capsys.readouterr()


def test_a_backup_taken_with_hard_links_costs_no_copy(night_one):
    root = night_one
    done = backup(root / "lake", root / "linked", link=True)
    assert done.bytes == 0 and done.copied > 0
    raw = next((root / "lake" / "raw").rglob("*.xml"))
    twin = root / "linked" / raw.relative_to(root / "lake")
    assert twin.stat().st_ino == raw.stat().st_ino
    assert check_lake(root / "linked", None).problems == []
