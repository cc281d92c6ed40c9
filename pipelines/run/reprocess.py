"""``bhyt-etl reprocess``: raw-zone files decided again with today's code, XSDs and trust directory, as a run
of its own (the same lock, ledger, worker and exactly-once commit as a night).

    open          Night.open(): lock the lake, recover the ledger, clear staging and orphans → Run
    deliver-left  Run.deliver(): the night's receipts a killed run left (every chosen file is answered first)
    amend-left    amended receipts a killed reprocess committed but did not deliver
    select        the chosen uploads: their current decision's status, the day received, the facility, the
                  codes of its receipt; in upload order, in batches
    decide ×N     each batch on the pool: the worker reads the raw copy (checked against its SHA-256) and
                  decides it as received that day (``worker.Redecide``); the main process keeps, per file,
                  only the claims not already accepted from these bytes, numbers their versions after what
                  exists (in upload order) and commits the batch in ONE ledger transaction
    amend         ``<name>.receipt.2.json`` next to the first receipt (kept), saying what changed and why;
                  an original in ``rejected/`` moves to ``archive/`` when claims of it are now accepted
    serve         Run.serve(): the new warehouse (skipped when nothing changed)

A decision is recorded only when it accepts a claim the lake does not yet hold from these bytes; otherwise
the file is ``unchanged`` and nothing is written. Running it twice therefore changes nothing, and a run
killed at any point is repaired by running it again: a batch is either committed or not (staging and
orphans are cleared at the next open), and committed decisions whose amended receipt was not delivered are
delivered by the next run's ``amend-left`` (the receipt written again, the original's move found done).
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.common.errors import ConfigurationError, TransientError, raise_if_disk_full
from pipelines.common.failpoints import failpoint
from pipelines.common.files import make_dirs
from pipelines.landing import InboxEntry
from pipelines.run import worker
from pipelines.run.lake import COMPRESSION, publish
from pipelines.run.ledger import CommittedFile, Decision
from pipelines.run.night import Night, Run, StepRunner, batch_size, plain_step
from pipelines.run.pool import Pool, Result, open_pool
from pipelines.run.worker import BatchJob, BatchResult, FileOutcome, Receipt, Redecide, render_receipt
from pipelines.warehouse.ops import claim_versions_table, files_table

log = logging.getLogger(__name__)

#: what ``--status`` may choose; ``all`` is every decision but ``duplicate``
STATUS_CHOICES = ("rejected", "partially_accepted", "all")
_ALL = ("accepted", "partially_accepted", "rejected")
#: the receipt's name under the contract, and the amended receipts' pattern next to it
RECEIPT_SUFFIX = ".receipt.json"


@dataclass(frozen=True)
class Selection:
    """Which uploads to decide again (``bhyt-etl reprocess`` flags)."""

    status: str = "rejected"
    since: date | None = None
    until: date | None = None
    facility: str | None = None
    codes: tuple[str, ...] = ()

    @property
    def statuses(self) -> tuple[str, ...]:
        if self.status == "all":
            return _ALL
        if self.status not in STATUS_CHOICES:
            raise ConfigurationError(
                f"--status {self.status}: use one of {', '.join(STATUS_CHOICES)}", stage="reprocess"
            )
        return (self.status,)

    def describe(self) -> str:
        parts = [f"status {self.status}"]
        if self.since:
            parts.append(f"since {self.since}")
        if self.until:
            parts.append(f"until {self.until}")
        if self.facility:
            parts.append(f"facility {self.facility}")
        if self.codes:
            parts.append("codes " + ", ".join(self.codes))
        return "; ".join(parts)


def amended_name(first_receipt: str | None, file_name: str, number: int) -> str:
    """``<name>.receipt.2.json`` next to ``<name>.receipt.json`` (the first kept as it is); a first receipt
    kept under another name (``<name>.<id>.receipt.json``, a later upload took the contract name) gets
    ``<name>.<id>.receipt.2.json``."""
    first = first_receipt or f"{file_name}{RECEIPT_SUFFIX}"
    stem = first[: -len(RECEIPT_SUFFIX)] if first.endswith(RECEIPT_SUFFIX) else first
    return f"{stem}.receipt.{number}.json"


@dataclass
class Reprocess:
    """A reprocess run over an open :class:`Run`; each public method is one step of :func:`run_reprocess`."""

    run: Run
    selection: Selection
    chosen: dict[int, Decision] = field(default_factory=dict)
    counts: Counter[str] = field(default_factory=Counter)
    newly_accepted: int = 0
    _jobs: list[BatchJob] = field(default_factory=list)
    _pending: dict[int, Result[BatchResult]] = field(default_factory=dict)
    _latest: dict[tuple[str, str], int] = field(default_factory=dict)

    @property
    def lake(self) -> Path:
        return self.run.night.lake

    # -- select ------------------------------------------------------------------------------------------
    def select(self, pool: Pool) -> int:
        """The chosen uploads, in upload order, cut into batches whose first ones start on the pool."""
        started = time.perf_counter()
        s = self.selection
        decisions = self.run.ledger.current_decisions(
            s.statuses,
            since=s.since.isoformat() if s.since else None,
            until=s.until.isoformat() if s.until else None,
            facility=s.facility,
        )
        waiting = [d for d in decisions if d.state != "answered"]
        if waiting:  # deliver-left ran first: only a decision committed by nobody's run could be here
            self.run.notes.append(f"{len(waiting)} decisions not yet answered were left for the next run")
        decisions = [d for d in decisions if d.state == "answered"]
        if s.codes:
            decisions = [d for d in decisions if set(s.codes) & set(_codes_of(self.lake, d))]
        self.chosen = {d.upload: d for d in decisions}
        entries = [(d.upload, InboxEntry(d.macskcb, d.file_name, d.size, d.mtime)) for d in decisions]
        size = batch_size(len(entries), pool.workers, self.run.settings.batch_size)
        self._jobs = [
            BatchJob(
                self.run.run_id,
                k,
                entries[i : i + size],
                {
                    aid: Redecide(self.chosen[aid].sha256, self.chosen[aid].received_at)
                    for aid, _ in entries[i : i + size]
                },
            )
            for k, i in enumerate(range(0, len(entries), size))
        ]
        self.run.batches = len(self._jobs)
        for j in range(min(len(self._jobs), 2 * max(1, pool.workers))):
            self._pending[j] = pool.submit(worker.decide_batch, self._jobs[j])
        self.counts["chosen"] = len(entries)
        self.run.timed("select", started)
        return len(entries)

    # -- decide and commit -------------------------------------------------------------------------------
    def commit(self, k: int, pool: Pool) -> dict[str, int]:
        """Take batch ``k``'s decisions; keep what is new; number versions; publish and commit at once."""
        started = time.perf_counter()
        try:
            result = self._pending[k].result()
        except TransientError:
            self._pending[k] = pool.submit(worker.decide_batch, self._jobs[k])  # the retry waits on it
            raise
        del self._pending[k]
        nxt = k + 2 * max(1, pool.workers)
        if nxt < len(self._jobs) and nxt not in self._pending:
            self._pending[nxt] = pool.submit(worker.decide_batch, self._jobs[nxt])
        ledger = self.run.ledger
        earlier = ledger.accepted_from((f.macskcb, f.sha256) for f in result.files)
        changed: list[tuple[FileOutcome, list[str], dict[str, int]]] = []
        for f in result.files:
            before = earlier.get((f.macskcb, f.sha256), {})
            new = [lk for lk in f.accepted if lk not in before]
            if f.status == "duplicate" or not new:
                self.counts["unchanged"] += 1
                continue
            changed.append((f, new, before))
        staging = worker.staging_of(self.lake, result.job)
        if not changed:
            self.run.timed("decide", started)
            return {"unchanged": len(result.files)}
        staged, files, versions, reprocess_of = self._restage(result, staging, changed)
        try:
            parts = publish(self.lake, staging, staged)
        except OSError as exc:
            raise_if_disk_full(exc, "the lake")
            raise
        failpoint("reprocess:renamed")
        ledger.commit_batch(self.run.run_id, files, versions, parts, reprocess_of=reprocess_of)
        failpoint("reprocess:committed")
        self.run.committed += 1
        self.counts["changed"] += len(changed)
        self.newly_accepted += len(versions)
        for f, _, _ in changed:
            self.run.tally.add(f)
        return {"changed": len(changed), "unchanged": len(result.files) - len(changed)}

    def _restage(
        self,
        result: BatchResult,
        staging: Path,
        changed: list[tuple[FileOutcome, list[str], dict[str, int]]],
    ) -> tuple[
        list[tuple[str, str, int]],
        list[CommittedFile],
        list[tuple[str, str, int, str, int]],
        dict[int, int],
    ]:
        """The batch's staged files cut down to the changed files and their new claims: amended receipts,
        their ``ops.files`` rows, the rows of the new claims only, and the claim versions."""
        job, run_id = result.job, self.run.run_id
        receipts_file = staging / job.receipts_rel
        decided = receipts_file.read_text(encoding="utf-8").splitlines()
        first_id = self.run.ledger.next_arrival_id()
        now = datetime.now(UTC)
        lines: list[str] = []
        files: list[CommittedFile] = []
        ops_rows = []
        reprocess_of: dict[int, int] = {}
        keep: set[str] = set()
        for i, (f, new, before) in enumerate(changed):
            aid = first_id + i
            upload = f.arrival_id
            previous = self.chosen[upload]
            receipt = _amend(
                json.loads(decided[f.line]),
                previous,
                set(_codes_of(self.lake, previous)),
                new,
                before,
                run_id,
                now,
            )
            files.append(
                CommittedFile(
                    aid,
                    f.macskcb,
                    f.file_name,
                    f.size,
                    f.mtime,
                    f.sha256,
                    f.received_at,
                    receipt["status"],
                    job.receipts_rel,
                    len(lines),
                    new_content=False,
                )
            )
            lines.append(json.dumps(receipt, ensure_ascii=False))
            ops_rows.append(
                (
                    aid,
                    f.macskcb,
                    f.file_name,
                    f.size,
                    f.sha256,
                    f.received_at,
                    receipt["status"],
                    receipt,
                    run_id,
                )
            )
            reprocess_of[aid] = upload
            keep.update(f"{f.sha256}|{lk}" for lk in new)
        versions = self._number_versions(
            [(a.arrival_id, f, new) for a, (f, new, _) in zip(files, changed, strict=True)]
        )
        staged: list[tuple[str, str, int]] = []
        try:
            for rel, table, _ in result.staged:
                path = staging / rel
                if table == "receipts":
                    receipts_file.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
                    staged.append((rel, table, len(lines)))
                elif table == "ops.files":
                    pq.write_table(files_table(ops_rows, reprocess_of), path, compression=COMPRESSION)
                    staged.append((rel, table, len(ops_rows)))
                else:
                    data = pq.read_table(path)
                    pairs = zip(data["source_sha256"].to_pylist(), data["ma_lk"].to_pylist(), strict=True)
                    data = data.filter(pa.array([f"{sha}|{lk}" in keep for sha, lk in pairs], pa.bool_()))
                    if data.num_rows == 0:
                        path.unlink()
                        continue
                    pq.write_table(data, path, compression=COMPRESSION)
                    staged.append((rel, table, data.num_rows))
            by_arrival = {c.arrival_id: c for c in files}
            rel = f"ops/claim_versions/{job.name}.parquet"
            version_rows = claim_versions_table(
                (m, lk, v, sha, by_arrival[aid].file_name, by_arrival[aid].received_at, run_id)
                for m, lk, v, sha, aid in versions
            )
            make_dirs((staging / rel).parent)
            pq.write_table(version_rows, staging / rel, compression=COMPRESSION)
            staged.append((rel, "core.claim_versions", version_rows.num_rows))
        except OSError as exc:
            raise_if_disk_full(exc, "the lake's staging area")
            raise
        return staged, files, versions, reprocess_of

    def _number_versions(
        self, files: list[tuple[int, FileOutcome, list[str]]]
    ) -> list[tuple[str, str, int, str, int]]:
        """Versions after what exists, in upload order (the batch is in upload order)."""
        keys = [(f.macskcb, lk) for _, f, new in files for lk in new]
        unknown = [key for key in keys if key not in self._latest]
        if unknown:
            self._latest.update(self.run.ledger.latest_versions(unknown))
        out = []
        for aid, f, new in files:
            for lk in new:
                self._latest[(f.macskcb, lk)] += 1
                out.append((f.macskcb, lk, self._latest[(f.macskcb, lk)], f.sha256, aid))
        return out

    # -- amend -------------------------------------------------------------------------------------------
    def amend(self) -> int:
        """Amended receipts to the outboxes and accepted originals from ``rejected/`` to ``archive/``; the
        ledger records each as delivered. Safe to repeat: the receipt is written again under the same name,
        and a move already made is found in ``archive/``."""
        started = time.perf_counter()
        ledger, inbox = self.run.ledger, self.run.inbox()
        cache: dict[str, list[str]] = {}
        n = 0
        done: list[tuple[int, str, str | None]] = []
        for row in ledger.amended_to_answer():
            name = amended_name(row.first_receipt, row.file_name, row.number)
            versions = ledger.accepted_from([(row.macskcb, row.sha256)])[(row.macskcb, row.sha256)]
            data = render_receipt(
                self.lake, Receipt(row.arrival_id, None, row.receipt_path, row.receipt_line, versions), cache
            )
            inbox.write_receipt(row.macskcb, name, data)
            moved = row.original_at
            if row.status != "rejected" and moved and moved.startswith("rejected/"):
                old = moved.split("/", 1)[1]
                if inbox.entry(row.macskcb, old, folder="rejected") is not None:
                    used = inbox.move(
                        row.macskcb,
                        old,
                        "archive",
                        alternative=f"{row.upload}-{row.file_name}",
                        source="rejected",
                    )
                    moved = f"archive/{used}"
                elif inbox.entry(row.macskcb, old, folder="archive") is not None:
                    moved = f"archive/{old}"  # moved by a run killed before it recorded the move
                else:
                    moved = f"archive/{row.upload}-{row.file_name}"
                failpoint("reprocess:moved")
            done.append((row.arrival_id, name, moved))
            if len(done) >= self.run.settings.answer_commit_every:
                n += self._answered(done)
        n += self._answered(done)
        self.counts["amended receipts"] += n
        self.run.timed("amend", started)
        return n

    def _answered(self, done: list[tuple[int, str, str | None]]) -> int:
        if not done:
            return 0
        os.sync()  # receipts and moves on disk before the ledger records them as delivered
        self.run.ledger.mark_answered_many(done)
        n = len(done)
        done.clear()
        return n

    def summary(self) -> dict[str, Any]:
        out = self.run.summary()
        out["kind"] = "reprocess"
        out["reprocess"] = {
            "selection": self.selection.describe(),
            "chosen": self.counts["chosen"],
            "changed": self.counts["changed"],
            "unchanged": self.counts["unchanged"],
            "claims_newly_accepted": self.newly_accepted,
            "amended_receipts": self.counts["amended receipts"],
        }
        return out


