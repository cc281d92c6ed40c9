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
from pipelines.run.backup import backup
from pipelines.run.check import check_lake, quick_check
from pipelines.run.ledger import Ledger
from pipelines.run.night import Night
from pipelines.run.rebuild import run_rebuild
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


def _cmd_check(args: argparse.Namespace) -> int:
    settings = _settings(args)
    if settings.lake is None:
        print("bhyt-etl check: missing --lake (or BHYT_LAKE / settings file)", file=sys.stderr)
        return 2
    lake = Path(settings.lake)
    if args.quick:
        ledger = Ledger.read_only(lake / "ledger.sqlite")
        try:
            problems = quick_check(lake, ledger.part_details())
        finally:
            ledger.close()
        for problem in problems:
            print(problem)
        return 1 if problems else 0
    checked = check_lake(lake, Path(settings.warehouse) if settings.warehouse else None)
    problems = checked.problems or []
    for problem in problems:
        print(problem)
    print(
        f"checked {checked.raw_files} raw files, {checked.lake_files} lake files, {checked.views} warehouse "
        f"objects: {len(problems)} problem(s)",
        file=sys.stderr,
    )
    return 1 if problems else 0


def _cmd_rebuild(args: argparse.Namespace) -> int:
    night = _night(args, ("lake", "warehouse", "trust"))
    if night is None:
        return 2
    summary = run_rebuild(night, tuple(args.run or ()))
    r = summary["rebuild"]
    for path in r["restored"]:
        print(f"restored {path}")
    for line in r["left"]:
        print(f"NOT restored {line}")
    print(
        f"rebuild {summary['run_id']}: {len(r['damaged'])} damaged or missing, {len(r['restored'])} restored"
    )
    return 1 if r["left"] else 0


def _cmd_backup(args: argparse.Namespace) -> int:
    settings = _settings(args)
    if settings.lake is None:
        print("bhyt-etl backup: missing --lake (or BHYT_LAKE / settings file)", file=sys.stderr)
        return 2
    done = backup(Path(settings.lake), Path(args.dest), link=args.link)
    for problem in done.problems or []:
        print(problem)
    print(
        f"backup to {done.dest}: {done.copied} files {'linked' if args.link else 'copied'} "
        f"({done.bytes / 1e6:.1f} MB), {done.kept} already there, in {done.seconds} s"
    )
    return 1 if done.problems else 0


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

    c = sub.add_parser(
        "check", help="verify raw zone, lake and warehouse (read-only); non-zero on any problem"
    )
    c.add_argument("--quick", action="store_true", help="only existence and sizes of the lake's files")
    _paths(c, "lake", "warehouse")
    c.set_defaults(func=_cmd_check)

    b = sub.add_parser(
        "rebuild", help="rewrite damaged or missing lake files from the raw zone, then the warehouse"
    )
    b.add_argument(
        "--from-raw", action="store_true", required=True, help="decide the raw files again (the only source)"
    )
    b.add_argument(
        "--run", action="append", help="only the files of this run (repeatable); default: every run"
    )
    b.add_argument("--workers", type=int, help="worker processes (default: one per core)")
    _paths(b, "landing", "lake", "warehouse", "trust", "reference")
    b.set_defaults(func=_cmd_rebuild)

    k = sub.add_parser("backup", help="a consistent, incremental copy of the ledger, raw zone and lake files")
    k.add_argument("dest", help="backup folder (another disk); a lake itself: restore by copying it back")
    k.add_argument("--link", action="store_true", help="hard links instead of copies (same file system only)")
    _paths(k, "lake")
    k.set_defaults(func=_cmd_backup)
