"""The ``nightly`` flow: :func:`pipelines.run.night.run_night` with each step wrapped in a Prefect task.

The order of the steps, the pool (local processes or Dask) and the batching are decided in
``pipelines.run.night``, once; this module only makes each step a task (so the operator sees it, timed, in the
Prefect UI) and publishes the run report as artifacts. Tasks are steps and batches of files, never single
files: a Prefect task costs milliseconds and database rows, a file costs about as much to decide. Only I/O
steps (intake, deliver) retry, and only on :class:`~pipelines.common.errors.TransientError`; a bad file is an
answer (a receipt), not a failure, and a failed check of the new warehouse leaves the old one in place.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import TaskRun
from prefect.states import State
from prefect.tasks import Task

from pipelines.common.errors import TransientError
from pipelines.common.settings import load_settings
from pipelines.run.night import RETRY_DELAYS, Night, run_night
from pipelines.run.report import render_summary

T = TypeVar("T")


def only_transient(task: Task[..., Any], task_run: TaskRun, state: State[Any]) -> bool:
    """Retry I/O that may succeed later (SFTP time-out); never a terminal error."""
    try:
        state.result()
    except TransientError:
        return True
    except Exception:  # noqa: BLE001 - anything else is terminal
        return False
    return False


@task(cache_policy=NO_CACHE, persist_result=False)
def _step(fn: Callable[[], T]) -> T:
    return fn()


def prefect_step(name: str, fn: Callable[[], T], *, io: bool = False, label: str | None = None) -> T:
    """One step of the night as a Prefect task named after it; I/O steps retry on transient errors."""
    options: dict[str, Any] = {"name": name, "task_run_name": label or name}
    if io:
        options.update(
            retries=len(RETRY_DELAYS),
            retry_delay_seconds=list(RETRY_DELAYS),
            retry_condition_fn=only_transient,
        )
    return _step.with_options(**options)(fn)


@flow(name="nightly", log_prints=False)
def nightly(
    landing: str,
    lake: str,
    warehouse: str,
    trust: str,
    workers: int | None = None,
    settle_seconds: float | None = None,
    config: str | None = None,
    executor: str | None = None,
    dask_address: str | None = None,
    reference: str | None = None,
) -> dict[str, Any]:
    """Ingest everything waiting in the facilities' inboxes and swap in the new warehouse."""
    settings = load_settings(
        Path(config) if config else None,
        workers=workers,
        settle_seconds=settle_seconds,
        reference=reference,
        executor=executor,
        dask_address=dask_address,
    )
    night = Night(
        landing=landing, lake=Path(lake), warehouse=Path(warehouse), trust=Path(trust), settings=settings
    )
    summary = run_night(night, prefect_step)
    create_markdown_artifact(
        render_summary(summary), key="nightly-summary", description="What the nightly run did"
    )
    if summary["facilities"]:
        create_table_artifact(
            summary["facilities"], key="nightly-facilities", description="Files per facility and outcome"
        )
    return summary
