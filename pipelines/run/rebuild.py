"""``bhyt-etl rebuild --from-raw``: damaged or missing lake files written again from the raw zone, under the
decisions the ledger recorded (the same claims, the same versions), then the warehouse rebuilt.

    open      Night.open(): the lake's lock (no night runs meanwhile), staging and orphans cleared → Run
    find      every listed file of the chosen runs checked in full (``check.check_part``)
    redecide  per damaged batch: its arrivals' raw files decided again on the pool, as received then
              (``worker.Redecide``); only the rows of the claims the ledger recorded from each arrival kept
    replace   each damaged file written under staging, checked against the ledger's row count, renamed over
              the damaged one; the ledger records its new size and checksum
    serve     the warehouse built again (forced: its fingerprint names paths, which did not change)

What each kind of lake file is made from:

``tables/xmlN/…/<run>-b<batch>-<n>.parquet``  the batch's raw files decided again, the recorded claims' rows
``ops/claim_versions/<run>-b<batch>.parquet``  the ledger's claim versions (exact)
``ops/files/<run>-b<batch>.parquet``           the ledger's arrivals and the batch's receipts file
``review/findings/<run>.parquet``              derived: dropped, and recomputed by the warehouse build
``receipts/<run>/b<batch>.jsonl``              not rebuilt (the receipts were delivered: restore it from a
                                                backup or the outbox); reported

A file that cannot be made again identical in rows (today's code no longer accepts a claim it accepted then,
a raw file is missing or damaged) is left as it is and reported: restore it from a backup.
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
from collections import defaultdict
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.common.errors import PipelineError
from pipelines.common.files import FILE_MODE, fsync_dir, make_dirs
from pipelines.landing import InboxEntry
from pipelines.run import worker
from pipelines.run.check import Problem, check_part
from pipelines.run.lake import COMPRESSION, file_sha256
from pipelines.run.ledger import BatchArrival, PartDetail
from pipelines.run.night import WAREHOUSE_FINGERPRINT, Night, Run, StepRunner, plain_step
from pipelines.run.pool import Pool, open_pool
from pipelines.run.worker import BatchJob, Redecide
from pipelines.warehouse.ops import claim_versions_table, files_table

log = logging.getLogger(__name__)

FINDINGS_TABLE = "review.findings"
#: ``<run>-b<batch>`` in a lake file's name, ``<run>/b<batch>.jsonl`` for receipts
_BATCH = re.compile(r"(?P<run>[0-9]{8}T[0-9]{6}Z-[0-9a-f]+)-b(?P<batch>[0-9]{5})")
_RECEIPTS = re.compile(r"^receipts/(?P<run>[^/]+)/b(?P<batch>[0-9]{5})\.jsonl$")


def batch_of(path: str) -> tuple[str, int] | None:
    """(run, batch) a lake file belongs to, from its name; None for files of a whole run (findings)."""
    m = _RECEIPTS.match(path) or _BATCH.search(Path(path).name)
    return (m.group("run"), int(m.group("batch"))) if m else None


@dataclass
class Rebuild:
    run: Run
    runs: tuple[str, ...] = ()
    damaged: list[PartDetail] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    left: list[Problem] = field(default_factory=list)

    @property
    def lake(self) -> Path:
        return self.run.night.lake

    def find(self) -> int:
        """The damaged or missing files of the chosen runs (every committed run when none is named)."""
        started = time.perf_counter()
        for part in self.run.ledger.part_details():
            if self.runs and part.run_id not in self.runs:
                continue
            if check_part(self.lake, part):
                self.damaged.append(part)
        self.run.timed("find", started)
        return len(self.damaged)

    def replace(self, pool: Pool) -> int:
        """Every damaged file made again (see the module's docstring); returns how many were restored."""
        started = time.perf_counter()
        by_batch: dict[tuple[str, int], list[PartDetail]] = defaultdict(list)
        for part in self.damaged:
            if part.table == FINDINGS_TABLE:  # derived: the build recomputes the findings of the run
                (self.lake / part.path).unlink(missing_ok=True)
                self.run.ledger.drop_part(part.path)
                self.restored.append(part.path)
                continue
            key = batch_of(part.path)
            if key is None or part.table == "receipts":
                self.left.append(
                    Problem(part.path, "cannot be made again from the raw zone: restore it from a backup")
                )
                continue
            by_batch[key].append(part)
        for (run_id, batch), parts in sorted(by_batch.items()):
            try:
                self._batch(pool, run_id, batch, parts)
            except (PipelineError, OSError, ValueError, IndexError) as exc:  # a raw file or receipts missing
                self.left += [Problem(p.path, f"not rebuilt: {exc}") for p in parts]
        self.run.timed("rebuild", started)
        return len(self.restored)

    def _batch(self, pool: Pool, run_id: str, batch: int, parts: list[PartDetail]) -> None:
        ledger = self.run.ledger
        receipts_rel = f"receipts/{run_id}/b{batch:05d}.jsonl"
        arrivals = ledger.batch_arrivals(run_id, receipts_rel)
        recorded = ledger.versions_of([a.arrival_id for a in arrivals])
        staging = self.lake / "_staging" / self.run.run_id / f"{run_id}-b{batch:05d}"
        made: dict[str, pa.Table] = {}
        table_parts = [p for p in parts if p.path.startswith("tables/")]
        if table_parts:
            made.update(self._tables(pool, run_id, batch, arrivals, recorded, table_parts))
        for part in parts:
            if part.table == "core.claim_versions":
                made[part.path] = claim_versions_table(
                    (a.macskcb, lk, v, a.sha256, a.file_name, a.received_at, run_id)
                    for a in arrivals
                    for lk, v in sorted(recorded.get(a.arrival_id, {}).items(), key=lambda kv: kv[1])
                )
            elif part.table == "ops.files":
                lines = (self.lake / receipts_rel).read_text(encoding="utf-8").splitlines()
                made[part.path] = files_table(
                    (
                        (
                            a.arrival_id,
                            a.macskcb,
                            a.file_name,
                            a.size,
                            a.sha256,
                            a.received_at,
                            a.status,
                            json.loads(lines[a.receipt_line]),
                            run_id,
                        )
                        for a in arrivals
                    ),
                    {a.arrival_id: a.reprocess_of for a in arrivals if a.reprocess_of is not None},
                )
        for part in parts:
            data = made.get(part.path)
            if data is None:
                continue
            if data.num_rows != part.rows:
                self.left.append(
                    Problem(
                        part.path,
                        f"decided again it has {data.num_rows} rows, the ledger recorded {part.rows} "
                        "(today's code or raw zone differs): left as it is; restore it from a backup",
                    )
                )
                continue
            tmp = staging / part.path
            make_dirs(tmp.parent)
            pq.write_table(data, tmp, compression=COMPRESSION)
            with open(tmp, "rb") as fh:
                os.fsync(fh.fileno())
            os.chmod(tmp, FILE_MODE)
            target = self.lake / part.path
            make_dirs(target.parent)
            os.replace(tmp, target)
            fsync_dir(target.parent)
            ledger.replace_part(part.path, data.num_rows, target.stat().st_size, file_sha256(target))
            self.restored.append(part.path)
            log.info("rebuilt %s (%d rows)", part.path, data.num_rows)

    def _tables(
        self,
        pool: Pool,
        run_id: str,
        batch: int,
        arrivals: list[BatchArrival],
        recorded: dict[int, dict[str, int]],
        parts: list[PartDetail],
    ) -> dict[str, pa.Table]:
        """The claim rows of the batch's damaged table files: its arrivals decided again from the raw zone,
        only the claims the ledger recorded from each kept, grouped by (table, month) folder."""
        chosen = [a for a in arrivals if recorded.get(a.arrival_id)]
        job = BatchJob(
            self.run.run_id,
            batch,
            [(a.arrival_id, InboxEntry(a.macskcb, a.file_name, a.size, a.mtime)) for a in chosen],
            {a.arrival_id: Redecide(a.sha256, a.received_at) for a in chosen},
        )
        result = pool.submit(worker.decide_batch, job).result()
        staging = worker.staging_of(self.lake, job)
        keep = {f"{a.sha256}|{lk}" for a in chosen for lk in recorded[a.arrival_id]}
        groups: dict[str, list[pa.Table]] = defaultdict(list)
        for rel, _table, _ in result.staged:
            if not rel.startswith("tables/"):
                continue
            data = pq.read_table(staging / rel)
            pairs = zip(data["source_sha256"].to_pylist(), data["ma_lk"].to_pylist(), strict=True)
            groups[str(Path(rel).parent)].append(
                data.filter(pa.array([f"{sha}|{lk}" in keep for sha, lk in pairs], pa.bool_()))
            )
        siblings: dict[str, int] = defaultdict(int)
        for p in self.run.ledger.part_details():
            if p.run_id == run_id and p.path.startswith("tables/") and batch_of(p.path) == (run_id, batch):
                siblings[str(Path(p.path).parent)] += 1
        out = {}
        for part in parts:
            folder = str(Path(part.path).parent)
            if siblings[folder] > 1:
                self.left.append(
                    Problem(
                        part.path,
                        "its batch wrote several files for this table and month: restore from a backup",
                    )
                )
                continue
            tables = groups.get(folder, [])
            out[part.path] = pa.concat_tables(tables) if tables else pa.table({})
        return out

    def summary(self) -> dict[str, Any]:
        out = self.run.summary()
        out["kind"] = "rebuild"
        out["rebuild"] = {
            "damaged": [p.path for p in self.damaged],
            "restored": self.restored,
            "left": [str(p) for p in self.left],
        }
        return out


def run_rebuild(night: Night, runs: tuple[str, ...] = (), step: StepRunner = plain_step) -> dict[str, Any]:
    """Find, make again and replace the damaged lake files, then build the warehouse again."""
    run = step("open", night.open)
    job = Rebuild(run, runs)
    try:
        found = step("find", job.find)
        if found:
            with open_pool(night.where) as pool:
                step("rebuild", partial(job.replace, pool))
        run.ledger.set_meta(WAREHOUSE_FINGERPRINT, "")  # the paths are the same: build it again anyway
        run.notes.append(
            f"rebuild from raw: {found} damaged or missing, {len(job.restored)} restored, "
            f"{len(job.left)} left"
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
