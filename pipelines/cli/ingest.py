"""`bhyt-etl ingest`: one night through the Prefect flow, with the command's console.

The commands that run a flow (``ingest``, ``demo``, ``bench``) live in modules of their own that their
command functions (``pipelines/cli/nights.py``) import only when one of them runs: they import Prefect, more
than half of a command's start (measured with ``python -X importtime``, docs/development.md), which
``verify``, ``generate``, ``report``, ``reprocess``, the other commands and ``bhyt-etl --help`` never need.
"""

from __future__ import annotations

from pipelines.cli.console import print_summary, quiet_prefect
from pipelines.common.settings import Settings
from pipelines.flows.nightly import nightly


def run_ingest(settings: Settings, config: str | None, verbose: bool) -> int:
    """The nightly flow on ``settings`` (landing, lake, warehouse and trust already checked), then its
    summary; the caller holds the lake's run lock."""
    quiet_prefect(verbose)
    summary = nightly(
        landing=str(settings.landing),
        lake=str(settings.lake),
        warehouse=str(settings.warehouse),
        trust=str(settings.trust),
        workers=settings.workers,
        settle_seconds=settings.settle_seconds,
        config=config,
        executor=settings.executor,
        dask_address=settings.dask_address,
        reference=str(settings.reference) if settings.reference else None,
    )
    print_summary(summary, str(settings.warehouse))
    return 0
