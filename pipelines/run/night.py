"""One nightly run, as plain steps, and :func:`run_night`: the one place that says in which order they run.

    open          lock the lake, undo what a dead run left (staging, unlisted Parquet, undecided decisions)
    deliver-left  receipts a dead run committed but did not deliver                    (retried: I/O)
    intake        settled inbox files → raw zone (by SHA-256) → ledger arrivals           (retried: I/O)
    decide        batches of arrivals through the pool (local processes or Dask); duplicates cost nothing;
                  claim versions numbered in upload order; rows staged as Parquet
    publish       staged Parquet renamed into the lake, then ONE ledger transaction makes the run real
    deliver       receipts to outboxes, originals to archive/ or rejected/                (retried: I/O)
    serve         a new DuckDB warehouse with its marts, checked, swapped in; then the analytics copy

:func:`run_night` takes a ``step`` runner: :func:`plain_step` calls each step directly (tools and tests), the
Prefect flow (``pipelines.flows.nightly``) wraps each in a task. Either way the same steps run in the same
order with the same retries, and the pool (local or Dask) is chosen by the settings in one place.

A crash anywhere before the ledger commit leaves nothing visible and the next run decides the same files
again (their bytes are already in the raw zone); a crash after it leaves only undelivered receipts, which
the next run's ``deliver-left`` delivers.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol, TypeVar

import duckdb

from pipelines.common.errors import ConfigurationError, TransientError
from pipelines.common.failpoints import failpoint
from pipelines.common.files import chunks
from pipelines.common.settings import Settings
from pipelines.decide.process import duplicate_receipt
from pipelines.landing import Inbox, keep_raw_from, open_inbox, raw_path, settled
from pipelines.marts import COPIED_TABLES, build_marts, derived_builders
from pipelines.run import worker
from pipelines.run.lake import StagedWriter, clear_staging, publish, remove_orphans
from pipelines.run.ledger import Arrival, Ledger
from pipelines.run.lock import RunLock
from pipelines.run.pool import Pool, open_pool
from pipelines.warehouse.analytics import build_analytics
from pipelines.warehouse.build import build_warehouse
from pipelines.warehouse.identity import pseudonym_key
from pipelines.warehouse.ops import claim_versions_table, files_table

log = logging.getLogger(__name__)

STATUSES = ("accepted", "partially_accepted", "rejected", "duplicate")
#: waits before the retries of an I/O step that failed for a reason that may pass (an SFTP time-out)
RETRY_DELAYS = (10, 60, 300)

T = TypeVar("T")


def new_run_id(now: datetime) -> str:
    return now.strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]


@dataclass
class Tally:
    """Per-facility counts for the run report."""

    by_facility: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    codes: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    claims: Counter[str] = field(default_factory=Counter)
    rows: Counter[str] = field(default_factory=Counter)
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

    def totals(self) -> Counter[str]:
        out: Counter[str] = Counter()
        for counts in self.by_facility.values():
            out.update(counts)
        return out

    def facility_rows(self) -> list[dict[str, Any]]:
        """One row per facility: files received, by outcome, and its most frequent codes."""
        rows = []
        for macskcb in sorted(self.by_facility):
            counts = self.by_facility[macskcb]
            top = self.codes[macskcb].most_common(3)
            rows.append(
                {
                    "facility": macskcb,
                    "received": counts["received"],
                    **{s: counts[s] for s in STATUSES},
                    "top error codes": ", ".join(f"{code} ×{n}" for code, n in top) or "-",
                }
            )
        return rows


@dataclass(frozen=True)
class Night:
    """What a run works on: the landing root, the lake, the warehouse file, the trust directory, settings."""

    landing: str
    lake: Path
    warehouse: Path
    trust: Path
    settings: Settings

    @property
    def analytics_path(self) -> Path:
        if self.settings.analytics_warehouse:
            return Path(self.settings.analytics_warehouse)
        suffix = self.warehouse.suffix or ".duckdb"
        return self.warehouse.with_name(f"{self.warehouse.stem}-analytics{suffix}")

    @property
    def raw_zone(self) -> Path:
        return self.lake / "raw"

    def open(self) -> Run:
        """Lock the lake, repair what an interrupted run left, and start a run in the ledger."""
        started = time.perf_counter()
        if not self.trust.is_dir():
            raise ConfigurationError(f"trust directory {self.trust} does not exist", stage="open")
        self.lake.mkdir(parents=True, exist_ok=True, mode=0o750)
        os.chmod(self.lake, 0o750)  # noqa: S103 - owner and group (the reviewers' group), nobody else
        lock = RunLock(self.lake)
        lock.acquire()
        try:
            ledger = Ledger(self.lake / "ledger.sqlite")
        except BaseException:
            lock.release()
            raise
        os.chmod(self.lake / "ledger.sqlite", 0o640)
        repaired = ledger.recover()
        repaired["staging"] = clear_staging(self.lake)
        for partial in self.raw_zone.glob(".incoming.*"):  # a copy into the raw zone a kill interrupted
            partial.unlink()
            repaired["staging"] += 1
        repaired["orphans"] = len(remove_orphans(self.lake, ledger.all_part_paths()))
        started_at = datetime.now(UTC)
        run_id = new_run_id(started_at)
        ledger.start_run(run_id, started_at.isoformat(), _safe_landing(self.landing))
        run = Run(self, run_id, started_at, ledger, lock, StagedWriter(self.lake, run_id), repaired)
        if any(repaired.values()):
            run.notes.append(
                "repaired what an interrupted run left: "
                + ", ".join(f"{v} {k}" for k, v in repaired.items() if v)
            )
        run.timed("open", started)
        return run


@dataclass
class Run:
    """An open run (made by :meth:`Night.open`): the lock is held and the ledger open until :meth:`close`.
    Each public method is one step of :func:`run_night`."""

    night: Night
    run_id: str
    started_at: datetime
    ledger: Ledger
    lock: RunLock
    writer: StagedWriter
    repaired: dict[str, int]
    tally: Tally = field(default_factory=Tally)
    timings: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    left_in_flight: int = 0
    served: dict[str, Any] = field(default_factory=dict)
    _inbox: Inbox | None = None
    _latest: dict[tuple[str, str], int] = field(default_factory=dict)
    _seen: dict[str, dict[str, Any]] = field(default_factory=dict)
    _versions: list[tuple[str, str, int, str, int, str]] = field(default_factory=list)
    _t0: float = field(default_factory=time.perf_counter)

    @property
    def settings(self) -> Settings:
        return self.night.settings

    def timed(self, step: str, started: float) -> None:
        self.timings[step] = self.timings.get(step, 0.0) + time.perf_counter() - started

    def inbox(self) -> Inbox:
        if self._inbox is None:
            self._inbox = open_inbox(
                self.night.landing,
                known_hosts=self.settings.sftp_known_hosts,
                key_file=self.settings.sftp_key,
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

    # -- intake ------------------------------------------------------------------------------------------
    def intake(self) -> int:
        """Take settled inbox files into the raw zone and the ledger; returns how many arrivals wait."""
        started = time.perf_counter()
        try:
            inbox = self.inbox()
            ready, self.left_in_flight = settled(inbox, self.settings.settle_seconds)
            waiting = self.ledger.waiting()
            new_rows = []
            for entry in ready:
                if (entry.macskcb, entry.name, entry.size, entry.mtime) in waiting:
                    continue  # taken in by a run that died before deciding it; its bytes are in the raw zone
                sha, size = keep_raw_from(self.night.raw_zone, inbox, entry)
                self.tally.bytes_in += size
                new_rows.append(
                    (entry.macskcb, entry.name, entry.size, entry.mtime, sha, datetime.now(UTC).isoformat())
                )
                if len(new_rows) >= self.settings.intake_commit_every:
                    os.sync()  # the raw copies are on disk before the ledger says so
                    self.ledger.add_arrivals(new_rows)
                    new_rows = []
                    failpoint("intake:stored")
            os.sync()
            self.ledger.add_arrivals(new_rows)
        except TransientError:
            self.drop_inbox()
            raise
        self.timed("intake", started)
        return len(self.ledger.undecided())

    # -- decide ------------------------------------------------------------------------------------------
    def batches(self) -> list[list[Arrival]]:
        """The undecided arrivals in upload order, ``batch_size`` files a batch."""
        return list(chunks(self.ledger.undecided(), self.settings.batch_size))

    def decide(self, batch: list[Arrival], pool: Pool) -> dict[str, int]:
        """Decide one batch on the pool; returns the files of the batch by outcome."""
        jobs, duplicates = self.prepare(batch)
        return dict(self.absorb(batch, duplicates, pool.map(jobs) if jobs else iter(())))

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
            path = str(raw_path(self.night.raw_zone, a.sha256))
            jobs.append(worker.Job(a.arrival_id, path, a.file_name, a.macskcb, a.received_at))
        return jobs, duplicates

    def absorb(
        self,
        batch: list[Arrival],
        duplicates: list[tuple[int, str, dict[str, Any]]],
        results: Iterable[worker.Chunk],
    ) -> Counter[str]:
        """Take the workers' results in upload order: number versions, stage rows, record receipts."""
        started = time.perf_counter()
        by_id = {a.arrival_id: a for a in batch}
        decided = list(duplicates)
        for aid, _, receipt in duplicates:
            self.tally.add(by_id[aid].macskcb, receipt)
        for chunk in results:
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
        self.timed("decide", started)
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
        placed = publish(self.night.lake, self.run_id, staged)
        failpoint("publish:renamed")
        n = self.ledger.commit_run(self.run_id, placed)
        failpoint("publish:committed")
        self.timed("publish", started)
        return n

    # -- deliver -----------------------------------------------------------------------------------------
    def deliver(self) -> int:
        """Deliver every committed, undelivered receipt and move its original; returns how many."""
        started = time.perf_counter()
        n = 0
        try:
            inbox = self.inbox()
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
                # the same upload still there: same size and mtime as at intake (hashing again only when
                # they differ, which is rare: reading every upload twice would double the night's I/O)
                same = current is not None and (
                    (current.size, current.mtime) == (size, mtime) or inbox.sha256(macskcb, name) == sha
                )
                if same:
                    destination = "rejected" if status == "rejected" else "archive"
                    used = inbox.move(macskcb, name, destination, alternative=f"{arrival_id}-{name}")
                    moved = f"{destination}/{used}"
                done.append((arrival_id, contract_name, moved))
                n += 1
                if len(done) >= self.settings.answer_commit_every:
                    self._delivered(done)
                    done = []
                    failpoint("answer:some")
            self._delivered(done)
        except TransientError:
            self.drop_inbox()
            raise
        self.timed("deliver", started)
        return n

    def _delivered(self, done: list[tuple[int, str, str | None]]) -> None:
        """Receipts and moves of a batch are on disk (one sync), then the ledger records them (one commit).
        A crash before the commit delivers the batch again: the same receipts, nothing left to move."""
        if done:
            os.sync()
            self.ledger.mark_answered_many(done)

    # -- serve -------------------------------------------------------------------------------------------
    def serve(self) -> dict[str, Any]:
        """The new warehouse with its marts, checked and swapped in; then the analytics copy."""
        started = time.perf_counter()
        self.finish("committed")
        lake = self.night.lake
        key = pseudonym_key(self.settings.pseudonym_key, lake)

        def marts(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
            info, new_parts = build_marts(
                con,
                lake=lake,
                committed_runs=[r["run_id"] for r in self.ledger.runs() if r["state"] == "committed"],
                findings=[lake / rel for rel, _, _ in self.ledger.parts("review.findings")],
                key=key,
                reference=self.settings.reference,
            )
            if new_parts:
                self.ledger.add_parts(self.run_id, new_parts)
            return info

        info = build_warehouse(
            lake,
            self.night.warehouse,
            run_id=self.run_id,
            parts=self.ledger.parts(),
            runs=self.ledger.runs(),
            extend=marts,
        )
        self.timed("serve", started)
        started = time.perf_counter()
        info["analytics"] = build_analytics(
            self.night.warehouse,
            self.night.analytics_path,
            key=key,
            run_id=self.run_id,
            derived=derived_builders(),
            copied=COPIED_TABLES,
        )
        self.timed("analytics", started)
        self.served = info
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
            "facilities": self.tally.facility_rows(),
        }

    def finish(self, state: str) -> None:
        self.ledger.finish_run(self.run_id, datetime.now(UTC).isoformat(), self.summary(), state)

    def close(self) -> None:
        self.drop_inbox()
        self.ledger.close()
        self.lock.release()


