"""`bhyt-etl demo`: two nights of the real product on generated data, offline.

Night one: three facilities upload signed claims plus a labelled set of broken files; the nightly flow
answers every file and builds the warehouse. Night two: one facility sends a file again unchanged
(``duplicate``) and another sends a corrected claim (a second version becomes current). Then the example
queries an analyst can paste (``pipelines/sql/examples/*.sql``) run against the warehouse.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import duckdb

from pipelines.cli.catalog import load_generated
from pipelines.cli.console import print_summary, quiet_prefect
from pipelines.flows.nightly import nightly
from pipelines.generate.landing import generate_landing, generate_resends
from pipelines.marts.examples import example_queries

MARKER = ".bhyt-demo"


def _prepare(work: Path) -> bool:
    if work.exists() and any(work.iterdir()) and not (work / MARKER).exists():
        print(
            f"bhyt-etl demo: {work} is not empty and was not made by a demo; choose another --workdir",
            file=sys.stderr,
        )
        return False
    for old in ("landing", "trust", "lake", "reference", "warehouse.duckdb"):
        target = work / old
        if target.is_dir():
            shutil.rmtree(target)
        else:
            target.unlink(missing_ok=True)
    work.mkdir(parents=True, exist_ok=True)
    (work / MARKER).write_text("made by bhyt-etl demo; the next demo run replaces this folder's contents\n")
    return True


def _night(work: Path, label: str) -> dict[str, Any]:
    print(f"\n== {label}: the nightly flow ==")
    summary = nightly(
        landing=str(work / "landing"),
        lake=str(work / "lake"),
        warehouse=str(work / "warehouse.duckdb"),
        trust=str(work / "trust"),
        settle_seconds=0.5,
        reference=str(work / "reference"),
    )
    print_summary(summary, str(work / "warehouse.duckdb"))
    return summary


def _receipt(work: Path, macskcb: str, name: str) -> dict[str, Any]:
    path = work / "landing" / macskcb / "outbox" / f"{name}.receipt.json"
    receipt: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return receipt


def _check(work: Path, entries: list, *, show_all: bool) -> int:
    """Print what each (broken) file got, against what the generator says it must get; count surprises."""
    surprises = 0
    print(f"\n{'file':<58} {'status':<19} codes")
    for entry in sorted(entries, key=lambda e: e.path):
        receipt = _receipt(work, entry.macskcb, Path(entry.path).name)
        codes = sorted({e["code"] for e in receipt["errors"]})
        ok = receipt["status"] == entry.expected_status and set(entry.expected_codes) <= set(codes)
        surprises += not ok
        if show_all or entry.kind in ("defect", "message") or entry.expected_codes or not ok:
            versions = [c["version"] for c in receipt["claims"] if c.get("version")]
            extra = f"  (version {max(versions)})" if versions and max(versions) > 1 else ""
            print(
                f"{entry.path:<58} {receipt['status']:<19} {', '.join(codes)}{extra}"
                + ("" if ok else f"   <-- expected {entry.expected_status}")
            )
    return surprises


def run_demo(workdir: Path, seed: int = 1) -> int:
    work = Path(workdir)
    if not _prepare(work):
        return 2
    started = time.perf_counter()
    quiet_prefect()
    manifest = generate_landing(
        work / "landing",
        work / "trust",
        facilities=3,
        claims=60,
        seed=seed,
        defects=True,
        reference=work / "reference",
        shapes="real",  # files as real exporters write them: accepted, with conformance warnings (STD.*)
        catalog_violations=True,
    )
    lists = load_generated(work / "reference" / "catalogs", work / "lake")  # the reviewer's lists
    kinds = Counter(e.kind for e in manifest.files)
    print(
        f"generated {len(manifest.files)} signed files ({kinds['claim']} with claims, {kinds['defect']} "
        f"deliberately broken) for {len(manifest.facilities)} facilities under {work / 'landing'}; "
        f"{lists} catalogues loaded (bhyt-etl catalog load), "
        f"{len(manifest.catalog_violations)} claims break one"
    )
    _night(work, "Night one")
    surprises = _check(work, manifest.files, show_all=False)

    resends = _night_two_files(work, seed, manifest)
    _night(work, "Night two")
    surprises += _check(work, resends.files, show_all=True)

    print("\n== Example queries (paste them into `duckdb " + str(work / "warehouse.duckdb") + "`) ==")
    con = duckdb.connect(str(work / "warehouse.duckdb"), read_only=True)
    try:
        for title, sql in example_queries():
            print(f"\n-- {title}")
            print(sql)
            print(con.sql(sql.rstrip(";")).limit(8))
    finally:
        con.close()
    print(
        f"\nDone in {time.perf_counter() - started:.0f} s; {surprises} outcomes differed from what the "
        "generator expects."
    )
    print(f"Receipts: {work / 'landing'}/<MACSKCB>/outbox/   Lake: {work / 'lake'}")
    print(f"Warehouse: {work / 'warehouse.duckdb'}")
    print(f"Check one file yourself: bhyt-etl verify <file.xml> --trust {work / 'trust'}")
    return 1 if surprises else 0


def _night_two_files(work: Path, seed: int, manifest: Any) -> Any:
    """Night two's uploads: a file sent again unchanged, a corrected claim, and that claim withdrawn."""
    resends = generate_resends(work / "landing", work / "trust", seed=seed, manifest=manifest)
    print(
        f"\nNight two uploads: {len(resends.files)} files (a copy of a night-one file, a corrected claim, "
        "and that claim withdrawn)"
    )
    return resends
