"""The commands that run the nightly flow: `bhyt-etl ingest`, `demo` and `bench`.

Their parsers and checks are here; what runs the flow is in ``ingest``, ``demo`` and ``bench``, imported by
the command's function, not at the top: they import Prefect, more than half of a command's start
(``python -X importtime``), which ``bhyt-etl --help`` (which imports every command's parser) does without,
as do the refusals made before anything starts (another run holding the lake, a missing flag).
``tests/test_architecture.py`` allows exactly these lazy imports.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from pipelines.common.settings import load_settings
from pipelines.run.lock import RunLock


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


def _cmd_demo(args: argparse.Namespace) -> int:
    from pipelines.cli.demo import run_demo  # lazy: Prefect, only for the commands that run a flow

    return run_demo(Path(args.workdir), seed=args.seed)


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``demo``, ``ingest`` and ``bench``."""
    d = sub.add_parser("demo", help="everything, offline, on generated data")
    d.add_argument("--workdir", default="demo", help="folder for the generated landing tree (default ./demo)")
    d.add_argument("--seed", type=int, default=1)
    d.set_defaults(func=_cmd_demo)
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