def _codes_of(lake: Path, d: Decision) -> list[str]:
    """The codes of a decision's receipt (from the lake's receipts file, or a legacy ledger's copy)."""
    if d.receipt_json is not None:
        receipt = json.loads(d.receipt_json)
    elif d.receipt_path is not None and d.receipt_line is not None:
        lines = _receipt_lines(lake, d.receipt_path)
        receipt = json.loads(lines[d.receipt_line])
    else:
        return []
    return [e["code"] for e in receipt.get("errors", [])]


_LINES: dict[str, list[str]] = {}


def _receipt_lines(lake: Path, rel: str) -> list[str]:
    key = str(lake / rel)
    if key not in _LINES:
        _LINES.clear()  # one receipts file at a time: decisions come in upload order, so batch by batch
        _LINES[key] = (lake / rel).read_text(encoding="utf-8").splitlines()
    return _LINES[key]


def _amend(
    receipt: dict[str, Any],
    previous: Decision,
    previous_codes: set[str],
    new: Sequence[str],
    before: dict[str, int],
    run_id: str,
    now: datetime,
) -> dict[str, Any]:
    """Today's decision as the amended receipt: claims accepted before from these bytes stay accepted (a
    decision made again never withdraws a claim), the file's status follows, and ``amends`` says what changed
    and why. No patient data: codes, claim keys (MA_LK) and dates only."""
    for claim in receipt.get("claims", []):
        if claim.get("ma_lk") in before:
            claim["status"] = "accepted"
    claims = receipt.get("claims", [])
    receipt["status"] = "accepted" if all(c["status"] == "accepted" for c in claims) else "partially_accepted"
    now_codes = {e["code"] for e in receipt.get("errors", [])}
    resolved = sorted(previous_codes - now_codes)
    first = previous.first_receipt or f"{previous.file_name}{RECEIPT_SUFFIX}"
    day = now.date().isoformat()
    receipt["amends"] = {
        "receipt": first,
        "previous_status": previous.status,
        "previous_codes": sorted(previous_codes),
        "resolved_codes": resolved,
        "claims_now_accepted": sorted(new),
        "decided_again_at": now.isoformat(),
        "run_id": run_id,
        "message_vi": (
            f"Tệp đã được xử lý lại ngày {day} từ bản lưu gốc nhận lúc {previous.received_at}, theo danh "
            f"sách chứng thư số và quy tắc hiện hành. Trước đây: {previous.status}"
            + (f" ({', '.join(resolved)})" if resolved else "")
            + f". Nay: {receipt['status']}; thêm {len(new)} hồ sơ được chấp nhận. Biên nhận đầu tiên "
            f"({first}) vẫn được giữ nguyên. Không cần gửi lại tệp."
        ),
        "message_en": (
            f"This file was decided again on {day} from the copy received at {previous.received_at}, with "
            f"the trust directory and rules in force today. Before: {previous.status}"
            + (f" ({', '.join(resolved)})" if resolved else "")
            + f". Now: {receipt['status']}; {len(new)} more claim(s) accepted. The first receipt "
            f"({first}) is kept as it was. There is no need to send the file again."
        ),
    }
    return receipt


