"""One nightly run, as plain steps, and :func:`run_night`: the one place that says in which order they run.

    open          lock the lake, close what a dead run left (staged batches, unlisted files)
    deliver-left  receipts a dead run committed but did not deliver                      (retried: I/O)
    list          settled inbox files in upload order, in batches, submitted to the pool   (retried: I/O)
    decide ×N     each batch's result taken in upload order: versions numbered, its staged files put in
                  place, ONE ledger transaction; its receipts then go to a worker to deliver (retried: I/O)
    deliver       the remaining receipts to the outboxes, originals to archive/ or rejected/ (retried: I/O)
    serve         a new DuckDB warehouse with its marts, checked, swapped in; then the analytics copy
                  (skipped when nothing changed since the last one)

The workers do every per-file step (``pipelines.run.worker``: read the upload once, raw copy, decide, staged
Parquet and receipts, delivery); this process lists, numbers versions and commits, a batch at a time.

:func:`run_night` takes a ``step`` runner: :func:`plain_step` calls each step directly (tools and tests), the
Prefect flow (``pipelines.flows.nightly``) wraps each in a task. Either way the same steps run in the same
order with the same retries, and the pool (local or Dask) is chosen by the settings in one place.

A crash at any moment leaves every batch either committed or not: an uncommitted batch's files are still in
the inboxes (originals move only after their commit) and are decided again; a committed batch's undelivered
receipts are delivered by the next run's ``deliver-left``.
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import shutil
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from itertools import islice
from pathlib import Path
from typing import Any, Protocol, TypeVar

import duckdb
import pyarrow.parquet as pq

from pipelines import __version__
from pipelines.common.errors import ConfigurationError, TransientError, raise_if_disk_full
from pipelines.common.failpoints import failpoint
from pipelines.common.files import make_dirs
from pipelines.common.paths import SQL_ROOT
from pipelines.common.settings import Settings
from pipelines.landing import Inbox, InboxEntry, open_inbox, settled
from pipelines.marts import COPIED_TABLES, build_marts, derived_builders
from pipelines.run import worker
from pipelines.run.activity import build_facility_activity, facility_alerts
from pipelines.run.check import quick_check
from pipelines.run.lake import COMPRESSION, clear_staging, publish, remove_orphans
from pipelines.run.ledger import CommittedFile, Ledger
from pipelines.run.lock import RunLock
from pipelines.run.pool import Pool, Result, open_pool
from pipelines.run.worker import BatchJob, BatchResult, Delivered, Delivery, FileOutcome, Receipt, Where
from pipelines.warehouse.analytics import build_analytics, policy_inputs
from pipelines.warehouse.build import build_warehouse
from pipelines.warehouse.identity import pseudonym_key
from pipelines.warehouse.ops import claim_versions_table

log = logging.getLogger(__name__)

STATUSES = ("accepted", "partially_accepted", "rejected", "duplicate")
#: waits before the retries of an I/O step that failed for a reason that may pass (an SFTP time-out)
RETRY_DELAYS = (10, 60, 300)
#: a batch is never cut smaller than this (a batch costs a commit, a few lake files and a task)
MIN_BATCH = 25
#: receipts handed to a worker at a time for delivery
DELIVERY_BATCH = 200
#: the ledger's key for the fingerprint of the last warehouse built
WAREHOUSE_FINGERPRINT = "warehouse_fingerprint"

T = TypeVar("T")


def new_run_id(now: datetime) -> str:
    return now.strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]


def batch_size(files: int, workers: int, most: int) -> int:
    """Files per batch: at most ``most``, and small enough that every worker gets about two batches (so
    they finish together), but never below :data:`MIN_BATCH`."""
    return max(1, min(most, max(MIN_BATCH, -(-files // max(1, 2 * workers)))))


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

    def add(self, f: FileOutcome) -> None:
        self.by_facility[f.macskcb]["received"] += 1
        self.by_facility[f.macskcb][f.status] += 1
        self.codes[f.macskcb].update(f.codes)
        self.claims["accepted"] += len(f.accepted)
        self.claims["rejected"] += f.claims_rejected
        self.bytes_in += f.size
        self.worker_seconds += f.seconds

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
    def where(self) -> Where:
        return Where(self.landing, str(self.lake), str(self.trust), self.settings)

    def open(self) -> Run:
        """Lock the lake, repair what an interrupted run left, and start a run in the ledger."""
        started = time.perf_counter()
        if not self.trust.is_dir():
            raise ConfigurationError(f"trust directory {self.trust} does not exist", stage="open")
        try:
            self.lake.mkdir(parents=True, exist_ok=True, mode=0o750)
        except OSError as exc:
            raise_if_disk_full(exc, "the lake")
            raise
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
        for partial_copy in (self.lake / "raw").glob(".incoming.*"):  # a raw copy a kill interrupted
            partial_copy.unlink()
            repaired["staging"] += 1
        repaired["orphans"] = len(remove_orphans(self.lake, ledger.all_part_paths()))
        damaged = quick_check(self.lake, ledger.part_details())  # existence and sizes, no reading
        started_at = datetime.now(UTC)
        run_id = new_run_id(started_at)
        ledger.start_run(run_id, started_at.isoformat(), _safe_landing(self.landing))
        run = Run(self, run_id, started_at, ledger, lock, repaired)
        if damaged:  # reported, not repaired here (bhyt-etl rebuild --from-raw does that)
            for problem in damaged:
                log.error("lake check: %s", problem)
            run.notes.append(
                f"lake check: {len(damaged)} listed file(s) missing or of the wrong size (first: "
                f"{damaged[0]}); run `bhyt-etl check`, then `bhyt-etl rebuild --from-raw`"
            )
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
    repaired: dict[str, int]
    tally: Tally = field(default_factory=Tally)
    timings: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    left_in_flight: int = 0
    batches: int = 0
    committed: int = 0  # batches committed by this run
    served: dict[str, Any] = field(default_factory=dict)
    _inbox: Inbox | None = None
    _jobs: list[BatchJob] = field(default_factory=list)
    _pending: dict[int, Result[BatchResult]] = field(default_factory=dict)
    _deliveries: list[Result[Delivered]] = field(default_factory=list)
    _latest: dict[tuple[str, str], int] = field(default_factory=dict)
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

    # -- list --------------------------------------------------------------------------------------------
    def list_inbox(self, pool: Pool) -> int:
        """The settled uploads, in upload order (a correction uploaded later becomes the later version), cut
        into batches whose first ones start on the pool at once. Returns how many files wait."""
        started = time.perf_counter()
        try:
            ready, self.left_in_flight = settled(
                self.inbox(), self.settings.settle_seconds, while_settling=pool.start
            )
        except TransientError:
            self.drop_inbox()
            raise
        ready.sort(key=lambda e: (e.mtime, e.macskcb, e.name))
        first_id = self.ledger.next_arrival_id()
        numbered: list[tuple[int, InboxEntry]] = [(first_id + i, e) for i, e in enumerate(ready)]
        size = batch_size(len(numbered), pool.workers, self.settings.batch_size)
        self._jobs = [
            BatchJob(self.run_id, k, numbered[i : i + size])
            for k, i in enumerate(range(0, len(numbered), size))
        ]
        self.batches = len(self._jobs)
        self._submit_ahead(pool, 0)
        self.timed("list", started)
        return len(numbered)

    def _submit_ahead(self, pool: Pool, k: int) -> None:
        """Keep the batches from ``k`` on submitted, about two per worker ahead of the commits."""
        for j in range(k, min(len(self._jobs), k + 2 * max(1, pool.workers))):
            if j not in self._pending:
                self._pending[j] = pool.submit(worker.decide_batch, self._jobs[j])

    # -- decide and commit -------------------------------------------------------------------------------
    def commit(self, k: int, pool: Pool) -> dict[str, int]:
        """Take batch ``k``'s result (in upload order), number its claims' versions, put its staged files in
        place and commit it in one ledger transaction; then hand its receipts to a worker to deliver."""
        started = time.perf_counter()
        self._submit_ahead(pool, k)
        try:
            result = self._pending[k].result()
        except TransientError:
            self._pending[k] = pool.submit(worker.decide_batch, self._jobs[k])  # the retry waits on it
            raise
        del self._pending[k]
        self._submit_ahead(pool, k + 1)
        lake = self.night.lake
        candidates = [f.sha256 for f in result.files if f.status != "duplicate"]
        originals = self.ledger.contents_of(candidates)  # committed by an earlier batch of this night
        if originals:
            result = worker.as_duplicates(lake, result, originals)
        staging = worker.staging_of(lake, result.job)
        versions = self._number_versions(result.files)
        staged = list(result.staged)
        if versions:
            rel = f"ops/claim_versions/{result.job.name}.parquet"
            by_arrival = {f.arrival_id: f for f in result.files}
            table = claim_versions_table(
                (m, lk, v, sha, by_arrival[aid].file_name, by_arrival[aid].received_at, self.run_id)
                for m, lk, v, sha, aid in versions
            )
            try:
                make_dirs((staging / rel).parent)
                pq.write_table(table, staging / rel, compression=COMPRESSION)
            except OSError as exc:
                raise_if_disk_full(exc, "the lake")
                raise
            staged.append((rel, "core.claim_versions", table.num_rows))
        try:
            parts = publish(lake, staging, staged)
        except OSError as exc:
            raise_if_disk_full(exc, "the lake")
            raise
        failpoint("commit:renamed")
        files = [
            CommittedFile(
                f.arrival_id,
                f.macskcb,
                f.file_name,
                f.size,
                f.mtime,
                f.sha256,
                f.received_at,
                f.status,
                result.job.receipts_rel,
                f.line,
                new_content=f.status != "duplicate" and not f.internal,
            )
            for f in result.files
        ]
        self.ledger.commit_batch(self.run_id, files, versions, parts)
        failpoint("commit:done")
        self.committed += 1
        for f in result.files:
            self.tally.add(f)
        self.tally.worker_pids.add(result.pid)
        self.tally.rows.update(result.rows)
        self._deliveries.append(pool.submit(worker.deliver_batch, self._deliveries_of(result)))
        self.timed("decide", started)
        return dict(Counter(f.status for f in result.files))

    def _number_versions(self, files: list[FileOutcome]) -> list[tuple[str, str, int, str, int]]:
        keys = [(f.macskcb, ma_lk) for f in files for ma_lk in f.accepted]
        unknown = [k for k in keys if k not in self._latest]
        if unknown:
            self._latest.update(self.ledger.latest_versions(unknown))
        out = []
        for f in files:
            for ma_lk in f.accepted:
                key = (f.macskcb, ma_lk)
                self._latest[key] += 1
                out.append((f.macskcb, ma_lk, self._latest[key], f.sha256, f.arrival_id))
        return out

    def _deliveries_of(self, result: BatchResult) -> list[Delivery]:
        ids = [f.arrival_id for f in result.files]
        versions = self.ledger.versions_of(ids)
        return [
            Delivery(
                Receipt(f.arrival_id, None, result.job.receipts_rel, f.line, versions.get(f.arrival_id, {})),
                f.macskcb,
                f.file_name,
                f.size,
                f.mtime,
                f.sha256,
                f.status,
                self._earlier(f.macskcb, f.file_name, f.arrival_id),
            )
            for f in result.files
        ]

    def _earlier(self, macskcb: str, name: str, arrival_id: int) -> tuple[Receipt, ...]:
        rows = self.ledger.earlier_answered(macskcb, name, arrival_id)
        if not rows:
            return ()
        versions = self.ledger.versions_of([r[0] for r in rows])
        return tuple(Receipt(aid, rj, rp, rl, versions.get(aid, {})) for aid, rj, rp, rl in rows)

    # -- deliver -----------------------------------------------------------------------------------------
    def deliver(self, pool: Pool) -> int:
        """Every committed receipt not yet delivered goes to its outbox (on the workers), and its original out
        of the inbox; the ledger records each delivered batch in one transaction. Returns how many."""
        started = time.perf_counter()
        n = 0
        try:
            while self._deliveries:  # handed to the workers batch by batch during the night
                n += self._delivered(self._deliveries[0].result())
                self._deliveries.pop(0)
            for items in self._undelivered():  # left by an earlier run, or by a failed attempt
                n += self._delivered(pool.submit(worker.deliver_batch, items).result())
        except TransientError:
            self._settle_deliveries()
            raise
        self.timed("deliver", started)
        return n

    def _settle_deliveries(self) -> None:
        """After a failed delivery: let the ones still running finish and record those that succeeded, so the
        retry delivers only what is left (never the same receipt twice at the same time)."""
        for future in self._deliveries:
            try:
                self._delivered(future.result())
            except TransientError as exc:
                log.warning("a batch of receipts was not delivered (%s); it will be delivered again", exc)
        self._deliveries.clear()

    def _undelivered(self) -> Iterator[list[Delivery]]:
        """The committed, undelivered receipts in pages (a crash can leave half a million of them)."""
        size = min(DELIVERY_BATCH, self.settings.answer_commit_every)
        rows = self.ledger.to_answer(page=size)
        while page := list(islice(rows, size)):
            versions = self.ledger.versions_of([r[0] for r in page])
            yield [
                Delivery(
                    Receipt(aid, receipt_json, path, line, versions.get(aid, {})),
                    macskcb,
                    name,
                    size_,
                    mtime,
                    sha,
                    status,
                    self._earlier(macskcb, name, aid),
                )
                for aid, macskcb, name, size_, mtime, sha, status, receipt_json, path, line in page
            ]

    def _delivered(self, delivered: Delivered) -> int:
        """Receipts and moves of a batch are on disk (the worker synced them), then the ledger records them
        (one commit). A crash before the commit delivers the batch again: the same receipts, nothing left to
        move."""
        if delivered.renamed:
            self.ledger.mark_receipts_renamed(delivered.renamed)
        if delivered.done:
            self.ledger.mark_answered_many(delivered.done)
            failpoint("answer:some")
        return len(delivered.done)

    # -- serve -------------------------------------------------------------------------------------------
    def serve(self) -> dict[str, Any]:
        """The new warehouse with its marts, checked and swapped in; then the analytics copy. Skipped when
        nothing the warehouse is built from changed since the last one (an empty night costs nothing)."""
        started = time.perf_counter()
        self.finish("committed")
        lake = self.night.lake
        fingerprint = self._fingerprint()
        unchanged = (
            self.ledger.get_meta(WAREHOUSE_FINGERPRINT) == fingerprint
            and self.night.warehouse.exists()
            and self.night.analytics_path.exists()
        )
        if unchanged:
            self.served = {"path": str(self.night.warehouse), "seconds": 0.0, "skipped": "nothing changed"}
            self.notes.append("nothing new since the last warehouse: it stays as it is")
            self.timed("serve", started)
            return self.served
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
            info["activity"] = build_facility_activity(con, self.night.trust)  # ops.facility_activity
            return info

        try:
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
                lake=lake,
                parts=self.ledger.parts(),
            )
        except OSError as exc:
            raise_if_disk_full(exc, "the warehouse")
            raise
        except duckdb.IOException as exc:  # DuckDB reports a full disk as its own error, with the OS's words
            if "No space left" in str(exc):
                raise_if_disk_full(OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)), "the warehouse")
            raise
        self.timed("analytics", started)
        self.ledger.set_meta(WAREHOUSE_FINGERPRINT, self._fingerprint())
        self.served = info
        self.finish("committed")
        return info

    def _fingerprint(self) -> str:
        """What the warehouse is built from: the lake's committed files, the product's version and SQL files,
        the reference folder, where the two warehouse files are, the trust directory's facility list and the
        privacy profile."""
        digest = hashlib.sha256()
        for rel, table, rows in self.ledger.parts():
            digest.update(f"{rel}\t{table}\t{rows}\n".encode())
        digest.update(__version__.encode())
        for path in sorted(SQL_ROOT.rglob("*.sql")):
            digest.update(path.read_bytes())
        reference = self.settings.reference
        if reference is not None and Path(reference).is_dir():
            for path in sorted(Path(reference).rglob("*")):
                if path.is_file():
                    stat = path.stat()
                    digest.update(f"{path}\t{stat.st_size}\t{stat.st_mtime_ns}\n".encode())
        digest.update(f"{self.night.warehouse.resolve()}\t{self.night.analytics_path.resolve()}".encode())
        facilities = self.night.trust / "facilities.csv"  # ops.facilities is read from it
        if facilities.is_file():
            digest.update(facilities.read_bytes())
        # the privacy profile and the lists it reads: a changed profile rebuilds the analytics copy
        for content in policy_inputs():
            digest.update(content)
        return digest.hexdigest()

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
            "batches": self.batches,
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
        """Release everything; what is left of the run's staging area (batches it did not commit) goes."""
        self.drop_inbox()
        shutil.rmtree(self.night.lake / "_staging" / self.run_id, ignore_errors=True)
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
        # the pool starts its workers when the inboxes hold files (they warm up while the uploads settle),
        # or when a dead run's receipts wait: an empty night starts none
        with open_pool(night.where) as pool:
            step("deliver-left", partial(run.deliver, pool), io=True)  # what an interrupted run left
            waiting = step("list", partial(run.list_inbox, pool), io=True)
            log.info("%d files to decide (%d still uploading, left alone)", waiting, run.left_in_flight)
            totals: Counter[str] = Counter()
            for k in range(run.batches):
                label = f"decide batch {k + 1} of {run.batches}"
                totals.update(step("decide", partial(run.commit, k, pool), io=True, label=label))
            log.info("decided: %s", ", ".join(f"{n} {s}" for s, n in sorted(totals.items())) or "nothing new")
            delivered = step("deliver", partial(run.deliver, pool), io=True)
            log.info("receipts delivered: %d", delivered)
        step("serve", run.serve)
        summary = run.summary()
        summary["warehouse"] = run.served
        summary["activity"] = facility_alerts(night.warehouse, night.settings)  # who has not sent
        return summary
    except BaseException:
        run.finish("failed")
        raise
    finally:
        run.close()


def _safe_landing(landing: str) -> str:
    """The landing root for the record, without any password an URL might carry."""
    if "://" in landing and "@" in landing:
        scheme, rest = landing.split("://", 1)
        userinfo, host = rest.split("@", 1)
        return f"{scheme}://{userinfo.split(':', 1)[0]}@{host}"
    return landing
