"""The worker: a batch of inbox entries in, one pass per file (raw copy, decision, staged Parquet and
receipts) out; after the commit, receipts delivered with their versions and originals moved.

Files are from the committed sample (``data/sample``): a good claim, a file with one good and one bad claim,
a forged one. They are copied into a landing tree of the test's own; the worker runs in this process
(``init_worker`` as a pool process would call it).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import replace
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipelines.common.paths import data_dir
from pipelines.common.settings import Settings
from pipelines.landing import LocalInbox
from pipelines.run import worker
from pipelines.run.lake import partition_of
from pipelines.run.ledger import CommittedFile, Ledger, Original
from pipelines.run.worker import (
    BatchJob,
    Delivery,
    Receipt,
    Where,
    as_duplicates,
    claim_periods,
    decide_batch,
    deliver_batch,
    init_worker,
    staging_of,
)

SAMPLE = data_dir() / "sample"
FACILITY = "79101"
GOOD = "79101_261079101000001_20261010000005.xml"  # one claim, accepted
PARTLY = "xsd_second_claim_xml2.xml"  # two claims, the second's XML2 breaks the schema
FORGED = "sig_tampered_amount.xml"  # an amount changed after signing
RUN = "20261115T023000Z-abc123"


@pytest.fixture
def where(tmp_path, monkeypatch) -> Where:
    """A landing tree with the three sample files (and a copy of the good one), an empty lake with its
    ledger, and this process as a fresh pool process."""
    inbox = tmp_path / "landing" / FACILITY / "inbox"
    inbox.mkdir(parents=True)
    for name in (GOOD, PARTLY, FORGED):
        shutil.copy2(SAMPLE / "landing" / FACILITY / "inbox" / name, inbox / name)
    shutil.copy2(inbox / GOOD, inbox / "again.xml")
    (tmp_path / "lake").mkdir()
    Ledger(tmp_path / "lake" / "ledger.sqlite").close()
    monkeypatch.setattr(worker, "_WORKER", None)
    return Where(str(tmp_path / "landing"), str(tmp_path / "lake"), str(SAMPLE / "trust"), Settings())


def job(where: Where, *names: str, batch: int = 0) -> BatchJob:
    entries = {e.name: e for e in LocalInbox(Path(where.landing)).list(FACILITY)}
    return BatchJob(RUN, batch, [(10 + i, entries[name]) for i, name in enumerate(names)])


def test_a_batch_answers_every_file_in_order_and_stages_rows_ops_and_receipts(where):
    init_worker(where)
    result = decide_batch(job(where, GOOD, PARTLY, FORGED, "again.xml"))
    assert result.pid == os.getpid()
    assert [(f.arrival_id, f.status) for f in result.files] == [
        (10, "accepted"),
        (11, "partially_accepted"),
        (12, "rejected"),
        (13, "duplicate"),  # the same bytes as the first file of the batch: not decided again
    ]
    assert all(f.seconds > 0 for f in result.files) and [f.line for f in result.files] == [0, 1, 2, 3]
    lake = Path(where.lake)
    for f in result.files:  # every upload read once into the raw zone, under its SHA-256
        raw = lake / "raw" / f.sha256[:2] / f"{f.sha256}.xml"
        assert hashlib.sha256(raw.read_bytes()).hexdigest() == f.sha256
    accepted = {(f.macskcb, lk) for f in result.files for lk in f.accepted}
    assert len(accepted) == 2
    staging = staging_of(lake, result.job)
    tables = {table for _, table, _ in result.staged}
    assert {"XML1", "XML2", "XML3", "ops.files", "receipts"} <= tables
    for rel, table, rows in result.staged:
        assert rel.startswith(("tables/", "ops/", "receipts/")) and (staging / rel).exists()
        if table.startswith("XML"):  # rows of accepted claims only, one file per (table, month)
            data = pq.read_table(staging / rel)
            assert data.num_rows == rows and rel.split("/")[2].startswith("nam_qt=2026")
            assert set(zip(data["macskcb"].to_pylist(), data["ma_lk"].to_pylist(), strict=True)) <= accepted
    ops = pq.read_table(staging / f"ops/files/{result.job.name}.parquet")
    assert ops["status"].to_pylist() == ["accepted", "partially_accepted", "rejected", "duplicate"]
    receipts = [json.loads(line) for line in (staging / result.job.receipts_rel).read_text().splitlines()]
    assert [r["file"] for r in receipts] == [GOOD, PARTLY, FORGED, "again.xml"]
    assert receipts[3]["duplicate_of"]["file"] == GOOD
    assert not (lake / "tables").exists()  # nothing outside staging before the commit


def test_bytes_the_lake_already_holds_are_a_duplicate_without_deciding(where):
    init_worker(where)
    first = decide_batch(job(where, GOOD))
    ledger = Ledger(Path(where.lake) / "ledger.sqlite")
    ledger.start_run(RUN, "2026-11-15T02:30:00+00:00", where.landing)
    f = first.files[0]
    ledger.commit_batch(
        RUN,
        [
            CommittedFile(
                f.arrival_id,
                f.macskcb,
                f.file_name,
                f.size,
                f.mtime,
                f.sha256,
                f.received_at,
                f.status,
                first.job.receipts_rel,
                0,
                new_content=True,
            )
        ],
        [],
        [],
    )
    ledger.close()
    second = decide_batch(job(where, "again.xml", batch=1))
    assert [x.status for x in second.files] == ["duplicate"] and second.rows == {}


def test_a_file_over_the_cap_is_kept_whole_in_the_raw_zone_and_refused_by_size(where):
    small = replace(where, settings=replace(Settings(), max_file_mb=0.001))
    init_worker(small)
    (result,) = decide_batch(job(small, GOOD)).files
    assert result.codes == ["SEC.TOO_LARGE"] and result.size > 1024
    raw = Path(where.lake) / "raw" / result.sha256[:2] / f"{result.sha256}.xml"
    assert raw.stat().st_size == result.size  # the evidence is whole; only the decision read the cap


def test_without_init_worker_the_error_says_so(where):
    with pytest.raises(RuntimeError, match="init_worker was not called"):
        decide_batch(job(where, GOOD))


def test_on_a_dask_worker_the_context_is_built_on_first_use_and_rebuilt_for_other_settings(where):
    decide_batch(job(where, GOOD), where)
    first = worker._WORKER
    decide_batch(job(where, GOOD, batch=1), where)
    assert worker._WORKER is first  # kept for the next batches
    small = replace(where, settings=replace(Settings(), max_file_mb=0.001))
    result = decide_batch(job(where, GOOD, batch=2), small)
    assert worker._WORKER is not first and result.files[0].codes == ["SEC.TOO_LARGE"]


def test_a_second_batch_file_whose_bytes_an_earlier_batch_committed_becomes_a_duplicate(where):
    init_worker(where)
    result = decide_batch(job(where, "again.xml", PARTLY))
    original = Original(1, GOOD, "2026-11-15T02:30:00+00:00", "accepted")
    converted = as_duplicates(Path(where.lake), result, {result.files[0].sha256: original})
    assert [f.status for f in converted.files] == ["duplicate", "partially_accepted"]
    assert converted.files[0].accepted == []
    staging = staging_of(Path(where.lake), result.job)
    for rel, table, rows in converted.staged:
        if table.startswith("XML"):  # the duplicate's rows have left the staged tables
            data = pq.read_table(staging / rel)
            assert result.files[0].sha256 not in data["source_sha256"].to_pylist() and data.num_rows == rows
    lines = (staging / result.job.receipts_rel).read_text().splitlines()
    assert json.loads(lines[0])["duplicate_of"]["file"] == GOOD
    ops = pq.read_table(staging / f"ops/files/{result.job.name}.parquet")
    assert ops["status"].to_pylist() == ["duplicate", "partially_accepted"]


def test_delivery_writes_receipts_with_versions_and_moves_the_same_uploads_only(where):
    init_worker(where)
    result = decide_batch(job(where, GOOD, FORGED))
    lake = Path(where.lake)
    receipts_dir = lake / result.job.receipts_rel
    receipts_dir.parent.mkdir(parents=True)
    shutil.copy(staging_of(lake, result.job) / result.job.receipts_rel, receipts_dir)
    good, forged = result.files
    inbox = Path(where.landing) / FACILITY / "inbox"
    (inbox / FORGED).write_bytes(b"sent again since")  # a different upload under the same name now
    items = [
        Delivery(
            Receipt(f.arrival_id, None, result.job.receipts_rel, f.line, versions),
            f.macskcb,
            f.file_name,
            f.size,
            f.mtime,
            f.sha256,
            f.status,
        )
        for f, versions in ((good, {good.accepted[0]: 3}), (forged, {}))
    ]
    delivered = deliver_batch(items)
    outbox = Path(where.landing) / FACILITY / "outbox"
    receipt = json.loads((outbox / f"{GOOD}.receipt.json").read_text())
    assert [c["version"] for c in receipt["claims"] if c["status"] == "accepted"] == [3]
    assert (outbox / f"{FORGED}.receipt.json").exists()
    assert delivered.done == [
        (good.arrival_id, f"{GOOD}.receipt.json", f"archive/{GOOD}"),
        (forged.arrival_id, f"{FORGED}.receipt.json", None),  # left where it is: not the file decided
    ]
    assert (Path(where.landing) / FACILITY / "archive" / GOOD).exists() and (inbox / FORGED).exists()


@pytest.mark.parametrize(
    ("xml1", "expected"),
    [
        (
            {"ma_lk": "A", "nam_qt": "2026", "thang_qt": "10", "ngay_ttoan": "202611020800"},
            partition_of(2026, 10),
        ),
        ({"ma_lk": "A", "nam_qt": "2026", "thang_qt": "3"}, partition_of(2026, 3)),
        ({"ma_lk": "A", "ngay_ttoan": "202611020800", "ngay_ra": "202610300800"}, partition_of(2026, 11)),
        ({"ma_lk": "A", "ngay_ra": "202610300800"}, partition_of(2026, 10)),
        ({"ma_lk": "A", "nam_qt": "2026"}, partition_of(None, None)),  # half a settlement month: no month
        ({"ma_lk": "A"}, partition_of(None, None)),
    ],
    ids=[
        "settlement_month_first",
        "unpadded_month",
        "else_payment_date",
        "else_discharge_date",
        "year_without_month",
        "nothing",
    ],
)
def test_claim_periods_take_the_settlement_month_else_the_payment_else_the_discharge_date(xml1, expected):
    assert claim_periods([(xml1, "QD4750")]) == {"A": expected}