def run_reprocess(night: Night, selection: Selection, step: StepRunner = plain_step) -> dict[str, Any]:
    """The whole reprocess run, in order; returns its summary (the warehouse build under ``warehouse``)."""
    selection.statuses  # noqa: B018 - refuse a bad --status before the lake is locked
    run = step("open", night.open)
    job = Reprocess(run, selection)
    try:
        with open_pool(night.where) as pool:
            step("deliver-left", partial(run.deliver, pool), io=True)
            step("amend-left", job.amend, io=True)
            chosen = step("select", partial(job.select, pool))
            log.info("%d uploads to decide again (%s)", chosen, selection.describe())
            totals: Counter[str] = Counter()
            for k in range(run.batches):
                label = f"decide again batch {k + 1} of {run.batches}"
                totals.update(step("decide", partial(job.commit, k, pool), io=True, label=label))
            step("amend", job.amend, io=True)
        run.notes.append(
            f"reprocess ({selection.describe()}): {job.counts['chosen']} chosen, {job.counts['changed']} "
            f"changed, {job.counts['unchanged']} unchanged, {job.newly_accepted} claims newly accepted"
        )
        step("serve", run.serve)
        summary = job.summary()
        summary["warehouse"] = run.served
        return summary
    except BaseException:
        run.finish("failed")
        raise
    finally:
        run.close()
