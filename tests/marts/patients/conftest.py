"""Fixtures of the patient tests: the warehouse of patients_support, built once per session."""

from __future__ import annotations

import pytest
from patients_support import Built, build


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory.mktemp("patients"))
