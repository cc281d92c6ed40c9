"""The ledger: a batch's files become real in one transaction; a run that died before committing leaves
nothing; what the earlier design left uncommitted is undone by the next run.

Each test tells a small story on a fresh ``ledger.sqlite``: a run, batches of named files committed with
``commit()``, and what the ledger says afterwards.
"""

from __future__ import annotations

import json
import sqlite3
import stat

import pytest

from pipelines.run.ledger import CommittedFile, Ledger, LedgerReader, Original

RUN, NEXT = "r1", "r2"
RECEIVED = "2026-11-15T02:30:00+00:00"


@pytest.fixture
def ledger(tmp_path):
    ledger = Ledger(tmp_path / "ledger.sqlite")
    ledger.start_run(RUN, RECEIVED, "/landing")
    yield ledger
    ledger.close()


def file(aid: int, name: str, sha: str, status: str = "accepted", *, internal: bool = False) -> CommittedFile:
    return CommittedFile(
        aid,
        "79001",
        name,
        100,
        float(aid),
        sha,
        RECEIVED,
        status,
        f"receipts/{RUN}/b00000.jsonl",
        aid - 1,
        new_content=status != "duplicate" and not internal,
    )


def part(run: str, n: int = 0) -> tuple[str, str, int, int]:
    return (f"tables/xml1/nam_qt=2026/thang_qt=10/{run}-b{n:05d}-0.parquet", "XML1", 3, 1000)


def test_a_committed_batch_makes_its_files_contents_versions_and_parts_real_at_once(ledger):
    assert ledger.next_arrival_id() == 1
    assert [r["state"] for r in ledger.runs()] == ["running"]
    ledger.commit_batch(RUN, [file(1, "a.xml", "sha-a")], [("79001", "LK1", 1, "sha-a", 1)], [part(RUN)])
    assert ledger.next_arrival_id() == 2
    assert ledger.parts() == [(part(RUN)[0], "XML1", 3)]
    assert ledger.first_arrival_of("sha-a") == Original(1, "a.xml", RECEIVED, "accepted")
    assert ledger.latest_versions([("79001", "LK1"), ("79001", "LK2")]) == {
        ("79001", "LK1"): 1,
        ("79001", "LK2"): 0,
    }
    assert ledger.versions_of([1]) == {1: {"LK1": 1}}
    assert [r["state"] for r in ledger.runs()] == ["committed"]  # from its first batch on
    ledger.finish_run(RUN, RECEIVED, {"files": 1}, "failed")  # a failure after a commit: it stays committed
    assert [(r["state"], json.loads(r["summary"])) for r in ledger.runs()] == [("committed", {"files": 1})]


def test_a_batch_that_fails_in_its_transaction_leaves_nothing(ledger):
    with pytest.raises(sqlite3.IntegrityError):  # the same version twice: the whole batch is rolled back
        ledger.commit_batch(
            RUN,
            [file(1, "a.xml", "sha-a")],
            [("79001", "LK1", 1, "sha-a", 1), ("79001", "LK1", 1, "sha-a", 1)],
            [part(RUN)],
        )
    assert ledger.parts() == [] and ledger.first_arrival_of("sha-a") is None
    assert ledger.latest_versions([("79001", "LK1")]) == {("79001", "LK1"): 0}
    assert list(ledger.to_answer()) == [] and ledger.next_arrival_id() == 1


def test_recover_closes_a_run_that_died_before_its_first_commit(ledger):
    # the process dies here: SIGKILL, no finally; nothing of the run is in the ledger
    assert ledger.recover() == {"runs": 1, "versions": 0, "parts": 0, "decisions": 0}
    assert [r["state"] for r in ledger.runs()] == ["failed"]
    assert ledger.recover() == {"runs": 0, "versions": 0, "parts": 0, "decisions": 0}  # idempotent


def test_recover_keeps_the_committed_batches_of_a_run_that_died_later(ledger):
    ledger.commit_batch(RUN, [file(1, "a.xml", "sha-a")], [("79001", "LK1", 1, "sha-a", 1)], [part(RUN)])
    # the process dies before its next batch
    assert ledger.recover() == {"runs": 0, "versions": 0, "parts": 0, "decisions": 0}
    assert ledger.parts() == [(part(RUN)[0], "XML1", 3)] and ledger.versions_of([1]) == {1: {"LK1": 1}}


def test_recover_undoes_what_a_run_of_the_earlier_design_wrote_before_its_commit(tmp_path):
    """A ledger from before per-batch commits: arrivals taken in ('received'), versions and parts of a run
    that never committed. Their originals are still in the inboxes: the next run takes them again."""
    ledger = Ledger(tmp_path / "ledger.sqlite")
    ledger.start_run(RUN, RECEIVED, "/landing")
    ledger.db.execute(
        "INSERT INTO arrivals (macskcb, file_name, size, mtime, sha256, received_at, state, run_id, status) "
        "VALUES ('79001', 'a.xml', 1, 1.0, 'sha-a', ?, 'received', ?, 'accepted')",
        (RECEIVED, RUN),
    )
    ledger.db.execute("INSERT INTO claim_versions VALUES ('79001', 'LK1', 1, 'sha-a', 1, ?)", (RUN,))
    ledger.add_parts(RUN, [part(RUN)])
    assert ledger.recover() == {"runs": 1, "versions": 1, "parts": 1, "decisions": 1}
    assert ledger.all_part_paths() == set() and ledger.next_arrival_id() == 1
    ledger.close()


