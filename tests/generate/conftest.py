"""Shared generated data for the generator's tests: one night (and its second night) made once per session."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipelines.generate.landing import Manifest, generate_landing


@dataclass(frozen=True)
class Night:
    landing: Path
    trust: Path
    reference: Path
    manifest: dict  # the JSON as written
    typed: Manifest


@pytest.fixture(scope="session")
def night_one(tmp_path_factory: pytest.TempPathFactory) -> Night:
    """400 claims at 4 facilities with defects and the eligibility list: every scenario, several times."""
    root = tmp_path_factory.mktemp("night1")
    typed = generate_landing(
        root / "landing",
        root / "trust",
        facilities=4,
        claims=400,
        seed=3,
        defects=True,
        reference=root / "reference",
    )
    manifest = json.loads((root / "landing" / "manifest.json").read_text(encoding="utf-8"))
    return Night(root / "landing", root / "trust", root / "reference", manifest, typed)
