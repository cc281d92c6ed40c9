"""Fixtures shared by the review, patient and payment tests (one xdist unit, ``marts/review`` in
tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from marts_support import clean_night
from support.nights import Nights


@pytest.fixture(scope="session")
def clean_warehouse(nights: Nights) -> Callable[[int], Path]:
    """``clean_warehouse(seed)`` -> root of a clean night (``marts_support``), built once per seed. Readers
    only: a test that changes the warehouse or the lake works on a copy."""
    return lambda seed: nights.ingested(**clean_night(seed))
