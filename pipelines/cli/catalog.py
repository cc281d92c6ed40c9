"""The reviewer's commands (issue 14).

``bhyt-etl catalog load KIND FILE`` and ``bhyt-etl catalog list``: the catalogues in the lake
(:mod:`pipelines.reference`); ``bhyt-etl review --recheck``: the rules run again over the claims already
reviewed (:func:`pipelines.marts.review.recheck`)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from pipelines.cli.review_bench import DEFAULT_SIZES, print_review_bench, run_review_bench
from pipelines.common.errors import ConfigurationError
from pipelines.common.settings import load_settings
from pipelines.generate.reviewer_catalogs import read_index
from pipelines.marts.review import open_for_recheck, recheck
from pipelines.reference.kinds import load_kinds
from pipelines.reference.read import parse_date
from pipelines.reference.store import list_versions, load_catalog
from pipelines.run.lake import file_sha256
from pipelines.run.ledger import Ledger
from pipelines.run.lock import RunLock


def _lake(args: argparse.Namespace) -> Path:
    settings = load_settings(Path(args.config) if args.config else None, lake=args.lake)
    if settings.lake is None:
        raise ConfigurationError(
            f"bhyt-etl {args.command}: give --lake (or BHYT_LAKE, or lake in the settings file)"
        )
    return Path(settings.lake)


def _cmd_review(args: argparse.Namespace) -> int:
    if args.bench:
        sizes = {"drugs": args.drugs, "services": args.services, "staff": args.staff}
        workdir = Path(args.workdir) if args.workdir else None
        print_review_bench(run_review_bench(args.claims, sizes=sizes, workdir=workdir))
        return 0
    if not args.recheck:
        raise ConfigurationError("bhyt-etl review: say what to do (--recheck or --bench)")
    settings = load_settings(
        Path(args.config) if args.config else None, lake=args.lake, warehouse=args.warehouse
    )
    if settings.lake is None or settings.warehouse is None:
        raise ConfigurationError("bhyt-etl review: give --lake and --warehouse (or BHYT_* / settings file)")
    since = None
    if args.since:
        try:
            year, month = (int(x) for x in args.since.split("-"))
        except ValueError as e:
            raise ConfigurationError(f"--since {args.since!r}: give a month as YYYY-MM") from e
        if not 1 <= month <= 12:
            raise ConfigurationError(f"--since {args.since!r}: give a month as YYYY-MM")
        since = (year, month)
    lake = Path(settings.lake)
    lock = RunLock(lake)
    lock.acquire()  # not while a night writes findings
    try:
        con = open_for_recheck(Path(settings.warehouse), lake)
        try:
            info = recheck(con, lake, since=since, rule_codes=args.rules)
        finally:
            con.close()
        if info["rewritten"]:  # the ledger lists every lake file with its rows, size and checksum
            ledger = Ledger(lake / "ledger.sqlite")
            try:
                for rel, rows, size in info["rewritten"]:
                    ledger.replace_part(rel, rows, size, file_sha256(lake / rel))
            finally:
                ledger.close()
    finally:
        lock.release()
    print(
        f"rechecked {info['claims']} claims with {info['rules']} rules (rule set {info['ruleset']}): "
        f"{info['files_rewritten']} findings files rewritten, findings {info['findings_before']} -> "
        f"{info['findings_after']} in {info['seconds']} s"
    )
    return 0


def _valid_from(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return parse_date(text)
    except ValueError as e:
        raise ConfigurationError(f"--valid-from: {e}") from e


def _cmd_load(args: argparse.Namespace) -> int:
    version = load_catalog(
        _lake(args),
        args.kind,
        Path(args.file),
        facility=args.facility,
        valid_from=_valid_from(args.valid_from),
    )
    scope = version.facility or "national"
    since = f"{version.version_from:%d/%m/%Y}" if version.version_from else "always (first version)"
    if version.already_loaded:
        print(
            f"{args.file}: already loaded as {version.kind} {scope} version {version.version_id}; "
            "nothing written"
        )
        return 0
    print(
        f"loaded {version.rows} {version.kind} entries for {scope} from {version.source_file}, "
        f"valid from {since}: version {version.version_id}"
    )
    if version.ignored_columns:
        print(f"columns not used: {', '.join(version.ignored_columns)}")
    return 0


def load_generated(folder: Path, lake: Path) -> int:
    """Load the catalogues a generated night wrote (``<reference>/catalogs``, ``catalogs.json``) into ``lake``
    as the operator would, one ``catalog load`` each; returns how many lists were loaded."""
    index = read_index(folder)
    for f in index:
        load_catalog(lake, f.kind, folder / f.file, facility=f.facility)
    return len(index)


def _cmd_list(args: argparse.Namespace) -> int:
    versions = list_versions(_lake(args), args.kind)
    if args.json:
        json.dump([v.as_dict() for v in versions], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    if not versions:
        print("no catalogue loaded")
        return 0
    print(f"{'kind':<12} {'scope':<10} {'valid from':<12} {'rows':>7}  {'loaded at (UTC)':<20} file")
    for v in versions:
        since = f"{v.version_from:%d/%m/%Y}" if v.version_from else "always"
        print(
            f"{v.kind:<12} {v.facility or 'national':<10} {since:<12} {v.rows:>7}  "
            f"{v.loaded_at:%Y-%m-%d %H:%M:%S}  {v.source_file}"
        )
    return 0


def add_catalog_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``catalog load``, ``catalog list`` and ``review --recheck``."""
    r = subparsers.add_parser(
        "review",
        help="run the review rules again over the claims already reviewed (after a catalogue or rule change)",
        description="Run the rules again over the current claim versions already reviewed and write their "
        "findings back into the lake (review/findings), each with the rule-set version that produced it. "
        "Rechecking twice changes nothing. The served warehouse shows the new findings at once; rules added "
        "since its build show from the next night's build.",
    )
    r.add_argument("--recheck", action="store_true", help="recheck the history")
    r.add_argument(
        "--bench", action="store_true", help="time the review with catalogues of realistic size (generated)"
    )
    r.add_argument("--claims", type=int, default=2000, help="--bench: claims to generate")
    r.add_argument("--drugs", type=int, default=DEFAULT_SIZES["drugs"], help="--bench: drugs per facility")
    r.add_argument(
        "--services", type=int, default=DEFAULT_SIZES["services"], help="--bench: service prices per facility"
    )
    r.add_argument("--staff", type=int, default=DEFAULT_SIZES["staff"], help="--bench: staff per facility")
    r.add_argument("--workdir", help="--bench: keep the generated tree, lake and warehouse here")
    r.add_argument("--since", help="only claims settled in this month or later (YYYY-MM)")
    r.add_argument("--rules", nargs="+", metavar="CODE", help="only these rules (review.rules.rule_code)")
    r.add_argument("--lake", help="lake folder (default: BHYT_LAKE / settings file)")
    r.add_argument("--warehouse", help="the served warehouse (default: BHYT_WAREHOUSE / settings file)")
    r.add_argument("--config", help="settings TOML file")
    r.set_defaults(func=_cmd_review)
    kinds = list(load_kinds())
    c = subparsers.add_parser("catalog", help="load and list the reviewer's catalogues (dated versions)")
    sub = c.add_subparsers(dest="catalog_command", required=True)
    ld = sub.add_parser(
        "load",
        help="load one catalogue file (.csv or .xlsx) as a new dated version",
        description="Read FILE as a KIND catalogue (the BHXH portal template layouts; "
        "data/catalogs/README.md) and write it into the lake as a new version; the old versions stay. "
        "A bad row is refused with its row and column, and nothing is written.",
    )
    ld.add_argument("kind", choices=kinds)
    ld.add_argument("file")
    ld.add_argument("--facility", help="MACSKCB of the facility whose list it is (facility lists)")
    ld.add_argument(
        "--valid-from",
        help="first day the version applies (dd/mm/yyyy or yyyy-mm-dd); default: the day it is loaded, "
        "or every day for the first version of the kind and facility",
    )
    ld.add_argument("--lake", help="lake folder (default: BHYT_LAKE / settings file)")
    ld.add_argument("--config", help="settings TOML file")
    ld.set_defaults(func=_cmd_load)
    ls = sub.add_parser("list", help="what is loaded, and since when")
    ls.add_argument("--kind", choices=kinds)
    ls.add_argument("--json", action="store_true", help="as JSON")
    ls.add_argument("--lake", help="lake folder (default: BHYT_LAKE / settings file)")
    ls.add_argument("--config", help="settings TOML file")
    ls.set_defaults(func=_cmd_list)
