"""`bhyt-etl`: the command line (contract in ARCHITECTURE.md), the demo and the benchmark.

The entry points, at the top of the layers: this package may import every other one. ``console`` holds what
the commands print; ``demo`` and ``bench`` are commands of their own.

The three commands that run the Prefect flow (``ingest``, ``demo``, ``bench``) are imported by their command
function, not at the top: Prefect is more than half of a command's start (``python -X importtime``), and
``verify``, ``generate``, ``report``, ``reprocess``, ``catalog`` and the rest never use it
(``tests/cli/test_cli.py`` checks that they start without it; ``tests/test_architecture.py`` allows exactly
these lazy imports).

May import: every other subpackage.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from pipelines.cli.catalog import add_catalog_parser
from pipelines.cli.operations import add_operations_parsers
from pipelines.cli.privacy import add_privacy_parser
from pipelines.common.errors import PipelineError
from pipelines.common.settings import load_settings
from pipelines.decide.process import Context, process_file
from pipelines.generate.landing import generate_landing
from pipelines.marts.report import add_report_parser
from pipelines.run.lock import RunLock
from pipelines.warehouse.dictionary import render_markdown


def _cmd_generate(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    manifest = generate_landing(
        Path(args.landing),
        Path(args.trust),
        facilities=args.facilities,
        claims=args.claims,
        seed=args.seed,
        defects=args.defects,
        period=args.period,
        reference=Path(args.reference) if args.reference else None,
        plant_identifiers=args.plant_identifiers,
        shapes=args.shapes,
    )
    claims = sum(len(f.claims) for f in manifest.files if f.kind == "claim")
    defects = sum(f.kind == "defect" for f in manifest.files)
    print(
        f"wrote {len(manifest.files)} files ({claims} claims, {defects} defects) for "
        f"{len(manifest.facilities)} facilities under {args.landing} in {time.perf_counter() - started:.1f} s"
    )
    print(f"trust directory: {args.trust}; expected outcomes: {Path(args.landing) / 'manifest.json'}")
    return 0


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


def _cmd_ingest(args: argparse.Namespace) -> int:
    settings = load_settings(
        Path(args.config) if args.config else None,
        landing=args.landing,
        lake=args.lake,
        warehouse=args.warehouse,
        trust=args.trust,
        workers=args.workers,
        settle_seconds=args.settle_seconds,
        reference=args.reference,
        executor=args.executor,
        dask_address=args.dask_address,
    )
    lake = settings.lake
    missing = [n for n in ("landing", "lake", "warehouse", "trust") if getattr(settings, n) is None]
    if missing or lake is None:
        print(
            "bhyt-etl ingest: missing "
            + ", ".join(f"--{n}" for n in missing)
            + " (or BHYT_* / settings file)",
            file=sys.stderr,
        )
        return 2
    if settings.executor == "dask" and not settings.dask_address:
        print("bhyt-etl ingest: --executor dask needs --dask-address tcp://host:8786", file=sys.stderr)
        return 2
    Path(lake).mkdir(parents=True, exist_ok=True, mode=0o750)
    lock = RunLock(Path(lake))
    lock.acquire()  # refuse before starting anything when another run holds the lake
    try:
        from pipelines.cli.ingest import run_ingest  # lazy: Prefect, only for the commands that run a flow

        return run_ingest(settings, args.config, args.verbose)
    finally:
        lock.release()


def _two_nights(text: str) -> tuple[int, int]:
    """``--files SMALL,LARGE``: two night sizes, the small one first (the bench's slope needs both)."""
    try:
        small, large = (int(n) for n in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: give two night sizes, e.g. 500,2000") from None
    if not 0 < small < large:
        raise argparse.ArgumentTypeError(f"{text!r}: the small night must be the smaller")
    return small, large


def _cmd_bench(args: argparse.Namespace) -> int:
    small, large = args.files
    sizes = [int(k) for k in args.sizes.split(",")]
    workdir = Path(args.workdir) if args.workdir else None
    # lazy: Prefect, only for the commands that run a flow
    from pipelines.cli.bench import print_bench, run_bench

    result = run_bench((small, large), sizes, args.workers, args.seed, workdir)
    print_bench(result)
    return 0


def _cmd_dictionary(args: argparse.Namespace) -> int:
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_markdown(), encoding="utf-8")
    print(f"wrote {out}")
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from pipelines.cli.demo import run_demo  # lazy: Prefect, only for the commands that run a flow

    return run_demo(Path(args.workdir), seed=args.seed)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="bhyt-etl", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    d = sub.add_parser("demo", help="everything, offline, on generated data")
    d.add_argument("--workdir", default="demo", help="folder for the generated landing tree (default ./demo)")
    d.add_argument("--seed", type=int, default=1)
    d.set_defaults(func=_cmd_demo)
    g = sub.add_parser(
        "generate", help="write signed synthetic claim files, a trust directory and a manifest"
    )
    g.add_argument("--landing", required=True, help="landing root: files go to <landing>/<MACSKCB>/inbox/")
    g.add_argument("--trust", required=True, help="trust directory to write (roots.pem, facilities.csv, ...)")
    g.add_argument("--facilities", type=int, default=3)
    g.add_argument("--claims", type=int, default=30, help="claims in all (one or a few per file)")
    g.add_argument("--seed", type=int, default=1)
    g.add_argument("--defects", action="store_true", help="add a labelled set of broken files")
    g.add_argument("--period", default="2026-10", help="settlement month YYYY-MM of the claims")
    g.add_argument("--reference", help="also write the fund's card eligibility list here (eligibility.csv)")
    g.add_argument(
        "--plant-identifiers",
        action="store_true",
        help="write patients' names, phones, CCCD and card numbers into clinical notes and other free text",
    )
    g.add_argument(
        "--shapes",
        choices=("standard", "real"),
        default="standard",
        help="real: write about half the files the ways real exporters do (accepted with STD.* warnings; "
        "docs/conformance.md)",
    )
    g.set_defaults(func=_cmd_generate)
    i = sub.add_parser("ingest", help="one nightly run: inboxes → lake → warehouse, receipts to outboxes")
    i.add_argument("--landing", help="landing root: a folder, or sftp://user@host:port/path")
    i.add_argument("--lake", help="lake folder (raw zone, Parquet tables, ledger)")
    i.add_argument("--warehouse", help="DuckDB file to (re)build and swap in")
    i.add_argument("--trust", help="trust directory (roots.pem, facilities.csv, ...)")
    i.add_argument("--workers", type=int, help="worker processes (default: one per core)")
    i.add_argument(
        "--settle-seconds", type=float, help="wait this long to see uploads still growing (default 2)"
    )
    i.add_argument("--config", help="settings TOML file")
    i.add_argument("--reference", help="folder with the fund's card eligibility list (eligibility.csv)")
    i.add_argument(
        "--executor",
        choices=("local", "dask"),
        help="decide files on this machine's process pool (default) or on a Dask cluster",
    )
    i.add_argument("--dask-address", help="scheduler of the Dask cluster, e.g. tcp://10.0.0.5:8786")
    i.add_argument("--verbose", action="store_true", help="show Prefect's own task and state messages")
    i.set_defaults(func=_cmd_ingest)
    b = sub.add_parser(
        "bench", help="the real nightly ingest at two night sizes against its floor, and an empty night"
    )
    b.add_argument(
        "--files",
        type=_two_nights,
        default="500,2000",
        help="files in the small and the large night: SMALL,LARGE, SMALL < LARGE",
    )
    b.add_argument("--sizes", default="20,100", help="file sizes to measure, in KiB")
    b.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    b.add_argument("--seed", type=int, default=7)
    b.add_argument("--workdir", help="keep the generated tree, lake and warehouse here (default: temporary)")
    b.set_defaults(func=_cmd_bench)
    dd = sub.add_parser("dictionary", help="write the data dictionary (Markdown) of the warehouse")
    dd.add_argument("--out", default="docs/DATA_DICTIONARY.md")
    dd.set_defaults(func=_cmd_dictionary)
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

    add_report_parser(sub)
    add_operations_parsers(sub)  # reprocess, check, rebuild, backup (pipelines/cli/operations.py)
    add_privacy_parser(sub)
    add_catalog_parser(sub)  # catalogue load/list (pipelines/cli/catalog.py)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.func(args)
        return code
    except PipelineError as exc:
        print(f"bhyt-etl: {exc}", file=sys.stderr)
        return getattr(exc, "exit_code", 2)
    except (ValueError, OSError) as exc:
        print(f"bhyt-etl {args.command}: {exc}", file=sys.stderr)
        return 2
