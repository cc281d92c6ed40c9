"""The worker: a chunk of raw files in, each file's receipt and the accepted rows by table and month out.

Files are from the committed sample (``data/sample``): a good claim, a file with one good and one bad claim,
a forged one. The worker runs in this process (``init_worker`` as a pool process would call it).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import replace

import pytest

from pipelines.common.paths import data_dir
from pipelines.common.settings import Settings
from pipelines.run import worker
from pipelines.run.lake import partition_of
from pipelines.run.worker import Job, claim_periods, decide_chunk, decide_chunk_on, init_worker, read_capped

SAMPLE = data_dir() / "sample"
TRUST = str(SAMPLE / "trust")
RECEIVED = "2026-11-15T02:30:00+00:00"
GOOD = "79101/inbox/79101_261079101000001_20261010000005.xml"  # one claim, accepted
PARTLY = "79101/inbox/xsd_second_claim_xml2.xml"  # two claims, the second's XML2 breaks the schema
FORGED = "79101/inbox/sig_tampered_amount.xml"  # an amount changed after signing


def job(arrival_id: int, rel: str) -> Job:
    path = SAMPLE / "landing" / rel
    return Job(arrival_id, str(path), path.name, rel.split("/")[0], RECEIVED)


@pytest.fixture
def fresh_process(monkeypatch):
    """This process as a pool process starts: no worker context yet (restored after the test)."""
    monkeypatch.setattr(worker, "_CONTEXT", None)
    monkeypatch.setattr(worker, "_CONTEXT_KEY", None)


@pytest.fixture
def in_this_process(fresh_process):
    init_worker(TRUST, Settings())


def test_a_chunk_answers_every_file_in_order_and_batches_the_accepted_rows(in_this_process):
    chunk = decide_chunk([job(7, GOOD), job(8, PARTLY), job(9, FORGED)])
    assert chunk.pid == os.getpid()
    statuses = [(d.arrival_id, d.receipt["status"]) for d in chunk.decisions]
    assert statuses == [(7, "accepted"), (8, "partially_accepted"), (9, "rejected")]
    assert all(d.seconds > 0 for d in chunk.decisions)
    accepted = {
        (d.receipt["macskcb"], c["ma_lk"])
        for d in chunk.decisions
        for c in d.receipt["claims"]
        if c["status"] == "accepted"
    }
    assert len(accepted) == 2
    tables = {table for table, _, _ in chunk.parts}
    assert {"XML1", "XML2", "XML3"} <= tables
    for _, period, batch in chunk.parts:  # one batch per (table, month), rows of accepted claims only
        assert period.startswith("nam_qt=2026/thang_qt=")
        assert (
            set(zip(batch.column("macskcb").to_pylist(), batch.column("ma_lk").to_pylist(), strict=True))
            <= accepted
        )
    xml1 = [b for t, _, b in chunk.parts if t == "XML1"]
    assert sum(b.num_rows for b in xml1) == 2
    assert len({(t, p) for t, p, _ in chunk.parts}) == len(chunk.parts)


def test_a_chunk_of_only_rejected_files_has_receipts_and_no_rows(in_this_process):
    chunk = decide_chunk([job(1, FORGED)])
    assert [d.receipt["status"] for d in chunk.decisions] == ["rejected"] and chunk.parts == []


def test_without_init_worker_the_error_says_so(fresh_process):
    with pytest.raises(RuntimeError, match="init_worker was not called"):
        decide_chunk([job(1, GOOD)])


def test_on_a_dask_worker_the_context_is_built_on_first_use_and_rebuilt_for_other_settings(fresh_process):
    decide_chunk_on([job(1, GOOD)], TRUST, Settings())
    first = worker.context()
    decide_chunk_on([job(2, GOOD)], TRUST, Settings())
    assert worker.context() is first  # kept for the next chunks
    small = replace(Settings(), max_file_mb=0.001)
    chunk = decide_chunk_on([job(3, GOOD)], TRUST, small)
    assert worker.context() is not first
    assert [e["code"] for e in chunk.decisions[0].receipt["errors"]] == ["SEC.TOO_LARGE"]


def test_read_capped_reads_a_file_within_the_cap_whole(tmp_path):
    path = tmp_path / "f.xml"
    path.write_bytes(b"x" * 10)
    assert read_capped(path, 10) == (b"x" * 10, None)


def test_read_capped_reads_only_cap_plus_one_byte_of_a_bigger_file_and_names_it_by_its_raw_zone_name(
    tmp_path,
):
    data = b"<GIAMDINHHS>" + b"A" * 5000
    sha = hashlib.sha256(data).hexdigest()
    raw = tmp_path / f"{sha}.xml"  # the raw zone names a copy by its SHA-256
    raw.write_bytes(data)
    head, name_sha = read_capped(raw, 100)
    assert head == data[:101] and name_sha == sha


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
