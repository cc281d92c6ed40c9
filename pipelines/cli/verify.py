"""`bhyt-etl verify`: one file's receipt, as ingest would give it, for facility IT staff (no lake, no run)."""

from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import UTC, datetime
from pathlib import Path

from pipelines.common.settings import load_settings
from pipelines.decide.process import Context, process_file


def _cmd_verify(args: argparse.Namespace) -> int:
    path = Path(args.file)
    settings = load_settings(Path(args.config) if args.config else None)
    ctx = Context.create(Path(args.trust), settings, strict=args.strict)
    folder = args.facility or (path.parent.parent.name if path.parent.name == "inbox" else None)
    raw = path.read_bytes()
    if folder is None:  # a facility checking its own file: take MACSKCB from the file itself
        m = re.search(rb"<MACSKCB>\s*([0-9A-Za-z]{5})\s*</MACSKCB>", raw)
        if m is None and re.search(rb"<CHI_TIEU_GIAM_DINH_YKHOA[\s>]", raw[:4096]):
            print(
                f"bhyt-etl verify: {path.name} is a stand-alone XML12 message, which names no facility: give "
                "--facility MACSKCB (its signer must be registered for that facility)",
                file=sys.stderr,
            )
            return 2
        folder = m.group(1).decode() if m else ""
    result = process_file(
        raw, file_name=path.name, folder_macskcb=folder, received_at=datetime.now(UTC), ctx=ctx
    )
    json.dump(result.receipt, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0 if result.status in ("accepted", "partially_accepted") else 1


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``verify``."""
    v = sub.add_parser("verify", help="one file: the receipt ingest would give it, as JSON on stdout")
    v.add_argument("file")
    v.add_argument("--trust", required=True)
    v.add_argument(
        "--facility",
        help="facility folder (MACSKCB) the file was sent to; default: from the path "
        "<MACSKCB>/inbox/FILE, else the file's own MACSKCB",
    )
    v.add_argument("--config", help="settings TOML file")
    v.add_argument(
        "--strict",
        action="store_true",
        help="check against the standard's text: conformance warnings (STD.*) count as errors that reject "
        "their claim (docs/conformance.md)",
    )
    v.set_defaults(func=_cmd_verify)
