"""``bhyt-etl catalog load KIND FILE`` and ``bhyt-etl catalog list``: the reviewer's catalogues in the lake
(:mod:`pipelines.reference`)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from pipelines.common.errors import ConfigurationError
from pipelines.common.settings import load_settings
from pipelines.reference.kinds import load_kinds
from pipelines.reference.read import parse_date
from pipelines.reference.store import list_versions, load_catalog


def _lake(args: argparse.Namespace) -> Path:
    settings = load_settings(Path(args.config) if args.config else None, lake=args.lake)
    if settings.lake is None:
        raise ConfigurationError("bhyt-etl catalog: give --lake (or BHYT_LAKE, or lake in the settings file)")
    return Path(settings.lake)


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
    """Register ``catalog load`` and ``catalog list``."""
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
