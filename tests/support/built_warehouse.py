"""A warehouse built by the real ingest (without the Prefect engine) from generated data, for tests of
what sits on top of it (review rules, payment reports, analytics copy).

    from support.built_warehouse import build_warehouse_from_generated
    root = build_warehouse_from_generated(tmp_path, facilities=3, claims=40, seed=5)
    duckdb.connect(str(root / "warehouse.duckdb"), read_only=True)
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from pipelines.common.settings import Settings
from pipelines.generate.landing import generate_landing
from pipelines.run.night import Night, run_night


def night_at(root: Path, *, lake: Path | None = None, **settings: object) -> Night:
    """The night of a test root: ``root/landing``, ``root/trust``, ``root/warehouse.duckdb`` and ``root/lake``
    (or ``lake``), one worker and no settling unless ``settings`` say otherwise."""
    return Night(
        landing=str(root / "landing"),
        lake=lake or root / "lake",
        warehouse=root / "warehouse.duckdb",
        trust=root / "trust",
        settings=replace(Settings(), **{"settle_seconds": 0, "workers": 1, **settings}),
    )


def ingest(root: Path, *, workers: int = 1, batch_size: int = 64, **settings: object) -> dict:
    """One nightly run over ``root/landing`` into ``root/lake`` and ``root/warehouse.duckdb``."""
    return run_night(night_at(root, workers=workers, batch_size=batch_size, **settings))


def build_warehouse_from_generated(
    root: Path, *, facilities: int = 3, claims: int = 40, seed: int = 5, defects: bool = True
) -> Path:
    """Generate a landing tree (and trust directory) under ``root`` and ingest it; returns ``root``."""
    generate_landing(
        root / "landing", root / "trust", facilities=facilities, claims=claims, seed=seed, defects=defects
    )
    ingest(root)
    return root
