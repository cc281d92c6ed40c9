"""The lake's files: typed record batches to Parquet, staged per batch, then published atomically.

Layout under ``<lake>``::

    raw/ab/abcd….xml                                         every received byte, by SHA-256
    tables/xml2/nam_qt=2026/thang_qt=10/<run>-b00003-0.parquet  one table, one settlement month, one batch
    ops/files/<run>-b00003.parquet                           one row per file of the batch
    ops/claim_versions/<run>-b00003.parquet                  one row per claim version the batch accepted
    receipts/<run>/b00003.jsonl                              the batch's receipts, one line per file
    _staging/<run>/b00003/…                                  a batch's files before its commit
    ledger.sqlite                                            what is published (pipelines.run.ledger)

A worker writes a batch into ``_staging/<run>/b<batch>/``; at the batch's commit :func:`publish` renames each
file to its place and only then does the ledger commit list it. Warehouse views read exactly the files the
ledger lists, so a file renamed for a batch whose commit never happened is never visible, and
:func:`remove_orphans` deletes it on the next run.

Rows are buffered per table and month and written in row groups of ``row_group_rows`` (DuckDB reads
row groups in parallel; one tiny file per claim would make every query slow). A file rolls over at
``file_rows``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.common.files import FILE_MODE, fsync_dir, make_dirs

ROW_GROUP_ROWS = 128 * 1024
ROW_GROUP_BYTES = 16 * 1024 * 1024  # a row group is written at whichever comes first: memory stays flat
FILE_ROWS = 4 * 1024 * 1024
COMPRESSION: Final = "zstd"
CHUNK = 1024 * 1024


def table_dir(loaihoso: str) -> str:
    return f"tables/{loaihoso.lower()}"


def partition_of(nam_qt: int | None, thang_qt: int | None) -> str:
    return f"nam_qt={nam_qt or 0}/thang_qt={thang_qt or 0}"


@dataclass
class _Open:
    writer: pq.ParquetWriter
    rel_path: str
    rows: int = 0


@dataclass
class StagedWriter:
    """Collects record batches per (table, partition) and writes large row groups into a staging folder, in
    files named ``<name>-<serial>.parquet`` (``name``: the run and batch, so names never collide in the
    lake)."""

    staging: Path
    name: str
    row_group_rows: int = ROW_GROUP_ROWS
    file_rows: int = FILE_ROWS
    _buffers: dict[tuple[str, str], list[pa.RecordBatch]] = field(default_factory=lambda: defaultdict(list))
    _buffered: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))
    _buffered_bytes: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))
    row_group_bytes: int = ROW_GROUP_BYTES
    _open: dict[tuple[str, str], _Open] = field(default_factory=dict)
    _done: list[tuple[str, str, int]] = field(default_factory=list)  # (rel_path, table, rows)
    _serial: int = 0

    def add(self, table: str, partition: str, batch: pa.RecordBatch) -> None:
        if batch.num_rows == 0:
            return
        key = (table, partition)
        self._buffers[key].append(batch)
        self._buffered[key] += batch.num_rows
        self._buffered_bytes[key] += batch.nbytes
        if self._buffered[key] >= self.row_group_rows or self._buffered_bytes[key] >= self.row_group_bytes:
            self._flush(key)

    def _flush(self, key: tuple[str, str]) -> None:
        batches = self._buffers.pop(key, [])
        self._buffered.pop(key, None)
        self._buffered_bytes.pop(key, None)
        if not batches:
            return
        data = pa.Table.from_batches(batches)
        current = self._open.get(key)
        if current is None:
            table, partition = key
            rel = f"{table_dir(table)}/{partition}/{self.name}-{self._serial}.parquet"
            self._serial += 1
            path = self.staging / rel
            make_dirs(path.parent)
            writer = pq.ParquetWriter(path, data.schema, compression=COMPRESSION, use_dictionary=True)
            current = self._open[key] = _Open(writer, rel)
        current.writer.write_table(data, row_group_size=self.row_group_rows)
        current.rows += data.num_rows
        if current.rows >= self.file_rows:
            self._close(key)

    def _close(self, key: tuple[str, str]) -> None:
        current = self._open.pop(key)
        current.writer.close()
        self._done.append((current.rel_path, key[0], current.rows))

    def write_stream(self, rel_path: str, table: str, parts: Iterable[pa.Table]) -> None:
        """One file written from a stream of tables of one schema (the run's ops tables); an empty stream
        gives no file."""
        path = self.staging / rel_path
        writer, rows = None, 0
        for data in parts:
            if writer is None:
                make_dirs(path.parent)
                writer = pq.ParquetWriter(path, data.schema, compression=COMPRESSION)
            writer.write_table(data, row_group_size=self.row_group_rows)
            rows += data.num_rows
        if writer is not None:
            writer.close()
            self._done.append((rel_path, table, rows))

    def finish(self) -> list[tuple[str, str, int]]:
        """Flush and close everything; the staged files (path relative to the lake, table, rows)."""
        for key in list(self._buffers):
            self._flush(key)
        for key in list(self._open):
            self._close(key)
        return list(self._done)


def staging_dir(lake: Path, run_id: str, batch: int) -> Path:
    """Where a batch's files wait for their commit: ``<lake>/_staging/<run>/b<batch>/``."""
    return lake / "_staging" / run_id / f"b{batch:05d}"


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, read a mebibyte at a time."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def publish(
    lake: Path, staging: Path, staged: list[tuple[str, str, int]]
) -> list[tuple[str, str, int, int, str]]:
    """Move staged files from ``staging`` to their place in the lake (fsync'd), ready for the ledger commit:
    (path, table, rows, bytes, sha256). The checksum is taken as the file is synced (it was just written:
    read back from the page cache), for ``bhyt-etl check``."""
    out = []
    folders = set()
    for rel, table, rows in staged:
        source = staging / rel
        digest = hashlib.sha256()
        with open(source, "rb") as fh:
            os.fsync(fh.fileno())
            while chunk := fh.read(CHUNK):
                digest.update(chunk)
        target = lake / rel
        make_dirs(target.parent)
        os.chmod(source, FILE_MODE)
        os.replace(source, target)
        folders.add(target.parent)
        out.append((rel, table, rows, target.stat().st_size, digest.hexdigest()))
    for folder in folders:
        fsync_dir(folder)
    shutil.rmtree(staging, ignore_errors=True)
    return out


def clear_staging(lake: Path) -> int:
    """Remove every staging folder (left by runs that died); returns how many."""
    root = lake / "_staging"
    if not root.exists():
        return 0
    n = 0
    for child in root.iterdir():
        shutil.rmtree(child, ignore_errors=True)
        n += 1
    return n


def remove_orphans(lake: Path, known: set[str]) -> list[str]:
    """Delete Parquet files under tables/ and ops/ that no ledger entry lists (published by a run that died
    before its commit). Returns their paths relative to the lake."""
    removed = []
    for top in ("tables", "ops", "review", "receipts"):
        root = lake / top
        if not root.exists():
            continue
        for path in [*root.rglob("*.parquet*"), *root.rglob("*.jsonl")]:
            rel = path.relative_to(lake).as_posix()
            if rel not in known:
                path.unlink()
                removed.append(rel)
    return removed
