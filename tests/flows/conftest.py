"""Fixtures for the flows: one real Prefect API for the whole session (prefect_test_harness)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


@pytest.fixture(scope="session")
def prefect_api() -> Iterator[str]:
    """A temporary Prefect server (real engine, real API, SQLite) shared by every flow test; yields its URL
    so that subprocesses (``bhyt-etl ingest``) can use the same server."""
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield PREFECT_API_URL.value()


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
