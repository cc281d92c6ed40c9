"""Fixtures of the patient tests: the patient objects on a copy of the clean night of seed 5, once per session
(the night is the review tests' too: tests/marts/conftest.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from patients_support import SEED, Built, build


@pytest.fixture(scope="session")
def built(clean_warehouse: Callable[[int], Path], tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(clean_warehouse(SEED), tmp_path_factory.mktemp("patients"))
