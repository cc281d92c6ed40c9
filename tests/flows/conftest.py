"""Fixtures for the flows: the night they take in (``night_one``) and its reference run (``clean_run``); the
Prefect API (``prefect_api``) is in tests/conftest.py, which tests/cli shares."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.launcher import Launcher
from support.nights import Nights


@pytest.fixture(scope="session")
def night_one(nights: Nights) -> Path:
    """A generated landing tree with defects (2 facilities, 12 claims), kept pristine: copy it before use."""
    return nights.generated(facilities=2, claims=12, seed=11, defects=True)


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


@pytest.fixture(scope="session")
def launcher(prefect_api: str) -> Iterator[Launcher]:
    """`bhyt-etl` commands forked from one process that has imported the command line and Prefect once
    (support/launcher.py), on the session's Prefect API: the kill and disk-full points' runs."""
    with Launcher({**os.environ, "PREFECT_API_URL": prefect_api}) as started:
        yield started
