"""The ``reprocess`` flow: :func:`pipelines.run.reprocess.run_reprocess`, each step wrapped in a Prefect task.

Run by hand (the deployment ``reprocess/reprocess`` in ``prefect.yaml`` has no schedule): after a facility's
certificate is registered late, or a rule that refused claims is corrected, the operator starts it from the
Prefect UI or ``prefect deployment run reprocess/reprocess -p status=rejected -p codes='["SIG.NOT_BOUND"]'``.
The steps, their order and retries are those of ``bhyt-etl reprocess`` (the same function); this module only
makes each step a task and publishes what changed as an artifact.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from prefect import flow
from prefect.artifacts import create_markdown_artifact

from pipelines.common.settings import load_settings
from pipelines.flows.nightly import prefect_step
from pipelines.run.night import Night
from pipelines.run.report import render_summary
from pipelines.run.reprocess import Selection, run_reprocess


@flow(name="reprocess", log_prints=False)
def reprocess(
    landing: str,
    lake: str,
    warehouse: str,
    trust: str,
    status: str = "rejected",
    since: date | None = None,
    until: date | None = None,
    facility: str | None = None,
    codes: list[str] | None = None,
    workers: int | None = None,
    config: str | None = None,
) -> dict[str, Any]:
    """Decide the chosen raw-zone files again with today's code and trust directory."""
    settings = load_settings(Path(config) if config else None, workers=workers)
    night = Night(
        landing=landing, lake=Path(lake), warehouse=Path(warehouse), trust=Path(trust), settings=settings
    )
    selection = Selection(
        status=status, since=since, until=until, facility=facility, codes=tuple(codes or ())
    )
    summary = run_reprocess(night, selection, prefect_step)
    r = summary["reprocess"]
    create_markdown_artifact(
        render_summary(summary)
        + f"\n- reprocess ({r['selection']}): {r['chosen']} chosen, {r['changed']} changed, "
        f"{r['unchanged']} unchanged, {r['claims_newly_accepted']} claims newly accepted, "
        f"{r['amended_receipts']} amended receipts",
        key="reprocess-summary",
        description="What the reprocess run changed",
    )
    return summary