class StepRunner(Protocol):
    """Runs one step of the night: directly (:func:`plain_step`) or as a Prefect task (the flow).
    ``io`` steps are retried, after :data:`RETRY_DELAYS`, when they fail with a :class:`TransientError`;
    ``label`` names this run of the step (``decide batch 2 of 7``)."""

    def __call__(
        self, name: str, fn: Callable[[], T], *, io: bool = False, label: str | None = None
    ) -> T: ...


def plain_step(name: str, fn: Callable[[], T], *, io: bool = False, label: str | None = None) -> T:
    """Call the step; an I/O step that fails with a transient error is tried again after each delay."""
    delays = list(RETRY_DELAYS) if io else []
    while True:
        try:
            return fn()
        except TransientError as exc:
            if not delays:
                raise
            delay = delays.pop(0)
            log.warning("%s failed (%s); trying again in %d s", label or name, exc, delay)
            time.sleep(delay)


def run_night(night: Night, step: StepRunner = plain_step) -> dict[str, Any]:
    """The whole night, in order; returns the run's summary (with the warehouse build under ``warehouse``)."""
    run = step("open", night.open)
    try:
        step("deliver-left", run.deliver, io=True)  # receipts an interrupted run committed, not delivered
        totals: Counter[str] = Counter()
        # the pool starts its workers now (spawning takes a second or two): they warm up while intake runs
        with open_pool(night.trust, night.settings) as pool:
            waiting = step("intake", run.intake, io=True)
            log.info("%d files to decide (%d still uploading, left alone)", waiting, run.left_in_flight)
            batches = run.batches()
            for number, batch in enumerate(batches, 1):
                label = f"decide batch {number} of {len(batches)}"
                totals.update(step("decide", functools.partial(run.decide, batch, pool), label=label))
        log.info("decided: %s", ", ".join(f"{n} {s}" for s, n in sorted(totals.items())) or "nothing new")
        step("publish", run.publish)
        delivered = step("deliver", run.deliver, io=True)
        log.info("receipts delivered: %d", delivered)
        step("serve", run.serve)
        summary = run.summary()
        summary["warehouse"] = run.served
        return summary
    except BaseException:
        run.finish("failed")
        raise
    finally:
        run.close()


def _receipt_bytes(receipt_json: str) -> bytes:
    return (json.dumps(json.loads(receipt_json), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _safe_landing(landing: str) -> str:
    """The landing root for the record, without any password an URL might carry."""
    if "://" in landing and "@" in landing:
        scheme, rest = landing.split("://", 1)
        userinfo, host = rest.split("@", 1)
        return f"{scheme}://{userinfo.split(':', 1)[0]}@{host}"
    return landing
