"""Fixtures of the review tests: the clean nights (``clean_warehouse``, tests/marts/conftest.py), and a
scratch in-memory DuckDB holding a copy of one of them that tests may mutate."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pytest
from catalog_support import load_catalogs
from marts_support import CLEAN_SEEDS
from review_support import copy_core, restore_core

from pipelines.marts import review


@pytest.fixture(scope="session")
def rules() -> list[review.Rule]:
    return review.load_rules()


@pytest.fixture(scope="session")
def scratch_module(
    clean_warehouse: Callable[[int], Path], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[duckdb.DuckDBPyConnection]:
    """The first clean warehouse's claims, with the reviewer's catalogues of what they use loaded into a lake
    (``catalog_support``) and read into ``ref.catalog_*``: made once for test_review_objects and
    test_review_rules (one work unit); what a test changes in ``core`` is undone after it (``scratch``)."""
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
