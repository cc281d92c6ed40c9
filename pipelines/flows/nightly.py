"""The ``nightly`` flow: inboxes → raw zone → decisions → Parquet lake → DuckDB warehouse → receipts.

Tasks are steps and batches of files, never single files: a Prefect task costs milliseconds and database
rows, a file costs about as much to decide. Inside the ``decide`` tasks the files run on a process pool.
Only I/O steps (intake, answer) retry, and only on :class:`~pipelines.errors.TransientError`; a bad file is
an answer (a receipt), not a failure, and a failed check of the new warehouse leaves the old one in place.
"""

from __future__ import annotations

import logging
from collections import Counter
from pathlib import Path
from typing import Any

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import TaskRun
from prefect.states import State
from prefect.tasks import Task

from pipelines.errors import TransientError
from pipelines.ledger import Arrival
from pipelines.night import STATUSES, Night, WorkerPool
from pipelines.settings import Settings, load_settings
from pipelines.worker import Chunk, Job, decide_chunk_on

log = logging.getLogger("pipelines.nightly")

RETRY_DELAYS = [10, 60, 300]


def only_transient(task: Task, task_run: TaskRun, state: State) -> bool:
    """Retry I/O that may succeed later (SFTP time-out); never a terminal error."""
    try:
        state.result()
    except TransientError:
        return True
    except Exception:  # noqa: BLE001 - anything else is terminal
        return False
    return False


@task(name="open", cache_policy=NO_CACHE)
def open_run(night: Night) -> dict[str, int]:
    repaired = night.open()
    if any(repaired.values()):
        log.info("repaired an interrupted run: %s", ", ".join(f"{v} {k}" for k, v in repaired.items() if v))
    return repaired


@task(
    name="deliver",
    retries=len(RETRY_DELAYS),
    retry_delay_seconds=RETRY_DELAYS,
    retry_condition_fn=only_transient,
    cache_policy=NO_CACHE,
)
def deliver(night: Night) -> int:
    """Receipts to outboxes, originals out of the inbox, for every committed, undelivered file."""
    try:
        return night.answer()
    except TransientError:
        night.drop_inbox()
        raise


@task(
    name="intake",
    retries=len(RETRY_DELAYS),
    retry_delay_seconds=RETRY_DELAYS,
    retry_condition_fn=only_transient,
    cache_policy=NO_CACHE,
)
def intake(night: Night) -> int:
    try:
        return night.intake()
    except TransientError:
        night.drop_inbox()
        raise


@task(name="decide", cache_policy=NO_CACHE, task_run_name="decide batch {number} of {total}")
def decide(night: Night, batch: list[Arrival], pool: WorkerPool, number: int, total: int) -> dict[str, int]:
    counts = night.decide(batch, pool)
    return dict(counts)


@task(name="decide-on-dask", cache_policy=NO_CACHE, persist_result=False)
def decide_remote(trust: str, settings: Settings, jobs: list[Job]) -> Chunk:
    """One batch decided on a Dask worker (the raw zone must be on storage the workers share)."""
    return decide_chunk_on(trust, settings, jobs)


@task(name="publish", cache_policy=NO_CACHE)
def publish(night: Night) -> int:
    return night.publish()


@task(name="serve", cache_policy=NO_CACHE)
def serve(night: Night) -> dict[str, Any]:
    return night.serve()


def report(night: Night, summary: dict[str, Any], warehouse: dict[str, Any]) -> str:
    """The run report: a markdown summary and a table with a row per facility, as Prefect artifacts."""
    rows = []
    for macskcb in sorted(night.tally.by_facility):
        counts = night.tally.by_facility[macskcb]
        top = night.tally.codes[macskcb].most_common(3)
        rows.append(
            {
                "facility": macskcb,
                "received": counts["received"],
                **{s: counts[s] for s in STATUSES},
                "top error codes": ", ".join(f"{code} ×{n}" for code, n in top) or "-",
            }
        )
    files = summary["files"]
    claims = summary["claims"]
    lines = [
        f"# Nightly run {summary['run_id']}",
        "",
        f"- files received: **{files['received']}** (accepted {files['accepted']}, partly accepted "
        f"{files['partially_accepted']}, rejected {files['rejected']}, duplicate {files['duplicate']})",
        f"- claims: accepted {claims.get('accepted', 0)}, rejected {claims.get('rejected', 0)}",
        f"- detail rows stored: {sum(summary['rows'].values())} "
        + (
            f"({', '.join(f'{k} {v}' for k, v in sorted(summary['rows'].items()))})"
            if summary["rows"]
            else ""
        ),
        f"- files still uploading, left for the next run: {summary['left_in_flight']}",
        f"- warehouse: `{warehouse['path']}` (built and checked in {warehouse['seconds']} s)",
        "- step times (s): " + ", ".join(f"{k} {v}" for k, v in summary["seconds"].items()),
    ]
    lines += [f"- note: {n}" for n in summary["notes"]]
    markdown = "\n".join(lines)
    create_markdown_artifact(markdown, key="nightly-summary", description="What the nightly run did")
    if rows:
        create_table_artifact(rows, key="nightly-facilities", description="Files per facility and outcome")
    return markdown


@flow(name="nightly", log_prints=False)
def nightly(
    landing: str,
    lake: str,
    warehouse: str,
    trust: str,
    workers: int | None = None,
    settle_seconds: float | None = None,
    config: str | None = None,
    executor: str = "local",
    reference: str | None = None,
) -> dict[str, Any]:
    """Ingest everything waiting in the facilities' inboxes and swap in the new warehouse."""
    settings = load_settings(
        Path(config) if config else None, workers=workers, settle_seconds=settle_seconds, reference=reference
    )
    night = Night(
        landing=landing, lake=Path(lake), warehouse=Path(warehouse), trust=Path(trust), settings=settings
    )
    try:
        open_run(night)
        deliver(night)  # receipts an interrupted run committed but did not deliver
        totals: Counter = Counter()
        if executor == "dask":  # the flow runs with a DaskTaskRunner (bhyt-etl ingest --executor dask)
            waiting = intake(night)
            log.info("%d files to decide on the Dask cluster", waiting)
            pending = []
            for batch in night.batches(settings.batch_size):
                jobs, duplicates = night.prepare(batch)
                future = decide_remote.submit(str(night.trust), settings, jobs) if jobs else None
                pending.append((batch, duplicates, future))
            for batch, duplicates, future in pending:  # in upload order: versions are numbered in it
                chunks = [future.result()] if future is not None else []
                totals.update(night.absorb(batch, duplicates, chunks))
        else:
            # the pool starts its workers now: they warm up while intake runs
            with WorkerPool(night.trust, settings, settings.resolved_workers) as pool:
                waiting = intake(night)
                log.info("%d files to decide (%d still uploading, left alone)", waiting, night.left_in_flight)
                batches = night.batches(settings.batch_size)
                for number, batch in enumerate(batches, 1):
                    totals.update(decide(night, batch, pool, number, len(batches)))
        log.info("decided: %s", ", ".join(f"{n} {s}" for s, n in sorted(totals.items())) or "nothing new")
        publish(night)
        delivered = deliver(night)
        log.info("receipts delivered: %d", delivered)
        built = serve(night)
        summary = night.summary()
        summary["warehouse"] = built
        report(night, summary, built)
        return summary
    except BaseException:
        night.finish("failed")
        raise
    finally:
        night.close()
