"""``check``'s pieces on small hand-made lakes: a problem is one line naming where; the quick check sees a
missing and a resized file without reading them; a ledger written before checksums were recorded is checked
without them."""

from __future__ import annotations

import sqlite3

import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.run.check import Problem, check_part, quick_check
from pipelines.run.lake import file_sha256
from pipelines.run.ledger import Ledger, PartDetail


def test_a_problem_is_one_line_whatever_the_message_held():
    assert str(Problem("w.duckdb:lake.xml2", "does not answer:\nLINE 1: SELECT\n  ^")) == (
        "w.duckdb:lake.xml2: does not answer: LINE 1: SELECT ^"
    )


def test_quick_check_sees_missing_and_resized_files_only(tmp_path):
    pq.write_table(pa.table({"ma_lk": ["A", "B"]}), tmp_path / "good.parquet")
    size = (tmp_path / "good.parquet").stat().st_size
    parts = [
        PartDetail("good.parquet", "r", "XML1", 2, size, None),
        PartDetail("gone.parquet", "r", "XML2", 3, 10, None),
        PartDetail("good.parquet", "r", "XML1", 2, size + 1, None),
    ]
    assert [str(p) for p in quick_check(tmp_path, parts)] == [
        "gone.parquet: missing (XML2, 3 rows in the ledger)",
        f"good.parquet: {size} bytes, the ledger recorded {size + 1}",
    ]


def test_check_part_compares_rows_and_checksum(tmp_path):
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({"ma_lk": ["A", "B"]}), path)
    size, sha = path.stat().st_size, file_sha256(path)
    assert check_part(tmp_path, PartDetail("t.parquet", "r", "XML1", 2, size, sha)) == []
    assert check_part(tmp_path, PartDetail("t.parquet", "r", "XML1", 2, size, None)) == []  # none recorded
    (wrong_rows,) = check_part(tmp_path, PartDetail("t.parquet", "r", "XML1", 3, size, sha))
    assert wrong_rows.what == "2 rows, the ledger recorded 3"
    (wrong_sha,) = check_part(tmp_path, PartDetail("t.parquet", "r", "XML1", 2, size, "0" * 64))
    assert "SHA-256 differs" in wrong_sha.what


def test_a_ledger_from_before_checksums_is_read_then_migrated(tmp_path):
    path = tmp_path / "ledger.sqlite"
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE TABLE runs (run_id TEXT PRIMARY KEY, started_at TEXT NOT NULL, finished_at TEXT, state TEXT, "
        "landing TEXT, summary TEXT);"
        "CREATE TABLE parts (path TEXT PRIMARY KEY, run_id TEXT NOT NULL, table_name TEXT NOT NULL, "
        "rows INTEGER NOT NULL, bytes INTEGER NOT NULL);"
        "INSERT INTO runs VALUES ('r', 'x', NULL, 'committed', NULL, NULL);"
        "INSERT INTO parts VALUES ('t.parquet', 'r', 'XML1', 2, 10);"
    )
    db.commit()
    db.close()
    old = Ledger.read_only(path)
    assert old.part_details() == [PartDetail("t.parquet", "r", "XML1", 2, 10, None)]
    old.close()
    migrated = Ledger(path)  # the next run adds the columns; existing rows have no checksum
    assert migrated.part_details() == [PartDetail("t.parquet", "r", "XML1", 2, 10, None)]
    migrated.close()
