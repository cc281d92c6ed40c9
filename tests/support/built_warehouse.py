"""The real ingest (without the Prefect engine) over a test root: ``root/landing`` and ``root/trust`` in,
``root/lake`` and ``root/warehouse.duckdb`` out, for tests of what sits on top of it (review rules, payment
reports, analytics copy). Generated nights shared by several modules: support/nights.py.

    from support.built_warehouse import ingest, night_at
    summary = ingest(root)                            # one nightly run, batches of 64
    run = night_at(root, batch_size=6).open()         # the Night, for the steps one by one
    main(["reprocess", *root_flags(root)])            # a command over the same root
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from pipelines.common.settings import Settings
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


def root_flags(root: Path) -> list[str]:
    """The command-line flags naming a test root's places, as :func:`night_at` takes them: ``--landing``,
    ``--lake``, ``--warehouse`` and ``--trust``."""
    return [
        "--landing", str(root / "landing"),
        "--lake", str(root / "lake"),
        "--warehouse", str(root / "warehouse.duckdb"),
        "--trust", str(root / "trust"),
    ]  # fmt: skip


def ingest(root: Path, *, workers: int = 1, batch_size: int = 64, **settings: object) -> dict:
    """One nightly run over ``root/landing`` into ``root/lake`` and ``root/warehouse.duckdb``."""
    return run_night(night_at(root, workers=workers, batch_size=batch_size, **settings))
