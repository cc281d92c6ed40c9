"""The per-file work, in a worker process: each file of a batch in ONE pass, from the upload to staged files.

For every file of a :class:`BatchJob`, in upload order, :func:`decide_batch`:

1. reads the upload once from the inbox (local folder or its own SFTP connection), hashing it and copying it
   into the raw zone as it streams, keeping its bytes up to the size cap;
2. answers ``duplicate`` at no cost when the ledger (read-only) or an earlier file of the batch already holds
   those bytes; otherwise decides it (:func:`pipelines.decide.process.process_file`);
3. stages the batch's rows as Parquet (one file per table and settlement month), its ``ops.files`` rows, and
   its receipts (one JSON line per file) under ``<lake>/_staging/<run>/b<batch>/``.

It returns a small :class:`BatchResult` (per file: hash, status, accepted MA_LKs, codes). The run's main
process numbers the claim versions and commits the batch: nothing else happens per file outside the workers.
After the commit, :func:`deliver_batch` writes the receipts (with their versions) to the outboxes and moves
the originals, again in a worker.

A worker builds its context (registry, trust store, parsers, inbox connection) once per process.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipelines.common.errors import TransientError, raise_if_disk_full
from pipelines.common.failpoints import failpoint
from pipelines.common.files import make_dirs
from pipelines.common.settings import Settings
from pipelines.decide.normalize import Lineage, VersionedRows, to_batch_many
from pipelines.decide.process import Context, duplicate_receipt, process_file
from pipelines.landing import Inbox, InboxEntry, open_inbox, read_raw, take_upload
from pipelines.run.lake import COMPRESSION, StagedWriter, partition_of, staging_dir
from pipelines.run.ledger import LedgerReader, Original
from pipelines.warehouse.ops import FileRow, conformance_table, files_table

#: files whose rows are turned into Arrow together (per file it would cost more than the typing)
ARROW_FILES = 32


@dataclass(frozen=True)
class Where:
    """What a worker works on: the landing root, the lake, the trust directory and the settings."""

    landing: str
    lake: str
    trust: str
    settings: Settings


@dataclass(frozen=True)
class Redecide:
    """A file decided again from its raw-zone copy (``reprocess``, ``rebuild``), not read from the inbox:
    its bytes, and when it was first received (a signature's validity is judged at receipt time)."""

    sha256: str
    received_at: str  # ISO-8601, as the ledger recorded it


@dataclass(frozen=True)
class BatchJob:
    run_id: str
    batch: int
    #: (arrival id, the inbox entry), in upload order
    entries: list[tuple[int, InboxEntry]]
    #: arrival id → its raw-zone copy, for a batch decided again (no duplicate check: the bytes are known)
    redecide: dict[int, Redecide] | None = None

    @property
    def name(self) -> str:
        return f"{self.run_id}-b{self.batch:05d}"

    @property
    def receipts_rel(self) -> str:
        return f"receipts/{self.run_id}/b{self.batch:05d}.jsonl"


@dataclass
class FileOutcome:
    """One file of a batch, as the commit needs it (no receipt text: that is staged)."""

    arrival_id: int
    macskcb: str
    file_name: str
    size: int
    mtime: float
    sha256: str
    received_at: str
    status: str
    accepted: list[str]  # MA_LK of the accepted claims
    codes: list[str]  # the receipt's error and warning codes
    claims_rejected: int
    internal: bool  # SYS.INTERNAL: our failure, so the content is decided again next time
    seconds: float
    line: int  # its receipt's line in the batch's receipts file


@dataclass
class BatchResult:
    job: BatchJob
    files: list[FileOutcome]
    staged: list[tuple[str, str, int]]  # (path relative to the lake, table, rows) under the staging folder
    rows: dict[str, int] = field(default_factory=dict)
    pid: int = 0
    seconds: float = 0.0


def staging_of(lake: Path, job: BatchJob) -> Path:
    return staging_dir(lake, job.run_id, job.batch)


# -- the worker's context ----------------------------------------------------------------------------------
@dataclass
class _Worker:
    where: Where
    ctx: Context
    ledger: LedgerReader | None = None
    _inbox: Inbox | None = None

    @property
    def lake(self) -> Path:
        return Path(self.where.lake)

    def inbox(self) -> Inbox:
        if self._inbox is None:
            s = self.where.settings
            self._inbox = open_inbox(self.where.landing, known_hosts=s.sftp_known_hosts, key_file=s.sftp_key)
        return self._inbox

    def drop_inbox(self) -> None:
        if self._inbox is not None:
            try:
                self._inbox.close()
            except Exception:  # noqa: BLE001, S110 - a broken connection may fail to close; drop it anyway
                pass
            self._inbox = None

    def contents(self) -> LedgerReader:
        if self.ledger is None:
            self.ledger = LedgerReader(self.lake / "ledger.sqlite")
        return self.ledger


_WORKER: _Worker | None = None


def init_worker(where: Where) -> None:
    """Build this process's context (registry, trust store, parsers) once, before any file."""
    global _WORKER
    if _WORKER is not None:
        _WORKER.drop_inbox()
    _WORKER = _Worker(where, Context.create(Path(where.trust), where.settings))


def close_worker() -> None:
    """Close this process's connections (the pool calls it when the work is done in this process)."""
    global _WORKER
    if _WORKER is not None:
        _WORKER.drop_inbox()
        if _WORKER.ledger is not None:
            _WORKER.ledger.close()
        _WORKER = None


def _worker(where: Where | None = None) -> _Worker:
    """The context of this process; a process the local pool did not start (a Dask worker) builds it on
    first use and keeps it for the next batches."""
    if where is not None and (_WORKER is None or _WORKER.where != where):
        init_worker(where)
    if _WORKER is None:
        raise RuntimeError("init_worker was not called in this process")
    return _WORKER


def _point(name: str, where: str) -> None:
    try:
        failpoint(name)
    except OSError as exc:
        raise_if_disk_full(exc, where)
        raise


# -- deciding a batch --------------------------------------------------------------------------------------
def decide_batch(job: BatchJob, where: Where | None = None) -> BatchResult:
    """Every file of the batch in one pass each; see the module's docstring. A transient failure (the inbox
    unreachable) fails the whole batch, which is then run again from the start: nothing is committed yet."""
    w = _worker(where)
    started = time.perf_counter()
    try:
        return _decide_batch(w, job, started)
    except TransientError:
        w.drop_inbox()
        raise


def _decide_batch(w: _Worker, job: BatchJob, started: float) -> BatchResult:
    lake, settings, ctx = w.lake, w.where.settings, w.ctx
    staging = staging_of(lake, job)
    if staging.exists():  # an earlier attempt of this batch (a retry after a transient failure)
        shutil.rmtree(staging)
    try:
        make_dirs(staging)
    except OSError as exc:
        raise_if_disk_full(exc, "the lake's staging area")
        raise
    writer = StagedWriter(staging, job.name)
    raw_zone = lake / "raw"
    seen: dict[str, Original] = {}
    outcomes: list[FileOutcome] = []
    lines: list[str] = []
    ops_rows: list[FileRow] = []
    grouped: dict[tuple[str, str], list[tuple[VersionedRows, Lineage]]] = defaultdict(list)
    pending = 0
    rows_by_table: dict[str, int] = defaultdict(int)
    for arrival_id, entry in job.entries:
        t0 = time.perf_counter()
        redo = job.redecide.get(arrival_id) if job.redecide else None
        if redo is None:
            received = datetime.now(UTC)
            upload = take_upload(raw_zone, w.inbox(), entry, settings.max_file_bytes)
        else:  # decided again: read back from the raw zone, as received then
            received = datetime.fromisoformat(redo.received_at)
            upload = read_raw(raw_zone, redo.sha256, settings.max_file_bytes)
        _point("worker:raw", "the raw zone")
        received_at = received.isoformat()
        original = (
            None
            if redo is not None
            else seen.get(upload.sha256) or w.contents().contents_of([upload.sha256]).get(upload.sha256)
        )
        if original is not None:
            receipt = duplicate_receipt(
                entry.name, upload.sha256, entry.macskcb, received_at, original.as_receipt()
            )
        else:
            result = process_file(
                upload.head,
                file_name=entry.name,
                folder_macskcb=entry.macskcb,
                received_at=received,
                ctx=ctx,
                sha256=upload.sha256,
            )
            receipt = result.receipt
            if result.rows and result.lineage is not None:
                periods = claim_periods(result.rows.get("XML1", []))  # none: a stand-alone XML12 message
                for lh, rows in result.rows.items():
                    by_period: dict[str, VersionedRows] = defaultdict(list)
                    for row in rows:
                        by_period[periods.get(row[0].get("ma_lk") or "", partition_of(None, None))].append(
                            row
                        )
                    for period, part in by_period.items():
                        grouped[(lh, period)].append((part, result.lineage))
                        rows_by_table[lh] += len(part)
                pending += 1
            seen[upload.sha256] = Original(arrival_id, entry.name, received_at, receipt["status"])
        status: str = receipt["status"]
        codes = [e["code"] for e in receipt.get("errors", [])]
        claims = receipt.get("claims", [])
        outcomes.append(
            FileOutcome(
                arrival_id=arrival_id,
                macskcb=entry.macskcb,
                file_name=entry.name,
                size=upload.size,
                mtime=entry.mtime,
                sha256=upload.sha256,
                received_at=received_at,
                status=status,
                accepted=[c["ma_lk"] for c in claims if c["status"] == "accepted"],
                codes=codes,
                claims_rejected=sum(c["status"] == "rejected" for c in claims),
                internal="SYS.INTERNAL" in codes,
                seconds=time.perf_counter() - t0,
                line=len(lines),
            )
        )
        lines.append(json.dumps(receipt, ensure_ascii=False))
        ops_rows.append(
            (
                arrival_id,
                entry.macskcb,
                entry.name,
                upload.size,
                upload.sha256,
                received_at,
                status,
                receipt,
                job.run_id,
            )
        )
        if pending >= ARROW_FILES:
            _stage_rows(writer, ctx, grouped)
            pending = 0
    _stage_rows(writer, ctx, grouped)
    try:
        writer.write_stream(f"ops/files/{job.name}.parquet", "ops.files", [files_table(ops_rows)])
        conformance = conformance_table(ops_rows)  # STD.* warnings of accepted claims, for review.findings
        parts = [conformance] if conformance.num_rows else []
        writer.write_stream(f"ops/conformance/{job.name}.parquet", "ops.conformance", parts)
        staged = writer.finish()
        _point("worker:part", "the lake's staging area")
        receipts = staging / job.receipts_rel
        make_dirs(receipts.parent)
        receipts.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        staged.append((job.receipts_rel, "receipts", len(lines)))
        _point("worker:receipts", "the lake's staging area")
        os.sync()  # the raw copies and the staged files are on disk before the main process commits them
    except OSError as exc:
        raise_if_disk_full(exc, "the lake's staging area")
        raise
    return BatchResult(job, outcomes, staged, dict(rows_by_table), os.getpid(), time.perf_counter() - started)


def _stage_rows(
    writer: StagedWriter, ctx: Context, grouped: dict[tuple[str, str], list[tuple[VersionedRows, Lineage]]]
) -> None:
    """Arrow once per (table, month) for the files gathered so far, then into the batch's Parquet."""
    try:
        for (lh, period), files in grouped.items():
            writer.add(lh, period, to_batch_many(ctx.registry, lh, files))
    except OSError as exc:
        raise_if_disk_full(exc, "the lake's staging area")
        raise
    grouped.clear()


def claim_periods(xml1_rows: VersionedRows) -> dict[str, str]:
    """MA_LK → settlement-month partition: XML1's NAM_QT/THANG_QT, else the payment or discharge date."""
    out: dict[str, str] = {}
    for row, _ in xml1_rows:  # validated text: NAM_QT 4 digits, THANG_QT 1-2, dates yyyyMMddHHmm
        nam_text, thang_text = row.get("nam_qt"), row.get("thang_qt")
        nam: int | None
        thang: int | None
        if nam_text and thang_text:
            nam, thang = int(nam_text), int(thang_text)
        else:
            when = row.get("ngay_ttoan") or row.get("ngay_ra")
            nam, thang = (int(when[:4]), int(when[4:6])) if when else (None, None)
        out[row.get("ma_lk") or ""] = partition_of(nam, thang)
    return out


def as_duplicates(lake: Path, result: BatchResult, originals: dict[str, Original]) -> BatchResult:
    """The batch with its files whose bytes an earlier batch of the night committed first turned into
    duplicates: their receipts say so, their ``ops.files`` rows too, and their rows leave the staged tables.
    (Two batches decided at the same time cannot see each other; the commit, in upload order, can. Rare: the
    same bytes uploaded twice in one night.)"""
    job = result.job
    staging = staging_of(lake, job)
    drop = {f.sha256 for f in result.files if f.status != "duplicate" and f.sha256 in originals}
    if not drop:
        return result
    receipts_path = staging / job.receipts_rel
    lines = receipts_path.read_text(encoding="utf-8").splitlines()
    for f in result.files:
        if f.sha256 in drop:
            receipt = duplicate_receipt(
                f.file_name, f.sha256, f.macskcb, f.received_at, originals[f.sha256].as_receipt()
            )
            lines[f.line] = json.dumps(receipt, ensure_ascii=False)
            f.status, f.accepted, f.codes, f.claims_rejected, f.internal = "duplicate", [], [], 0, False
    receipts_path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    staged: list[tuple[str, str, int]] = []
    for rel, table, rows in result.staged:
        path = staging / rel
        if table == "ops.files":
            data = files_table(
                (
                    f.arrival_id,
                    f.macskcb,
                    f.file_name,
                    f.size,
                    f.sha256,
                    f.received_at,
                    f.status,
                    json.loads(lines[f.line]),
                    job.run_id,
                )
                for f in result.files
            )
            pq.write_table(data, path, compression=COMPRESSION)
        elif table not in ("receipts",):
            data = pq.read_table(path)
            data = data.filter(pc.invert(pc.is_in(data["source_sha256"], pa.array(sorted(drop)))))
            if data.num_rows == 0:
                path.unlink()
                continue
            pq.write_table(data, path, compression=COMPRESSION)
            rows = data.num_rows
        staged.append((rel, table, rows))
    result.staged = staged
    return result


# -- delivering receipts -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Receipt:
    """Where a committed receipt is and the versions its accepted claims got."""

    arrival_id: int
    receipt_json: str | None  # ledgers of the earlier design kept the receipt itself
    receipt_path: str | None  # else: a line of a receipts file in the lake
    receipt_line: int | None
    versions: dict[str, int]


@dataclass(frozen=True)
class Delivery:
    """One receipt to deliver, and the original to move if it is still the same upload."""

    receipt: Receipt
    macskcb: str
    name: str
    size: int
    mtime: float
    sha256: str
    status: str
    #: earlier receipts of the same name to keep under a name of their own first
    earlier: tuple[Receipt, ...] = ()


@dataclass
class Delivered:
    done: list[tuple[int, str, str | None]]  # (arrival_id, receipt name, where the original went)
    renamed: list[tuple[int, str]]  # (arrival_id, the name its earlier receipt is kept under)


def deliver_batch(items: list[Delivery], where: Where | None = None) -> Delivered:
    """Receipts to the outboxes (with their claims' versions) and originals to archive/ or rejected/."""
    w = _worker(where)
    try:
        return _deliver(w, items)
    except TransientError:
        w.drop_inbox()
        raise


def _deliver(w: _Worker, items: list[Delivery]) -> Delivered:
    inbox = w.inbox()
    files: dict[str, list[str]] = {}
    out = Delivered([], [])
    try:
        for item in items:
            _deliver_one(w, inbox, item, files, out)
        os.sync()  # receipts and moves on disk before the ledger records them as delivered
    except OSError as exc:
        raise_if_disk_full(exc, "the outboxes")
        raise
    return out


def _deliver_one(
    w: _Worker, inbox: Inbox, item: Delivery, files: dict[str, list[str]], out: Delivered
) -> None:
    for earlier in item.earlier:
        alt = f"{item.name}.{earlier.arrival_id}.receipt.json"
        inbox.write_receipt(item.macskcb, alt, render_receipt(w.lake, earlier, files))
        out.renamed.append((earlier.arrival_id, alt))
    contract_name = f"{item.name}.receipt.json"
    inbox.write_receipt(item.macskcb, contract_name, render_receipt(w.lake, item.receipt, files))
    _point("deliver:receipt", "the outboxes")
    moved = None
    current = inbox.entry(item.macskcb, item.name)
    # the same upload still there: same size and mtime as when it was read (hashing again only when they
    # differ, which is rare: reading every upload twice would double the night's I/O)
    same = current is not None and (
        (current.size, current.mtime) == (item.size, item.mtime)
        or inbox.sha256(item.macskcb, item.name) == item.sha256
    )
    if same:
        destination = "rejected" if item.status == "rejected" else "archive"
        used = inbox.move(
            item.macskcb, item.name, destination, alternative=f"{item.receipt.arrival_id}-{item.name}"
        )
        moved = f"{destination}/{used}"
    out.done.append((item.receipt.arrival_id, contract_name, moved))


def render_receipt(lake: Path, receipt: Receipt, cache: dict[str, list[str]]) -> bytes:
    """The receipt as the facility gets it: the decision, with the versions its accepted claims got."""
    if receipt.receipt_json is not None:
        data: dict[str, Any] = json.loads(receipt.receipt_json)
    else:
        if receipt.receipt_path is None or receipt.receipt_line is None:
            raise ValueError(f"arrival {receipt.arrival_id} has no receipt in the ledger")
        if receipt.receipt_path not in cache:
            cache.clear()  # one batch's file at a time: memory stays flat
            cache[receipt.receipt_path] = (
                (lake / receipt.receipt_path).read_text(encoding="utf-8").splitlines()
            )
        data = json.loads(cache[receipt.receipt_path][receipt.receipt_line])
    for claim in data.get("claims", []):
        if claim.get("status") == "accepted" and claim.get("ma_lk") in receipt.versions:
            claim["version"] = receipt.versions[claim["ma_lk"]]
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
