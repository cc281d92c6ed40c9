"""`bhyt-etl generate`: signed synthetic claim files, their trust directory and the manifest of what each file
must get."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from pipelines.generate.landing import generate_landing


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


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``generate``."""
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
