"""``bhyt-etl check``: is the lake what the ledger says it is? Read-only, one line per problem.

- the raw zone: every file's SHA-256 equals its name, and every content the ledger received has its file;
- the lake: every file the ledger lists exists, has the ledger's size, opens (Parquet: its footer and every
  row group read; receipts: one JSON line per file), has the ledger's row count and, where the ledger
  recorded one, its SHA-256;
- the warehouse: it opens (read-only) and every view and table answers.

:func:`quick_check` is the cheap part (existence and sizes of the listed files, no reading), run by the
night's open step. Nothing here writes; it can run while a night runs (it checks what the ledger listed when
it started).
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from pipelines.run.lake import CHUNK
from pipelines.run.ledger import Ledger, PartDetail

_RAW_NAME = re.compile(r"^[0-9a-f]{64}\.xml$")


@dataclass(frozen=True)
class Problem:
    """One thing wrong, named so that the operator can find it: a path (relative to the lake, or the
    warehouse file) and what is wrong with it."""

    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {' '.join(self.what.split())}"  # one line, whatever the reader's message held


@dataclass
class Checked:
    """What ``check`` looked at, and what it found."""

    raw_files: int = 0
    lake_files: int = 0
    views: int = 0
    problems: list[Problem] | None = None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def quick_check(lake: Path, parts: list[PartDetail]) -> list[Problem]:
    """Every listed lake file exists with the ledger's size (one ``stat`` each: the night's open step)."""
    problems = []
    for part in parts:
        try:
            size = (lake / part.path).stat().st_size
        except FileNotFoundError:
            problems.append(Problem(part.path, f"missing ({part.table}, {part.rows} rows in the ledger)"))
            continue
        if size != part.bytes:
            problems.append(Problem(part.path, f"{size} bytes, the ledger recorded {part.bytes}"))
    return problems


def check_part(lake: Path, part: PartDetail) -> list[Problem]:
    """One listed lake file, fully: size, opens, row count, checksum."""
    path = lake / part.path
    if not path.is_file():
        return [Problem(part.path, f"missing ({part.table}, {part.rows} rows in the ledger)")]
    out = []
    size = path.stat().st_size
    if size != part.bytes:
        out.append(Problem(part.path, f"{size} bytes, the ledger recorded {part.bytes}"))
    try:
        if part.path.endswith(".jsonl"):
            lines = path.read_text(encoding="utf-8").splitlines()
            for line in lines:
                json.loads(line)
            rows = len(lines)
        else:
            fh = pq.ParquetFile(path)
            rows = fh.metadata.num_rows
            for group in range(fh.num_row_groups):  # every page read and decompressed
                fh.read_row_group(group)
    except Exception as exc:  # noqa: BLE001 - whatever the reader says, the file is damaged
        out.append(Problem(part.path, f"does not open: {type(exc).__name__}: {str(exc)[:200]}"))
        return out
    if rows != part.rows:
        out.append(Problem(part.path, f"{rows} rows, the ledger recorded {part.rows}"))
    if part.sha256 is not None and _sha256(path) != part.sha256:
        out.append(
            Problem(part.path, "its SHA-256 differs from the one the ledger recorded (changed or damaged)")
        )
    return out


def _raw_files(lake: Path) -> Iterator[Path]:
    root = lake / "raw"
    if root.is_dir():
        for folder in sorted(root.iterdir()):
            if folder.is_dir():
                yield from sorted(folder.iterdir())


def check_raw(lake: Path, received: set[str]) -> tuple[int, list[Problem]]:
    """Every raw file's SHA-256 equals its name; every content the ledger received has its file."""
    problems = []
    seen = set()
    n = 0
    for path in _raw_files(lake):
        rel = path.relative_to(lake).as_posix()
        if path.name.startswith(".incoming."):
            continue  # a copy in progress (or one a killed run left: the next run removes it)
        if not _RAW_NAME.match(path.name) or path.parent.name != path.name[:2]:
            problems.append(Problem(rel, "not a raw-zone name (<sha256[:2]>/<sha256>.xml)"))
            continue
        n += 1
        sha = path.name[:-4]
        seen.add(sha)
        actual = _sha256(path)
        if actual != sha:
            problems.append(Problem(rel, f"its SHA-256 is {actual}: the bytes are not those received"))
    for sha in sorted(received - seen):
        problems.append(Problem(f"raw/{sha[:2]}/{sha}.xml", "missing: the ledger received these bytes"))
    return n, problems


def check_warehouse(warehouse: Path) -> tuple[int, list[Problem]]:
    """The warehouse opens read-only and every view and table answers."""
    if not warehouse.exists():
        return 0, [Problem(str(warehouse), "missing (the next ingest or rebuild builds it)")]
    try:
        con = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error as exc:
        return 0, [Problem(str(warehouse), f"does not open: {str(exc)[:200]}")]
    problems = []
    n = 0
    try:
        objects = con.execute(
            "SELECT schema_name, view_name FROM duckdb_views() WHERE NOT internal "
            "UNION ALL SELECT schema_name, table_name FROM duckdb_tables() WHERE NOT internal ORDER BY ALL"
        ).fetchall()
        for schema, name in objects:
            n += 1
            try:
                # names from the catalogue of the file itself, quoted
                con.execute(f'SELECT count(*) FROM "{schema}"."{name}"').fetchone()  # noqa: S608
            except duckdb.Error as exc:
                problems.append(Problem(f"{warehouse}:{schema}.{name}", f"does not answer: {str(exc)[:200]}"))
    finally:
        con.close()
    return n, problems


def check_lake(lake: Path, warehouse: Path | None) -> Checked:
    """Everything (see the module's docstring); the ledger is only read."""
    ledger_path = lake / "ledger.sqlite"
    if not ledger_path.exists():
        return Checked(problems=[Problem(str(ledger_path), "missing: no ledger, so no lake to check")])
    ledger = Ledger.read_only(ledger_path)
    try:
        parts = ledger.part_details()
        received = ledger.received_contents()
    except sqlite3.Error as exc:
        return Checked(problems=[Problem(str(ledger_path), f"cannot be read: {exc}")])
    finally:
        ledger.close()
    out = Checked(problems=[])
    assert out.problems is not None
    out.raw_files, raw_problems = check_raw(lake, received)
    out.problems += raw_problems
    for part in parts:
        out.problems += check_part(lake, part)
    out.lake_files = len(parts)
    if warehouse is not None:
        out.views, wh_problems = check_warehouse(warehouse)
        out.problems += wh_problems
    return out
