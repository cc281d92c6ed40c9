"""`bhyt-etl review --bench`: the review's time with catalogues of realistic size, against the night's.

    bhyt-etl review --bench --claims 2000 --drugs 5000 --services 8000 --staff 1500

1. Generates N claims (``generate_landing``) with the reviewer's catalogues of its facilities, then pads every
   facility's lists to realistic sizes (thousands of drugs, service prices and registered staff: entries no
   claim uses, so the clean claims stay clean) and loads them with ``catalog load``.
2. Runs the real night (:func:`pipelines.run.night.run_night`, no Prefect engine), which reviews the new
   claims against the catalogues as part of its build, and times it; the night's own review time (reference
   tables, every rule over the night's claims, the findings file and the review objects: ``seconds`` of the
   build's ``review`` report) and its share of the night come from the same run, the figure to read on a
   shared machine.
3. Times the review alone again on the built warehouse (reference tables from the lake, every rule over every
   claim) and prints it with its share of the night.

Kept apart from ``bench`` (the nightly throughput bench) so that either can change alone; the lead may call
:func:`run_review_bench` from there.
"""

from __future__ import annotations

import csv
import shutil
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import duckdb

from pipelines.common.settings import Settings
from pipelines.generate.landing import generate_landing
from pipelines.generate.reviewer_catalogs import read_index
from pipelines.marts import review
from pipelines.reference.store import load_catalog
from pipelines.run.night import Night, run_night

#: how many entries of each facility list a padded file gets, by kind (the CLI's defaults)
DEFAULT_SIZES = {"drugs": 5000, "services": 8000, "staff": 1500}


def _pad(path: Path, kind: str, size: int) -> int:
    """Add entries no claim uses until the file has ``size`` rows; returns the rows."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    header = list(rows[0])
    template = rows[0]
    n = len(rows)
    while len(rows) < size:
        n += 1
        row = dict(template)
        row["STT"] = str(n)
        if kind == "drugs":
            row.update(
                MA_THUOC=f"40.{50000 + n}", TEN_THUOC=f"Thuốc bổ sung {n}", SO_DANG_KY=f"VD-{80000 + n}-25"
            )
        elif kind == "services":
            row.update(MA_TUONG_DUONG=f"99.{n:04d}.{n:04d}", TEN_DVKT_PHEDUYET=f"Dịch vụ bổ sung {n}")
        elif kind == "staff":
            row.update(
                MA_BHXH=f"{9000000000 + n}", HO_TEN=f"Nhân viên bổ sung {n}", MACCHN=f"{n:06d}/BS-CCHN"
            )
        rows.append(row)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=header)
        w.writeheader()
        w.writerows(rows)
    return len(rows)


def run_review_bench(
    claims: int = 2000,
    *,
    sizes: dict[str, int] | None = None,
    facilities: int = 3,
    seed: int = 7,
    workdir: Path | None = None,
    workers: int = 2,
) -> dict[str, Any]:
    """Generate, pad and load the catalogues, run a night, time the review; returns the numbers."""
    sizes = {**DEFAULT_SIZES, **(sizes or {})}
    temp = workdir is None
    root = Path(tempfile.mkdtemp(prefix="bhyt-review-bench-")) if workdir is None else Path(workdir)
    try:
        root.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        generate_landing(
            root / "landing",
            root / "trust",
            facilities=facilities,
            claims=claims,
            seed=seed,
            reference=root / "reference",
        )
        generated = time.perf_counter() - started
        folder = root / "reference" / "catalogs"
        lake = root / "lake"
        rows: dict[str, int] = {}
        started = time.perf_counter()
        for f in read_index(folder):
            if f.kind in sizes:
                rows[f.kind] = rows.get(f.kind, 0) + _pad(folder / f.file, f.kind, sizes[f.kind])
            load_catalog(lake, f.kind, folder / f.file, facility=f.facility)
        loaded = time.perf_counter() - started
        night = Night(
            landing=str(root / "landing"),
            lake=lake,
            warehouse=root / "warehouse.duckdb",
            trust=root / "trust",
            settings=replace(Settings(), settle_seconds=0, workers=workers),
        )
        started = time.perf_counter()
        summary = run_night(night)
        night_seconds = time.perf_counter() - started
        night_review = float(summary.get("warehouse", {}).get("review", {}).get("seconds", 0.0))
        copy = root / "review-bench.duckdb"
        shutil.copy(root / "warehouse.duckdb", copy)
        con = duckdb.connect(str(copy))
        try:
            con.execute("SET enable_progress_bar = false")
            started = time.perf_counter()
            review.load_reference(con, lake=lake)
            rules = review.load_rules()
            findings = review.evaluate(con, rules, scope="core.claim_current", materialize=True)
            review_seconds = time.perf_counter() - started
            (n_claims,) = con.execute("SELECT count(*) FROM core.claim_current").fetchone() or (0,)
        finally:
            con.close()
        return {
            "claims": int(n_claims),
            "facilities": facilities,
            "catalog_rows": rows,
            "rules": len(rules),
            "findings": findings.num_rows,
            "generate_seconds": round(generated, 1),
            "catalog_load_seconds": round(loaded, 1),
            "night_seconds": round(night_seconds, 1),
            # the review the night did itself (reference tables, every rule over its new claims, the findings
            # file, the review objects): measured in the same run as the night, the share to read
            "night_review_seconds": round(night_review, 2),
            "night_review_share": round(night_review / night_seconds, 3) if night_seconds else None,
            # the review again alone, over every claim of the warehouse (reference tables + every rule)
            "review_seconds": round(review_seconds, 2),
            "review_share_of_night": round(review_seconds / night_seconds, 3) if night_seconds else None,
            "review_claims_per_second": round(n_claims / review_seconds, 1) if review_seconds else None,
            "night_status": summary.get("status"),
        }
    finally:
        if temp:
            shutil.rmtree(root, ignore_errors=True)


def print_review_bench(result: dict[str, Any]) -> None:
    print(
        f"review of {result['claims']} claims ({result['facilities']} facilities, {result['rules']} rules) "
        f"with catalogues of {result['catalog_rows']} rows: {result['review_seconds']} s "
        f"({result['review_claims_per_second']} claims/s), {result['findings']} findings"
    )
    print(
        f"the night that ingested and reviewed them: {result['night_seconds']} s, of which its review "
        f"{result['night_review_seconds']} s = {result['night_review_share']:.1%} (target: under 10 %); "
        f"the review again alone is {result['review_share_of_night']:.1%} of the night; catalogue load "
        f"{result['catalog_load_seconds']} s"
    )
