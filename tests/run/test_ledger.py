"""The ledger: a run's decisions become real in one transaction; what a dead run wrote is undone by the next.

Each test tells a small story on a fresh ``ledger.sqlite``: arrivals of named files (``upload()``), a run
that decides them, and what the ledger says afterwards.
"""

from __future__ import annotations

import json
import sqlite3

import pytest

from pipelines.run.ledger import Ledger

RUN, NEXT = "r1", "r2"
RECEIVED = "2026-11-15T02:30:00+00:00"


@pytest.fixture
def ledger(tmp_path):
    ledger = Ledger(tmp_path / "ledger.sqlite")
    yield ledger
    ledger.close()


def upload(ledger: Ledger, *files: tuple[str, str, float, str]) -> list[int]:
    """(macskcb, file name, mtime, sha256) taken in; their arrival ids."""
    ledger.add_arrivals((mac, name, 100, mtime, sha, RECEIVED) for mac, name, mtime, sha in files)
    return [a.arrival_id for a in ledger.undecided()]


def receipt(status: str, *codes: str) -> dict:
    return {"status": status, "errors": [{"code": c} for c in codes]}


def decide(ledger: Ledger, run: str, *decisions: tuple[int, str]) -> None:
    ledger.record_decisions(run, ((aid, status, receipt(status)) for aid, status in decisions))


def part(run: str, n: int = 0) -> tuple[str, str, int, int]:
    return (f"tables/xml1/nam_qt=2026/thang_qt=10/{run}-{n}.parquet", "XML1", 3, 1000)


def test_undecided_arrivals_come_in_upload_order(ledger):
    upload(
        ledger, ("79001", "b.xml", 20.0, "s2"), ("79001", "a.xml", 30.0, "s3"), ("48103", "c.xml", 10.0, "s1")
    )
    assert [a.file_name for a in ledger.undecided()] == ["c.xml", "b.xml", "a.xml"]  # by mtime, not by name
    assert set(ledger.waiting()) == {
        ("79001", "b.xml", 100, 20.0),
        ("79001", "a.xml", 100, 30.0),
        ("48103", "c.xml", 100, 10.0),
    }


def test_a_committed_run_makes_its_parts_decisions_and_versions_real_at_once(ledger):
    ledger.start_run(RUN, RECEIVED, "/landing")
    (a,) = upload(ledger, ("79001", "a.xml", 1.0, "sha-a"))
    decide(ledger, RUN, (a, "accepted"))
    ledger.add_versions([("79001", "LK1", 1, "sha-a", a, RUN)])
    assert ledger.parts() == [] and ledger.first_arrival_of("sha-a") is None  # nothing real yet
    assert ledger.commit_run(RUN, [part(RUN)]) == 1
    assert ledger.parts() == [(part(RUN)[0], "XML1", 3)]
    assert ledger.first_arrival_of("sha-a") == {
        "arrival_id": a,
        "file": "a.xml",
        "received_at": RECEIVED,
        "status": "accepted",
    }
    assert ledger.latest_versions([("79001", "LK1"), ("79001", "LK2")]) == {
        ("79001", "LK1"): 1,
        ("79001", "LK2"): 0,
    }
    assert [r["state"] for r in ledger.runs()] == ["committed"]
    ledger.finish_run(RUN, RECEIVED, {"files": 1}, "failed")  # a failure after the commit: it stays committed
    assert [(r["state"], json.loads(r["summary"])) for r in ledger.runs()] == [("committed", {"files": 1})]
    assert ledger.undecided() == []


def test_recover_undoes_everything_a_dead_run_wrote_before_its_commit(ledger):
    ledger.start_run(RUN, RECEIVED, "/landing")
    a, b = upload(ledger, ("79001", "a.xml", 1.0, "sha-a"), ("79001", "b.xml", 2.0, "sha-b"))
    decide(ledger, RUN, (a, "accepted"), (b, "rejected"))
    ledger.add_versions([("79001", "LK1", 1, "sha-a", a, RUN)])
    ledger.add_parts(RUN, [part(RUN)])
    # the process dies here: SIGKILL, no finally
    assert ledger.recover() == {"runs": 1, "versions": 1, "parts": 1, "decisions": 2}
    assert [r["state"] for r in ledger.runs()] == ["failed"]
    assert ledger.parts() == [] and ledger.all_part_paths() == set()
    assert ledger.latest_versions([("79001", "LK1")]) == {("79001", "LK1"): 0}
    assert [x.arrival_id for x in ledger.undecided()] == [a, b]  # decided again by the next run
    assert ledger.recover() == {"runs": 0, "versions": 0, "parts": 0, "decisions": 0}  # idempotent


