"""One nightly run, as plain steps the Prefect flow composes (this module does not import Prefect).

    open      lock the lake, undo what a dead run left (staging, unlisted Parquet, undecided decisions),
              deliver receipts a dead run committed but did not deliver
    intake    settled inbox files → raw zone (by SHA-256) → ledger arrivals            (retried: I/O)
    decide    batches of arrivals through the process pool; duplicates cost nothing;
              claim versions numbered; rows staged as Parquet
    publish   staged Parquet renamed into the lake, then ONE ledger transaction makes the run real
    answer    receipts to outboxes, originals to archive/ or rejected/                (retried: I/O)
    serve     a new DuckDB warehouse, checked, swapped in atomically (pipelines.warehouse)

A crash anywhere before the ledger commit leaves nothing visible and the next run decides the same files
again (their bytes are already in the raw zone); a crash after it leaves only undelivered receipts, which
the next run's ``open`` delivers.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import socket
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from pipelines import worker
from pipelines.errors import ConfigurationError, TerminalError
from pipelines.failpoints import failpoint
from pipelines.intake import Inbox, chunks, keep_raw_from, open_inbox, raw_path, settled
from pipelines.lake import StagedWriter, clear_staging, publish, remove_orphans
from pipelines.ledger import Arrival, Ledger
from pipelines.process import duplicate_receipt
from pipelines.settings import Settings

log = logging.getLogger(__name__)

STATUSES = ("accepted", "partially_accepted", "rejected", "duplicate")


def new_run_id(now: datetime) -> str:
    return now.strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]


_HELD: dict[str, list[int]] = {}  # lock path -> [fd, holders] for locks this process holds


class RunLock:
    """One run at a time per lake: an exclusive, non-blocking ``flock`` on ``<lake>/.lock``.

    Re-entrant within a process (the CLI takes it before starting the flow, whose ``open`` takes it again);
    released when the last holder releases it, or by the kernel when the process dies.
    """

    def __init__(self, lake: Path) -> None:
        self.path = lake / ".lock"
        self.held = False

    def acquire(self) -> None:
        key = str(self.path.resolve())
        if key in _HELD:
            _HELD[key][1] += 1
            self.held = True
            return
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o640)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode(errors="replace").strip()
            os.close(fd)
            raise RunInProgress(
                f"another run is in progress ({holder or 'holder unknown'}); nothing was changed. Wait for "
                f"it to finish: the lock on {self.path} is released when that process ends, even by a crash",
                stage="open",
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(
            fd,
            f"pid {os.getpid()} on {socket.gethostname()} since {datetime.now(UTC):%Y-%m-%d %H:%M}Z".encode(),
            0,
        )
        _HELD[key] = [fd, 1]
        self.held = True

    def release(self) -> None:
        if not self.held:
            return
        self.held = False
        key = str(self.path.resolve())
        entry = _HELD.get(key)
        if entry is None:
            return
        entry[1] -= 1
        if entry[1] == 0:
            del _HELD[key]
            os.close(entry[0])


class RunInProgress(TerminalError):
    """A second run was started while one holds the lake (exit code 3, so schedulers can tell it apart)."""

    exit_code = 3


@dataclass
class Tally:
    """Per-facility counts for the run report."""

    by_facility: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    codes: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    claims: Counter = field(default_factory=Counter)
    rows: Counter = field(default_factory=Counter)
    bytes_in: int = 0
    worker_seconds: float = 0.0
    worker_pids: set[int] = field(default_factory=set)

    def add(self, macskcb: str, receipt: dict[str, Any]) -> None:
        self.by_facility[macskcb]["received"] += 1
        self.by_facility[macskcb][receipt["status"]] += 1
        for err in receipt.get("errors", []):
            self.codes[macskcb][err["code"]] += 1
        for claim in receipt.get("claims", []):
            self.claims[claim["status"]] += 1

    def totals(self) -> Counter:
        out: Counter = Counter()
        for counts in self.by_facility.values():
            out.update(counts)
        return out


class WorkerPool:
    """The process pool the decide step runs on (``workers`` ≤ 1: in this process, for small runs)."""

    def __init__(self, trust: Path, settings: Settings, workers: int) -> None:
        self.workers = workers
        self.executor: ProcessPoolExecutor | None = None
        if workers > 1:
            self.executor = ProcessPoolExecutor(
                max_workers=workers,
                mp_context=get_context("spawn"),
                initializer=worker.init_worker,
                initargs=(str(trust), settings),
            )
            # start the workers now (spawn + registry + trust store take a second or two) so that they
            # are ready by the time intake has finished
            for _ in range(workers):
                self.executor.submit(os.getpid)
        else:
            worker.init_worker(str(trust), settings)

    def map(self, jobs: list[worker.Job], chunk_files: int = 32) -> Iterator[worker.Chunk]:
        """Chunks of files, decided in order (so versions are numbered in upload order)."""
        size = max(1, min(chunk_files, -(-len(jobs) // max(1, self.workers))))
        chunks_ = [jobs[i : i + size] for i in range(0, len(jobs), size)]
        if self.executor is None:
            return map(worker.decide_chunk, chunks_)
        return self.executor.map(worker.decide_chunk, chunks_)

    def close(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
            self.executor = None

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass
class Night:
    """The state of one run; each public method is one step of the flow."""

    landing: str
    lake: Path
    warehouse: Path
    trust: Path
    settings: Settings
    run_id: str = ""
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    tally: Tally = field(default_factory=Tally)
    timings: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    ledger: Ledger | None = None
    lock: RunLock | None = None
    writer: StagedWriter | None = None
    _inbox: Inbox | None = None
    _latest: dict[tuple[str, str], int] = field(default_factory=dict)
    _seen: dict[str, dict[str, Any]] = field(default_factory=dict)
    _versions: list[tuple] = field(default_factory=list)
    left_in_flight: int = 0
    committed: bool = False
    _t0: float = field(default_factory=time.perf_counter)

    # -- helpers -----------------------------------------------------------------------------------------
    @property
    def analytics_path(self) -> Path:
        if self.settings.analytics_warehouse:
            return Path(self.settings.analytics_warehouse)
        suffix = self.warehouse.suffix or ".duckdb"
        return self.warehouse.with_name(f"{self.warehouse.stem}-analytics{suffix}")

    @property
    def raw_zone(self) -> Path:
        return self.lake / "raw"

    def _timed(self, step: str, started: float) -> None:
        self.timings[step] = self.timings.get(step, 0.0) + time.perf_counter() - started

    def inbox(self) -> Inbox:
        if self._inbox is None:
            self._inbox = open_inbox(
                self.landing, known_hosts=self.settings.sftp_known_hosts, key_file=self.settings.sftp_key
            )
        return self._inbox

    def drop_inbox(self) -> None:
        """Forget the connection (after a transient error the retry opens a fresh one)."""
        if self._inbox is not None:
            try:
                self._inbox.close()
            except Exception as exc:  # noqa: BLE001 - a broken connection may fail to close; drop it anyway
                log.debug("closing the inbox connection failed: %s", exc)
            self._inbox = None

    # -- open --------------------------------------------------------------------------------------------
    def open(self) -> dict[str, int]:
        started = time.perf_counter()
        if not self.trust.is_dir():
            raise ConfigurationError(f"trust directory {self.trust} does not exist", stage="open")
        self.lake.mkdir(parents=True, exist_ok=True, mode=0o750)
        os.chmod(self.lake, 0o750)  # noqa: S103 - owner and group (the reviewers' group), nobody else
        self.lock = RunLock(self.lake)
        self.lock.acquire()
        self.ledger = Ledger(self.lake / "ledger.sqlite")
        os.chmod(self.lake / "ledger.sqlite", 0o640)
        repaired = self.ledger.recover()
        repaired["staging"] = clear_staging(self.lake)
        for partial in self.raw_zone.glob(".incoming.*"):  # a copy into the raw zone a kill interrupted
            partial.unlink()
            repaired["staging"] += 1
        repaired["orphans"] = len(remove_orphans(self.lake, self.ledger.all_part_paths()))
        self.run_id = new_run_id(self.started_at)
        self.ledger.start_run(self.run_id, self.started_at.isoformat(), _safe_landing(self.landing))
        self.writer = StagedWriter(self.lake, self.run_id)
        if any(repaired.values()):
            self.notes.append(
                "repaired what an interrupted run left: "
                + ", ".join(f"{v} {k}" for k, v in repaired.items() if v)
            )
        self._timed("open", started)
        return repaired

    # -- intake ------------------------------------------------------------------------------------------
    def intake(self) -> int:
        """Take settled inbox files into the raw zone and the ledger; returns how many arrivals wait."""
        started = time.perf_counter()
        inbox = self.inbox()
        ready, self.left_in_flight = settled(inbox, self.settings.settle_seconds)
        waiting = self.ledger.waiting()
        new_rows = []
        for entry in ready:
            if (entry.macskcb, entry.name, entry.size, entry.mtime) in waiting:
                continue  # taken in by a run that died before deciding it; its bytes are in the raw zone
            sha, size = keep_raw_from(self.raw_zone, inbox, entry)
            self.tally.bytes_in += size
            new_rows.append(
                (entry.macskcb, entry.name, entry.size, entry.mtime, sha, datetime.now(UTC).isoformat())
            )
            if len(new_rows) >= 500 or (len(new_rows) >= 5 and os.environ.get("BHYT_FAILPOINT")):
                os.sync()  # the raw copies are on disk before the ledger says so
                self.ledger.add_arrivals(new_rows)
                new_rows = []
                failpoint("intake:stored")
        os.sync()
        self.ledger.add_arrivals(new_rows)
        self._timed("intake", started)
        return len(self.ledger.undecided())

    # -- decide ------------------------------------------------------------------------------------------
    def batches(self, size: int) -> list[list[Arrival]]:
        return list(chunks(self.ledger.undecided(), size))

    def decide(self, batch: list[Arrival], pool: WorkerPool) -> Counter:
        """Decide one batch on the local process pool."""
        jobs, duplicates = self.prepare(batch)
        return self.absorb(batch, duplicates, pool.map(jobs))

    def prepare(self, batch: list[Arrival]) -> tuple[list[worker.Job], list[tuple[int, str, dict[str, Any]]]]:
        """Split a batch into work for the workers and duplicates, which are decided here at no cost."""
        duplicates: list[tuple[int, str, dict[str, Any]]] = []
        jobs: list[worker.Job] = []
        for a in batch:
            original = self._seen.get(a.sha256) or self.ledger.first_arrival_of(a.sha256)
            if original is not None:
                receipt = duplicate_receipt(a.file_name, a.sha256, a.macskcb, a.received_at, original)
                duplicates.append((a.arrival_id, "duplicate", receipt))
                continue
            self._seen[a.sha256] = {
                "arrival_id": a.arrival_id,
                "file": a.file_name,
                "received_at": a.received_at,
            }
            path = str(raw_path(self.raw_zone, a.sha256))
            jobs.append(worker.Job(a.arrival_id, path, a.file_name, a.macskcb, a.received_at))
        return jobs, duplicates

    def absorb(
        self,
        batch: list[Arrival],
        duplicates: list[tuple[int, str, dict[str, Any]]],
        chunks: Iterable[worker.Chunk],
    ) -> Counter:
        """Take the workers' results in upload order: number versions, stage rows, record receipts."""
        started = time.perf_counter()
        by_id = {a.arrival_id: a for a in batch}
        decided = list(duplicates)
        for aid, _, receipt in duplicates:
            self.tally.add(by_id[aid].macskcb, receipt)
        for chunk in chunks:
            self.tally.worker_pids.add(chunk.pid)
            for d in chunk.decisions:
                a = by_id[d.arrival_id]
                self._seen[a.sha256]["status"] = d.receipt["status"]
                self._number_versions(a, d)
                self.tally.add(a.macskcb, d.receipt)
                self.tally.worker_seconds += d.seconds
                decided.append((a.arrival_id, d.receipt["status"], d.receipt))
            for lh, partition, rows in chunk.parts:
                self.writer.add(lh, partition, rows)
                self.tally.rows[lh] += rows.num_rows
        decided.sort(key=lambda d: d[0])
        self.ledger.record_decisions(self.run_id, decided)
        self.ledger.add_versions(self._versions)
        self._versions = []
        failpoint("decide:batch")
        self._timed("decide", started)
        return Counter(status for _, status, _ in decided)

    def _number_versions(self, a: Arrival, d: worker.Decision) -> None:
        accepted = [c for c in d.receipt["claims"] if c["status"] == "accepted"]
        keys = [(a.macskcb, c["ma_lk"]) for c in accepted]
        unknown = [k for k in keys if k not in self._latest]
        if unknown:
            self._latest.update(self.ledger.latest_versions(unknown))
        for claim, key in zip(accepted, keys, strict=True):
            self._latest[key] += 1
            claim["version"] = self._latest[key]
            self._versions.append((*key, claim["version"], a.sha256, a.arrival_id, self.run_id))

    # -- publish -----------------------------------------------------------------------------------------
    def publish(self) -> int:
        """Make the run real: staged files into place, then one ledger transaction. Returns files done."""
        started = time.perf_counter()
        from pipelines.warehouse import claim_versions_table, files_table

        self.writer.write_stream(
            f"ops/files/{self.run_id}.parquet",
            "ops.files",
            (
                files_table(rows, self.run_id)
                for rows in chunks(self.ledger.arrivals_of_run(self.run_id), 20000)
            ),
        )
        self.writer.write_stream(
            f"ops/claim_versions/{self.run_id}.parquet",
            "core.claim_versions",
            (claim_versions_table(rows) for rows in chunks(self.ledger.versions_of_run(self.run_id), 50000)),
        )
        staged = self.writer.finish()
        placed = publish(self.lake, self.run_id, staged)
        failpoint("publish:renamed")
        n = self.ledger.commit_run(self.run_id, placed)
        failpoint("publish:committed")
        self.committed = True
        self._timed("publish", started)
        return n

    # -- answer ------------------------------------------------------------------------------------------
    def answer(self) -> int:
        """Deliver every committed, undelivered receipt and move its original; returns how many."""
        started = time.perf_counter()
        inbox = self.inbox()
        n = 0
        done: list[tuple[int, str, str | None]] = []
        for arrival_id, macskcb, name, size, mtime, sha, status, receipt_json in self.ledger.to_answer():
            contract_name = f"{name}.receipt.json"
            for earlier_id, earlier_receipt in self.ledger.earlier_answered(macskcb, name, arrival_id):
                # the same file name was sent before: keep that receipt under a name of its own
                alt = f"{name}.{earlier_id}.receipt.json"
                inbox.write_receipt(macskcb, alt, _receipt_bytes(earlier_receipt))
                self.ledger.mark_receipt_renamed(earlier_id, alt)
            inbox.write_receipt(macskcb, contract_name, _receipt_bytes(receipt_json))
            moved = None
            current = inbox.entry(macskcb, name)
            # the same upload still there: same size and mtime as at intake (hashing again only when they
            # differ, which is rare: reading every upload twice would double the night's I/O)
            same = current is not None and (
                (current.size, current.mtime) == (size, mtime) or inbox.sha256(macskcb, name) == sha
            )
            if same:
                destination = "rejected" if status == "rejected" else "archive"
                used = inbox.move(macskcb, name, destination, alternative=f"{arrival_id}-{name}")
                moved = f"{destination}/{used}"
            done.append((arrival_id, contract_name, moved))
            n += 1
            if len(done) >= 200 or (n == 3 and os.environ.get("BHYT_FAILPOINT")):
                self._answered(done)
                done = []
                failpoint("answer:some")
        self._answered(done)
        self._timed("answer", started)
        return n

    def _answered(self, done: list[tuple[int, str, str | None]]) -> None:
        """Receipts and moves of a batch are on disk (one sync), then the ledger records them (one commit).
        A crash before the commit delivers the batch again: the same receipts, nothing left to move."""
        if done:
            os.sync()
            self.ledger.mark_answered_many(done)

    # -- serve -------------------------------------------------------------------------------------------
    def serve(self) -> dict[str, Any]:
        from pipelines.analytics import build_analytics, pseudonym_key
        from pipelines.warehouse import build_warehouse, derived_builders

        started = time.perf_counter()
        self.finish("committed")
        key = pseudonym_key(self.settings.pseudonym_key, self.lake)
        info = build_warehouse(
            self.lake,
            self.ledger,
            self.warehouse,
            run_id=self.run_id,
            key=key,
            reference=self.settings.reference,
        )
        self._timed("serve", started)
        started = time.perf_counter()
        info["analytics"] = build_analytics(
            self.warehouse,
            self.analytics_path,
            key=key,
            run_id=self.run_id,
            derived=derived_builders(),
        )
        self._timed("analytics", started)
        self.finish("committed")
        return info

    # -- end ---------------------------------------------------------------------------------------------
    def summary(self) -> dict[str, Any]:
        totals = self.tally.totals()
        return {
            "run_id": self.run_id,
            "files": {s: totals.get(s, 0) for s in ("received", *STATUSES)},
            "claims": dict(self.tally.claims),
            "rows": dict(self.tally.rows),
            "bytes": self.tally.bytes_in,
            "left_in_flight": self.left_in_flight,
            "worker_processes": len(self.tally.worker_pids),
            "worker_seconds": round(self.tally.worker_seconds, 3),
            "seconds": {k: round(v, 3) for k, v in self.timings.items()},
            "elapsed": round(time.perf_counter() - self._t0, 3),
            "notes": self.notes,
        }

    def finish(self, state: str) -> None:
        if self.ledger is not None and self.run_id:
            self.ledger.finish_run(self.run_id, datetime.now(UTC).isoformat(), self.summary(), state)

    def close(self) -> None:
        self.drop_inbox()
        if self.ledger is not None:
            self.ledger.close()
            self.ledger = None
        if self.lock is not None:
            self.lock.release()


def _receipt_bytes(receipt_json: str) -> bytes:
    return (json.dumps(json.loads(receipt_json), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _safe_landing(landing: str) -> str:
    """The landing root for the record, without any password an URL might carry."""
    if "://" in landing and "@" in landing:
        scheme, rest = landing.split("://", 1)
        userinfo, host = rest.split("@", 1)
        return f"{scheme}://{userinfo.split(':', 1)[0]}@{host}"
    return landing


def run_steps(
    night: Night, *, batch_size: int, step: Callable[[str, Callable[[], Any]], Any] | None = None
) -> dict:
    """The whole night without Prefect (the flow does the same through tasks); used by tests and tools."""
    step = step or (lambda _name, fn: fn())
    try:
        step("open", night.open)
        step("answer-left", night.answer)
        with WorkerPool(night.trust, night.settings, night.settings.resolved_workers) as pool:
            step("intake", night.intake)
            for batch in night.batches(batch_size):
                step("decide", lambda b=batch: night.decide(b, pool))
        step("publish", night.publish)
        step("answer", night.answer)
        step("serve", night.serve)
        return night.summary()
    except BaseException:
        night.finish("failed")
        raise
    finally:
        night.close()
