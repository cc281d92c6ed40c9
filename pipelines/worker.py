"""The per-file work in a worker process: read the raw copy, decide, split the rows by settlement month.

A worker builds its :class:`~pipelines.process.Context` (registry, trust store, parsers) once, in
:func:`init_worker`; :func:`decide` is then called once per file. Only the arrival's id and raw path cross
the process boundary on the way in, and the receipt plus Arrow batches on the way out.
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from pipelines.lake import partition_of
from pipelines.process import Context, process_file
from pipelines.settings import Settings

_CONTEXT: Context | None = None


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
    parts: list[tuple[str, str, pa.RecordBatch]] = field(default_factory=list)  # (LOAIHOSO, partition, rows)
    seconds: float = 0.0
    pid: int = 0


def init_worker(trust_dir: str, settings: Settings) -> None:
    global _CONTEXT
    _CONTEXT = Context.create(Path(trust_dir), settings)


def context() -> Context:
    if _CONTEXT is None:
        raise RuntimeError("init_worker was not called in this process")
    return _CONTEXT


def decide(job: Job) -> Decision:
    import time

    started = time.perf_counter()
    raw = Path(job.raw_path).read_bytes()
    result = process_file(
        raw,
        file_name=job.file_name,
        folder_macskcb=job.macskcb,
        received_at=datetime.fromisoformat(job.received_at),
        ctx=context(),
    )
    parts = split_by_period(result.batches)
    return Decision(job.arrival_id, result.receipt, parts, time.perf_counter() - started, os.getpid())


def claim_periods(xml1: pa.RecordBatch) -> dict[str, str]:
    """MA_LK → settlement-month partition: XML1's NAM_QT/THANG_QT, else the payment or discharge date."""
    out = {}
    cols = {
        name: xml1.column(name).to_pylist()
        for name in ("ma_lk", "nam_qt", "thang_qt", "ngay_ttoan", "ngay_ra")
    }
    for i, ma_lk in enumerate(cols["ma_lk"]):
        nam, thang = cols["nam_qt"][i], cols["thang_qt"][i]
        if not nam or not thang:
            when = cols["ngay_ttoan"][i] or cols["ngay_ra"][i]
            nam, thang = (when.year, when.month) if when else (None, None)
        out[ma_lk] = partition_of(nam, thang)
    return out


def split_by_period(batches: dict[str, pa.RecordBatch]) -> list[tuple[str, str, pa.RecordBatch]]:
    if not batches:
        return []
    periods = claim_periods(batches["XML1"])
    distinct = set(periods.values())
    if len(distinct) == 1:
        (only,) = distinct
        return [(lh, only, b) for lh, b in batches.items()]
    out = []
    for lh, batch in batches.items():
        by_period: dict[str, list[str]] = defaultdict(list)
        for ma_lk, period in periods.items():
            by_period[period].append(ma_lk)
        for period, keys in by_period.items():
            mask = pc.is_in(batch.column("ma_lk"), value_set=pa.array(keys))
            part = batch.filter(mask)
            if part.num_rows:
                out.append((lh, period, part))
    return out