@pytest.mark.parametrize(
    ("status", "internal", "remembered"),
    [
        ("accepted", False, True),
        ("rejected", False, True),  # the same bytes again are a duplicate of this answer
        ("duplicate", False, False),  # its first arrival is the one remembered
        ("rejected", True, False),  # SYS.INTERNAL, our fault: the same bytes again are decided again
    ],
    ids=["accepted", "rejected", "duplicate", "internal_error"],
)
def test_which_contents_are_remembered_for_duplicates(ledger, status, internal, remembered):
    ledger.commit_batch(RUN, [file(1, "a.xml", "sha-a", status, internal=internal)], [], [])
    assert (ledger.first_arrival_of("sha-a") is not None) == remembered


def test_the_first_arrival_of_a_content_stays_the_one_remembered(ledger):
    ledger.commit_batch(RUN, [file(1, "a.xml", "same")], [], [])
    ledger.commit_batch(RUN, [file(2, "a-again.xml", "same")], [], [])  # decided before the first committed
    assert ledger.first_arrival_of("same").arrival_id == 1


def test_a_worker_reads_the_committed_contents_without_writing(ledger, tmp_path):
    ledger.commit_batch(RUN, [file(1, "a.xml", "sha-a")], [], [])
    reader = LedgerReader(tmp_path / "ledger.sqlite")
    try:
        assert reader.contents_of(["sha-a", "sha-b"]) == {"sha-a": Original(1, "a.xml", RECEIVED, "accepted")}
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            reader.db.execute("DELETE FROM contents")
    finally:
        reader.close()


def test_parts_of_a_run_never_committed_are_not_listed(ledger):
    ledger.commit_batch(RUN, [], [], [part(RUN)])
    ledger.start_run(NEXT, RECEIVED, "/landing")
    ledger.add_parts(NEXT, [part(NEXT)])  # a file added for a run that committed nothing
    assert [p for p, _, _ in ledger.parts()] == [part(RUN)[0]]
    assert ledger.all_part_paths() == {part(RUN)[0], part(NEXT)[0]}  # what remove_orphans must keep
    assert ledger.parts("XML2") == []


def test_receipts_to_deliver_are_read_a_page_at_a_time_in_arrival_order(ledger):
    ledger.commit_batch(RUN, [file(i, f"f{i}.xml", f"s{i}") for i in range(1, 6)], [], [])
    rows = list(ledger.to_answer(page=2))
    assert [r[0] for r in rows] == [1, 2, 3, 4, 5] and rows[0][2] == "f1.xml"
    assert rows[0][6:] == ("accepted", None, f"receipts/{RUN}/b00000.jsonl", 0)  # where the receipt is
    ledger.mark_answered_many([(1, "f1.xml.receipt.json", "archive/f1.xml")])
    assert [r[0] for r in ledger.to_answer()] == [2, 3, 4, 5]  # a rerun delivers only what is left


def test_an_earlier_answer_under_the_same_name_is_found_for_renaming(ledger):
    ledger.commit_batch(RUN, [file(1, "a.xml", "v1"), file(2, "a.xml", "v2")], [], [])
    ledger.mark_answered_many([(1, "a.xml.receipt.json", "archive/a.xml")])
    earlier = ledger.earlier_answered("79001", "a.xml", 2)
    assert [(aid, path, line) for aid, _, path, line in earlier] == [(1, f"receipts/{RUN}/b00000.jsonl", 0)]
    ledger.mark_receipts_renamed([(1, "a.xml.1.receipt.json")])
    assert ledger.earlier_answered("79001", "a.xml", 2) == []


def test_the_ledger_reopens_with_what_was_committed_and_owner_and_group_only(tmp_path):
    ledger = Ledger(tmp_path / "ledger.sqlite")
    ledger.start_run(RUN, RECEIVED, "/landing")
    ledger.commit_batch(RUN, [], [], [part(RUN)])
    ledger.set_meta("warehouse_fingerprint", "abc")
    for name in ("ledger.sqlite", "ledger.sqlite-wal", "ledger.sqlite-shm"):  # SQLite gives them its mode
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o640, name
    ledger.close()
    again = Ledger(tmp_path / "ledger.sqlite")  # the schema is created only when missing
    assert [p for p, _, _ in again.parts()] == [part(RUN)[0]]
    assert again.get_meta("warehouse_fingerprint") == "abc" and again.get_meta("other") is None
    again.close()


def test_a_ledger_of_the_earlier_design_gets_the_receipt_columns(tmp_path):
    path = tmp_path / "ledger.sqlite"
    db = sqlite3.connect(path)
    db.execute(
        "CREATE TABLE arrivals (arrival_id INTEGER PRIMARY KEY, macskcb TEXT NOT NULL, "
        "file_name TEXT NOT NULL, size INTEGER NOT NULL, mtime REAL NOT NULL, sha256 TEXT NOT NULL, "
        "received_at TEXT NOT NULL, "
        "state TEXT NOT NULL, run_id TEXT, status TEXT, receipt TEXT, receipt_name TEXT, moved_to TEXT)"
    )
    db.close()
    Ledger(path).close()
    columns = {row[1] for row in sqlite3.connect(path).execute("PRAGMA table_info(arrivals)")}
    assert {"receipt", "receipt_path", "receipt_line"} <= columns
