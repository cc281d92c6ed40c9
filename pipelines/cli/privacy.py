"""``bhyt-etl privacy-report``: what the analytics copy's privacy profile removes, and the re-identification
risk measured at each build (``ops.privacy``: k achieved, claims generalised and suppressed)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import duckdb

from pipelines.common.settings import load_settings
from pipelines.warehouse.identity import profiles
from pipelines.warehouse.privacy import SUPPRESSION_ORDER, privacy_rows


def analytics_file(args: argparse.Namespace) -> Path | None:
    """``--analytics``, else the settings' analytics warehouse, else ``<warehouse>-analytics.duckdb``."""
    if args.analytics:
        return Path(args.analytics)
    settings = load_settings(Path(args.config) if args.config else None, warehouse=args.warehouse)
    if settings.analytics_warehouse:
        return Path(settings.analytics_warehouse)
    if settings.warehouse:
        w = Path(settings.warehouse)
        return w.with_name(f"{w.stem}-analytics{w.suffix or '.duckdb'}")
    return None


def render(rows: list[dict[str, Any]]) -> str:
    """The latest build's profile, what it removes and what remains; then one line per build."""
    if not rows:
        return "no build of the analytics copy has recorded its privacy figures yet (ops.privacy is empty)"
    latest = rows[0]
    profile = profiles()[latest["profile"]]
    k_ok = latest["k_achieved"] >= latest["k"]
    lines = [
        f"analytics copy: profile {profile.name}" + (" (the default)" if profile.default else ""),
        f"  standard: {' '.join(profile.standard.split())}",
        f"  removes:  {' '.join(profile.removes.split())}",
        f"  remains:  {' '.join(profile.remains.split())}",
        f"  k-anonymity over {', '.join(latest['quasi_identifiers'])}: k = {latest['k_achieved']} "
        f"(required {latest['k']}{'' if profile.name == 'deidentified' else ', measured only'})"
        + ("" if k_ok or profile.name != "deidentified" else f"; {latest['below_k']} claims still below k"),
    ]
    by_step = latest["suppressed_by"]
    by_step = json.loads(by_step) if isinstance(by_step, str) else (by_step or {})
    if by_step:
        lines.append(
            "  claims suppressed, by step: "
            + ", ".join(
                f"{i}. {name} {by_step.get(name, 0)}" for i, (name, _) in enumerate(SUPPRESSION_ORDER, 1)
            )
        )
    lines.append("")
    lines.append(
        f"{'run':<26} {'built (UTC)':<17} {'profile':<13} {'k':>3} {'k got':>6} {'claims':>9} "
        f"{'groups':>8} {'generalised':>12} {'suppressed':>11} {'below k':>8} {'seconds':>8}"
    )
    for r in rows:
        built = r["built_at"].strftime("%Y-%m-%d %H:%M") if r["built_at"] else ""
        lines.append(
            f"{r['run_id']:<26} {built:<17} {r['profile']:<13} {r['k']:>3} {r['k_achieved']:>6} "
            f"{r['records']:>9} {r['groups']:>8} {r['generalised']:>12} {r['suppressed']:>11} "
            f"{r['below_k']:>8} {r['seconds']:>8.2f}"
        )
    return "\n".join(lines)


def _cmd_privacy_report(args: argparse.Namespace) -> int:
    path = analytics_file(args)
    if path is None:
        print(
            "bhyt-etl privacy-report: give --analytics FILE or --warehouse FILE (or a settings file)",
            file=sys.stderr,
        )
        return 2
    if not path.exists():
        print(f"bhyt-etl privacy-report: no analytics copy at {path} (has a night run?)", file=sys.stderr)
        return 2
    con = duckdb.connect(str(path), read_only=True)
    try:
        has = con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'ops' AND table_name = 'privacy'"
        ).fetchone()
        rows = privacy_rows(con, args.last) if has and has[0] else []
    finally:
        con.close()
    if args.json:
        print(json.dumps(rows, default=str, ensure_ascii=False, indent=1))
    else:
        print(render(rows))
    return 0


def add_privacy_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``privacy-report [--analytics FILE | --warehouse FILE] [--last N] [--json]``."""
    p = subparsers.add_parser(
        "privacy-report",
        help="the analytics copy's privacy profile and the k-anonymity measured at each build (ops.privacy)",
    )
    p.add_argument("--analytics", help="the analytics copy (default: <warehouse>-analytics.duckdb)")
    p.add_argument("--warehouse", help="the full warehouse, to find its analytics copy")
    p.add_argument("--config", help="settings TOML file")
    p.add_argument("--last", type=int, default=14, help="how many builds to list (default 14)")
    p.add_argument("--json", action="store_true", help="the rows of ops.privacy as JSON")
    p.set_defaults(func=_cmd_privacy_report)
