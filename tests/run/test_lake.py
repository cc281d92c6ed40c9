"""The lake: batches staged as Parquet in large row groups, published by rename, orphans of dead runs removed.

Batches here are a two-column table (``ma_lk``, ``t_bhtt``) of a few rows: the writer does not care what the
columns are, only how many rows and bytes it holds per (table, settlement month).
"""

from __future__ import annotations

import hashlib
import stat
from decimal import Decimal

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipelines.common.files import DIR_MODE, FILE_MODE
from pipelines.run.lake import (
    StagedWriter,
    clear_staging,
    partition_of,
    publish,
    remove_orphans,
    staging_dir,
    table_dir,
)

RUN = "20261115T023000Z-abc123"
NAME = f"{RUN}-b00000"  # the run and the batch: no two batches' files share a name in the lake
OCTOBER = partition_of(2026, 10)
SCHEMA = pa.schema([("ma_lk", pa.string()), ("t_bhtt", pa.decimal128(18, 2))])


def batch(*keys: str) -> pa.RecordBatch:
    return pa.RecordBatch.from_pylist([{"ma_lk": k, "t_bhtt": Decimal("1.50")} for k in keys], schema=SCHEMA)


@pytest.mark.parametrize(
    ("nam", "thang", "expected"),
    [
        (2026, 10, "nam_qt=2026/thang_qt=10"),
        (2026, 1, "nam_qt=2026/thang_qt=1"),
        (None, None, "nam_qt=0/thang_qt=0"),
    ],
    ids=["october", "january_unpadded", "unknown_month"],
)
def test_partition_of_a_settlement_month(nam, thang, expected):
    assert partition_of(nam, thang) == expected


def test_table_dir_is_the_lower_case_table_name():
    assert table_dir("XML2") == "tables/xml2"


def writer_of(lake, run=RUN, **options) -> StagedWriter:
    return StagedWriter(staging_dir(lake, run, 0), f"{run}-b00000", **options)


def test_batches_of_one_table_and_month_go_to_one_file_in_the_batch_s_staging_folder(tmp_path):
    writer = writer_of(tmp_path)
    writer.add("XML2", OCTOBER, batch("A", "B"))
    writer.add("XML2", OCTOBER, batch("C"))
    writer.add("XML2", partition_of(2026, 11), batch("D"))
    writer.add("XML3", OCTOBER, batch())  # no rows: no file
    staged = sorted(writer.finish())
    assert staged == [
        (f"tables/xml2/nam_qt=2026/thang_qt=10/{NAME}-0.parquet", "XML2", 3),
        (f"tables/xml2/nam_qt=2026/thang_qt=11/{NAME}-1.parquet", "XML2", 1),
    ]
    first = pq.read_table(writer.staging / staged[0][0])
    assert first.column("ma_lk").to_pylist() == ["A", "B", "C"]  # in the order added
    assert first.schema == SCHEMA and first.column("t_bhtt")[0].as_py() == Decimal("1.50")
    assert writer.staging == tmp_path / "_staging" / RUN / "b00000"
    assert not (tmp_path / "tables").exists()  # nothing outside staging before publish


def test_rows_are_written_in_row_groups_of_the_set_size_and_files_roll_over(tmp_path):
    writer = writer_of(tmp_path, row_group_rows=2, file_rows=4)
    for key in "ABCDEF":
        writer.add("XML2", OCTOBER, batch(key))
    staged = writer.finish()
    assert [rows for _, _, rows in staged] == [4, 2]
    groups = [pq.ParquetFile(writer.staging / rel).metadata.num_row_groups for rel, _, _ in staged]
    assert groups == [2, 1]


def test_a_row_group_is_written_when_its_bytes_reach_the_cap_even_with_few_rows(tmp_path):
    writer = writer_of(tmp_path, row_group_rows=1000, row_group_bytes=1)
    writer.add("XML2", OCTOBER, batch("A"))
    writer.add("XML2", OCTOBER, batch("B"))
    ((rel, _, rows),) = writer.finish()
    assert rows == 2 and pq.ParquetFile(writer.staging / rel).metadata.num_row_groups == 2


def test_write_stream_writes_one_file_and_an_empty_stream_none(tmp_path):
    writer = writer_of(tmp_path)
    writer.write_stream(
        f"ops/files/{RUN}.parquet", "ops.files", iter([pa.table(batch("A", "B")), pa.table(batch("C"))])
    )
    writer.write_stream(f"ops/claim_versions/{RUN}.parquet", "core.claim_versions", iter([]))
    assert writer.finish() == [(f"ops/files/{RUN}.parquet", "ops.files", 3)]
    assert not (writer.staging / "ops" / "claim_versions").exists()


def test_publish_moves_the_files_to_their_place_with_the_lake_s_modes_and_removes_staging(tmp_path):
    writer = writer_of(tmp_path)
    writer.add("XML1", OCTOBER, batch("A", "B"))
    published = publish(tmp_path, writer.staging, writer.finish())
    ((rel, table, rows, size, sha),) = published
    target = tmp_path / rel
    assert (table, rows, size) == ("XML1", 2, target.stat().st_size) and size > 0
    assert sha == hashlib.sha256(target.read_bytes()).hexdigest()
    assert pq.read_table(target).num_rows == 2
    assert stat.S_IMODE(target.stat().st_mode) == FILE_MODE
    assert stat.S_IMODE(target.parent.stat().st_mode) == DIR_MODE
    assert not writer.staging.exists()


def test_clear_staging_removes_every_dead_run_s_folder(tmp_path):
    assert clear_staging(tmp_path) == 0  # no staging folder at all
    for run in ("r1", "r2"):
        writer = writer_of(tmp_path, run)
        writer.add("XML1", OCTOBER, batch("A"))
        writer.finish()
    assert clear_staging(tmp_path) == 2
    assert list((tmp_path / "_staging").iterdir()) == []


def test_remove_orphans_deletes_unlisted_parquet_and_receipts_and_keeps_the_rest(tmp_path):
    files = {
        "tables/xml1/nam_qt=2026/thang_qt=10/r1-0.parquet": True,  # listed by the ledger
        "tables/xml1/nam_qt=2026/thang_qt=10/r2-0.parquet": False,  # renamed by a run that died
        "ops/files/r2.parquet": False,
        "review/findings/r2.parquet": False,
        "receipts/r2/b00000.jsonl": False,
        "receipts/r1/b00000.jsonl": True,
        "raw/ab/abcd.xml": None,  # not the ledger's business
        "tables/xml1/notes.txt": None,
    }
    for rel in files:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(b"x")
    known = {rel for rel, listed in files.items() if listed}
    removed = remove_orphans(tmp_path, known)
    assert sorted(removed) == sorted(rel for rel, listed in files.items() if listed is False)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()) == sorted(
        rel for rel, listed in files.items() if listed is not False
    )
