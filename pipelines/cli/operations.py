"""The operator's commands for keeping the lake for years: ``reprocess``, ``check``, ``rebuild``, ``backup``.

Each reads its paths (landing, lake, warehouse, trust, reference) from flags, ``BHYT_*`` variables or the
settings file (``--config`` / ``BHYT_CONFIG``), as ``ingest`` does, so an operator types
``bhyt-etl reprocess --status rejected`` alone. They run the plain steps in this process (no Prefect server
needed); the ``reprocess`` deployment (``prefect.yaml``) runs the same steps as Prefect tasks.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from pipelines.common.settings import Settings, load_settings
from pipelines.run.night import Night
from pipelines.run.reprocess import STATUS_CHOICES, Selection, run_reprocess


def _settings(args: argparse.Namespace) -> Settings:
    flags: dict[str, Any] = {
        name: getattr(args, name, None)
        for name in ("landing", "lake", "warehouse", "trust", "workers", "reference")
    }
    return load_settings(Path(args.config) if args.config else None, **flags)


def _night(args: argparse.Namespace, needed: tuple[str, ...]) -> Night | None:
    settings = _settings(args)
    missing = [n for n in needed if getattr(settings, n) is None]
    if missing:
        print(
            f"bhyt-etl {args.command}: missing "
            + ", ".join(f"--{n}" for n in missing)
            + " (or BHYT_* / settings file)",
            file=sys.stderr,
        )
        return None
    return Night(
        landing=str(settings.landing or ""),
        lake=Path(str(settings.lake)),
        warehouse=Path(str(settings.warehouse)),
        trust=Path(str(settings.trust or "")),
        settings=settings,
    )


def _cmd_reprocess(args: argparse.Namespace) -> int:
    night = _night(args, ("landing", "lake", "warehouse", "trust"))
    if night is None:
        return 2
    selection = Selection(
        status=args.status,
        since=args.since,
        until=args.until,
        facility=args.facility,
        codes=tuple(args.code or ()),
    )
    summary = run_reprocess(night, selection)
    r = summary["reprocess"]
    print(
        f"reprocess {summary['run_id']} ({r['selection']}): {r['chosen']} chosen, {r['changed']} changed, "
        f"{r['unchanged']} unchanged; {r['claims_newly_accepted']} claims newly accepted; "
        f"{r['amended_receipts']} amended receipts delivered"
    )
    return 0


def _paths(p: argparse.ArgumentParser, *names: str) -> None:
    helps = {
        "landing": "landing root: a folder, or sftp://user@host:port/path",
        "lake": "lake folder (raw zone, Parquet tables, ledger)",
        "warehouse": "DuckDB file of the warehouse",
        "trust": "trust directory (roots.pem, facilities.csv, ...)",
        "reference": "folder with the fund's card eligibility list (eligibility.csv)",
    }
    for name in names:
        p.add_argument(f"--{name}", help=helps[name])
    p.add_argument("--config", help="settings TOML file")


def add_operations_parsers(sub: Any) -> None:
    """``reprocess``, ``check``, ``rebuild``, ``backup`` (docs/operating.md)."""
    r = sub.add_parser(
        "reprocess",
        help="decide raw-zone files again with today's code and trust directory (a run of its own)",
    )
    r.add_argument("--since", type=date.fromisoformat, help="uploads received on or after this day (UTC)")
    r.add_argument("--until", type=date.fromisoformat, help="uploads received on or before this day (UTC)")
    r.add_argument("--facility", help="only this facility (MACSKCB)")
    r.add_argument(
        "--status",
        choices=STATUS_CHOICES,
        default="rejected",
        help="current decision to choose (default rejected; all: every decision but duplicate)",
    )
    r.add_argument(
        "--code", action="append", help="only files whose receipt has this code (repeatable): SIG.NOT_BOUND"
    )
    r.add_argument("--workers", type=int, help="worker processes (default: one per core)")
    _paths(r, "landing", "lake", "warehouse", "trust", "reference")
    r.set_defaults(func=_cmd_reprocess)
