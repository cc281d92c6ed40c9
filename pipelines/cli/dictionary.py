"""`bhyt-etl dictionary`: the warehouse's data dictionary as Markdown."""

from __future__ import annotations

import argparse
from pathlib import Path

from pipelines.warehouse.dictionary import render_markdown


def _cmd_dictionary(args: argparse.Namespace) -> int:
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_markdown(), encoding="utf-8")
    print(f"wrote {out}")
    return 0


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``dictionary``."""
    dd = sub.add_parser("dictionary", help="write the data dictionary (Markdown) of the warehouse")
    dd.add_argument("--out", default="docs/DATA_DICTIONARY.md")
    dd.set_defaults(func=_cmd_dictionary)
