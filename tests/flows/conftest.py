"""Fixtures for the flows: the night they take in (``night_one``) and its reference run (``clean_run``); the
Prefect API (``prefect_api``) is in tests/conftest.py, which tests/cli shares."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def night_one(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated landing tree with defects (2 facilities, 12 claims), kept pristine: copy it before use."""
    from pipelines.generate.landing import generate_landing

    root = tmp_path_factory.mktemp("night-one")
    generate_landing(root / "landing", root / "trust", facilities=2, claims=12, seed=11, defects=True)
    return root


@pytest.fixture(scope="session")
def clean_run(prefect_api, night_one, tmp_path_factory):
    """night_one ingested once, uninterrupted, by the CLI with the local executor: the reference."""
    import shutil

    from test_nightly import ingest_cli

    root = tmp_path_factory.mktemp("clean") / "root"
    shutil.copytree(night_one, root)
    proc = ingest_cli(root, prefect_api)
    assert proc.returncode == 0, proc.stderr
    return root
