"""Fixtures of the review tests: warehouses built by the real ingest from clean generated data (once per
session and seed), and a scratch in-memory DuckDB holding a copy of one of them that tests may mutate."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pytest
from catalog_support import load_catalogs
from review_support import CLEAN_CLAIMS, CLEAN_SEEDS, copy_core, restore_core
from support.built_warehouse import build_warehouse_from_generated

from pipelines.marts import review


@pytest.fixture(scope="session")
def clean_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Callable[[int], Path]:
    """``clean_warehouse(seed)`` -> root of a warehouse built from clean data (built once per seed)."""
    built: dict[int, Path] = {}

    def get(seed: int) -> Path:
        if seed not in built:
            root = tmp_path_factory.mktemp(f"review_clean_{seed}")
            build_warehouse_from_generated(root, facilities=3, claims=CLEAN_CLAIMS, seed=seed, defects=False)
            built[seed] = root
        return built[seed]

    return get


@pytest.fixture(scope="session")
def rules() -> list[review.Rule]:
    return review.load_rules()


@pytest.fixture(scope="module")
def scratch_module(
    clean_warehouse: Callable[[int], Path], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[duckdb.DuckDBPyConnection]:
    """The first clean warehouse's claims, with the reviewer's catalogues of what they use loaded into a lake
    (``catalog_support``) and read into ``ref.catalog_*``."""
    con = copy_core(clean_warehouse(CLEAN_SEEDS[0]))
    root = tmp_path_factory.mktemp("catalogs")
    review.load_reference(con, lake=load_catalogs(con, root / "files", root / "lake"))
    yield con
    con.close()


@pytest.fixture
def scratch(scratch_module: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """The scratch copy of the first clean warehouse; what a test changes in ``core`` is undone after it."""
    yield scratch_module
    restore_core(scratch_module)