def test_a_failed_transaction_leaves_nothing(ledger):
    ledger.start_run(RUN, RECEIVED, "/landing")
    (a,) = upload(ledger, ("79001", "a.xml", 1.0, "sha-a"))
    with pytest.raises(sqlite3.IntegrityError):  # the same version twice: the whole batch is rolled back
        ledger.add_versions([("79001", "LK1", 1, "sha-a", a, RUN), ("79001", "LK1", 1, "sha-a", a, RUN)])
    assert ledger.latest_versions([("79001", "LK1")]) == {("79001", "LK1"): 0}


@pytest.mark.parametrize(
    ("status", "codes", "remembered"),
    [
        ("accepted", (), True),
        ("rejected", ("SIG.INVALID",), True),  # the same bytes again are a duplicate of this answer
        ("duplicate", (), False),  # its first arrival is the one remembered
        ("rejected", ("SYS.INTERNAL",), False),  # our fault: the same bytes again are decided again
    ],
    ids=["accepted", "rejected", "duplicate", "internal_error"],
)
def test_which_contents_are_remembered_for_duplicates(ledger, status, codes, remembered):
    ledger.start_run(RUN, RECEIVED, "/landing")
    (a,) = upload(ledger, ("79001", "a.xml", 1.0, "sha-a"))
    ledger.record_decisions(RUN, [(a, status, receipt(status, *codes))])
    ledger.commit_run(RUN, [])
    assert (ledger.first_arrival_of("sha-a") is not None) == remembered


def test_the_first_arrival_of_a_content_stays_the_one_remembered(ledger):
    ledger.start_run(RUN, RECEIVED, "/landing")
    a, b = upload(ledger, ("79001", "a.xml", 1.0, "same"), ("79001", "a-again.xml", 2.0, "same"))
    decide(ledger, RUN, (a, "accepted"), (b, "accepted"))
    ledger.commit_run(RUN, [])
    assert ledger.first_arrival_of("same")["arrival_id"] == a


def test_parts_of_a_run_that_did_not_commit_are_not_listed(ledger):
    ledger.start_run(RUN, RECEIVED, "/landing")
    ledger.commit_run(RUN, [part(RUN)])
    ledger.start_run(NEXT, RECEIVED, "/landing")
    ledger.add_parts(NEXT, [part(NEXT)])  # before its commit
    assert [p for p, _, _ in ledger.parts()] == [part(RUN)[0]]
    assert ledger.all_part_paths() == {part(RUN)[0], part(NEXT)[0]}  # what remove_orphans must keep
    assert ledger.parts("XML2") == []


def test_receipts_to_deliver_are_read_a_page_at_a_time_in_arrival_order(ledger):
    ledger.start_run(RUN, RECEIVED, "/landing")
    ids = upload(ledger, *(("79001", f"f{i}.xml", float(i), f"s{i}") for i in range(5)))
    decide(ledger, RUN, *((aid, "accepted") for aid in ids))
    ledger.commit_run(RUN, [])
    rows = list(ledger.to_answer(page=2))
    assert (
        [r[0] for r in rows] == ids
        and rows[0][2] == "f0.xml"
        and json.loads(rows[0][7])["status"] == "accepted"
    )
    ledger.mark_answered_many([(ids[0], "f0.xml.receipt.json", "archive/f0.xml")])
    assert [r[0] for r in ledger.to_answer()] == ids[1:]  # a rerun delivers only what is left


def test_an_earlier_answer_under_the_same_name_is_found_for_renaming(ledger):
    ledger.start_run(RUN, RECEIVED, "/landing")
    first, second = upload(ledger, ("79001", "a.xml", 1.0, "v1"), ("79001", "a.xml", 2.0, "v2"))
    decide(ledger, RUN, (first, "accepted"), (second, "accepted"))
    ledger.commit_run(RUN, [])
    ledger.mark_answered_many([(first, "a.xml.receipt.json", "archive/a.xml")])
    earlier = ledger.earlier_answered("79001", "a.xml", second)
    assert [aid for aid, _ in earlier] == [first]
    ledger.mark_receipt_renamed(first, "a.xml.1.receipt.json")
    assert ledger.earlier_answered("79001", "a.xml", second) == []


def test_the_ledger_reopens_with_what_was_committed(tmp_path):
    ledger = Ledger(tmp_path / "ledger.sqlite")
    ledger.start_run(RUN, RECEIVED, "/landing")
    ledger.commit_run(RUN, [part(RUN)])
    ledger.close()
    again = Ledger(tmp_path / "ledger.sqlite")  # the schema is created only when missing
    assert [p for p, _, _ in again.parts()] == [part(RUN)[0]]
    again.close()
