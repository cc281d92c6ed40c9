"""Fixtures shared by the review, patient and payment tests (one xdist unit, ``marts/review`` in
tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from marts_support import build_clean_night


@pytest.fixture(scope="session")
def clean_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Callable[[int], Path]:
    """``clean_warehouse(seed)`` -> root of a clean night (``marts_support``), built once per seed. Readers
    only: a test that changes the warehouse or the lake works on a copy."""
    built: dict[int, Path] = {}

    def get(seed: int) -> Path:
        if seed not in built:
            built[seed] = build_clean_night(tmp_path_factory.mktemp(f"clean_{seed}"), seed)
        return built[seed]

    return get
