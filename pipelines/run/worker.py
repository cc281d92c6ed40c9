"""The per-file work in a worker process: read the raw copy, decide, split the rows by settlement month.

A worker builds its :class:`~pipelines.decide.process.Context` (registry, trust store, parsers) once, in
:func:`init_worker`; :func:`decide` is then called once per file. Only the arrival's id and raw path cross
the process boundary on the way in, and the receipt plus Arrow batches on the way out.
"""

from __future__ import annotations

import os
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa

from pipelines.common.settings import Settings
from pipelines.decide.normalize import Lineage, VersionedRows, to_batch_many
from pipelines.decide.process import Context, process_file
from pipelines.run.lake import partition_of

_CONTEXT: Context | None = None
_CONTEXT_KEY: tuple[str, Settings] | None = None


@dataclass(frozen=True)
class Job:
    arrival_id: int
    raw_path: str
    file_name: str
    macskcb: str
    received_at: str  # ISO-8601


@dataclass
class Decision:
    arrival_id: int
    receipt: dict[str, Any]
    seconds: float = 0.0


@dataclass
class Chunk:
    """What a worker sends back for a chunk of files: each file's receipt, and the accepted rows of all
    of them as one record batch per (table, settlement month)."""

    decisions: list[Decision]
    parts: list[tuple[str, str, pa.RecordBatch]] = field(default_factory=list)
    pid: int = 0


def init_worker(trust_dir: str, settings: Settings) -> None:
    """Build this process's context (registry, trust store, parsers) once, before any file."""
    global _CONTEXT, _CONTEXT_KEY
    _CONTEXT = Context.create(Path(trust_dir), settings)
    _CONTEXT_KEY = (trust_dir, settings)


def decide_chunk_on(jobs: list[Job], trust_dir: str, settings: Settings) -> Chunk:
    """:func:`decide_chunk` in a process that was not started by the local pool (a Dask worker): the context
    is built on first use and kept for the next chunks."""
    if _CONTEXT is None or _CONTEXT_KEY != (trust_dir, settings):
        init_worker(trust_dir, settings)
    return decide_chunk(jobs)


def context() -> Context:
    if _CONTEXT is None:
        raise RuntimeError("init_worker was not called in this process")
    return _CONTEXT


def decide_chunk(jobs: list[Job]) -> Chunk:
    """Decide every file of the chunk, then build Arrow once per table and month for all of them."""
    ctx = context()
    decisions = []
    grouped: dict[tuple[str, str], list[tuple[VersionedRows, Lineage]]] = defaultdict(list)
    for job in jobs:
        started = time.perf_counter()
        raw, sha = read_capped(Path(job.raw_path), ctx.settings.max_file_bytes)
        result = process_file(
            raw,
            file_name=job.file_name,
            folder_macskcb=job.macskcb,
            received_at=datetime.fromisoformat(job.received_at),
            ctx=ctx,
            sha256=sha,
        )
        if result.rows and result.lineage is not None:  # (a file with rows always has its lineage)
            lineage = result.lineage
            periods = claim_periods(result.rows["XML1"])
            for lh, rows in result.rows.items():
                by_period: dict[str, VersionedRows] = defaultdict(list)
                for row in rows:
                    by_period[periods.get(row[0].get("ma_lk"), partition_of(None, None))].append(row)
                for period, part in by_period.items():
                    grouped[(lh, period)].append((part, lineage))
        decisions.append(Decision(job.arrival_id, result.receipt, time.perf_counter() - started))
    parts = [(lh, period, to_batch_many(ctx.registry, lh, files)) for (lh, period), files in grouped.items()]
    return Chunk(decisions, parts, os.getpid())


def read_capped(path: Path, cap: int) -> tuple[bytes, str | None]:
    """The raw copy, or for a file over the size cap only its first ``cap + 1`` bytes (enough for
    SEC.TOO_LARGE) with its SHA-256 from its raw-zone name: a huge upload never fills a worker's memory."""
    with open(path, "rb") as fh:
        raw = fh.read(cap + 1)
    return (raw, path.stem) if len(raw) > cap else (raw, None)


def claim_periods(xml1_rows: VersionedRows) -> dict[str | None, str]:
    """MA_LK → settlement-month partition: XML1's NAM_QT/THANG_QT, else the payment or discharge date."""
    out: dict[str | None, str] = {}
    for row, _ in xml1_rows:  # validated text: NAM_QT 4 digits, THANG_QT 1-2, dates yyyyMMddHHmm
        nam_qt, thang_qt = row.get("nam_qt"), row.get("thang_qt")
        nam: int | None
        thang: int | None
        if nam_qt and thang_qt:
            nam, thang = int(nam_qt), int(thang_qt)
        else:
            when = row.get("ngay_ttoan") or row.get("ngay_ra")
            nam, thang = (int(when[:4]), int(when[4:6])) if when else (None, None)
        out[row.get("ma_lk")] = partition_of(nam, thang)
    return out
