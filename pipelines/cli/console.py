"""What the commands print: our progress lines on the console, Prefect's own chatter off unless asked for."""

from __future__ import annotations

import logging
import os
import sys
from contextlib import ExitStack
from typing import Any

from prefect.logging.configuration import setup_logging
from prefect.settings import PREFECT_LOGGING_LEVEL, temporary_settings

#: the Prefect settings a command runs with, kept until the process ends
_SETTINGS = ExitStack()


def quiet_prefect(verbose: bool = False) -> None:
    """Prefect's own console chatter off (task states, temporary server notices) unless asked for; our
    progress lines go through the ``pipelines`` logger (a deployment ships it to the run's logs with
    ``PREFECT_LOGGING_EXTRA_LOGGERS=pipelines``, see prefect.yaml)."""
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO" if verbose else "WARNING")
    os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault(
        "PREFECT_SERVER_ANALYTICS_ENABLED", "false"
    )  # no telemetry: nothing leaves the machine
    # Prefect read its settings when it was imported: for the rest of this command, its level is ours
    _SETTINGS.enter_context(
        temporary_settings(updates={PREFECT_LOGGING_LEVEL: "INFO" if verbose else "WARNING"})
    )
    setup_logging(incremental=False)
    if not verbose:
        # a failed run is reported once, by the command, with what to do; Prefect's engine would log the
        # same exception again with its traceback for every task and for the flow
        for name in ("prefect.flow_runs", "prefect.task_runs"):
            logging.getLogger(name).setLevel(logging.CRITICAL)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s  %(message)s", "%H:%M:%S"))
    root = logging.getLogger("pipelines")
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    root.propagate = False  # Prefect's console handler on the root logger would print each line twice


def print_summary(summary: dict[str, Any], warehouse: str) -> None:
    files, claims = summary["files"], summary["claims"]
    print(
        f"run {summary['run_id']}: {files['received']} files: {files['accepted']} accepted, "
        f"{files['partially_accepted']} partly accepted, {files['rejected']} rejected, "
        f"{files['duplicate']} duplicate; claims {claims.get('accepted', 0)} accepted, "
        f"{claims.get('rejected', 0)} rejected"
    )
    if summary["left_in_flight"]:
        print(f"{summary['left_in_flight']} files still uploading were left for the next run")
    for note in summary["notes"]:
        print(note)
    steps = ", ".join(f"{k} {v:.1f}s" for k, v in summary["seconds"].items())
    print(f"warehouse {warehouse} ready ({steps})")
