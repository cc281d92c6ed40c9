"""Generated facilities: distinct MACSKCB and tax codes for any valid count and seed, a clear error otherwise.

Regression: ``generate --facilities 20 --claims 1000 --seed 11`` used to end in ``AssertionError: facility
codes collide`` (12 or more facilities, several seeds)."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.generate.catalogs import load_catalogs
from pipelines.generate.writer import MAX_FACILITIES, Manifest, make_facilities


def test_codes_are_distinct_for_seeds_1_to_50_and_5_to_60_facilities() -> None:
    catalogs = load_catalogs()
    for seed in range(1, 51):
        for n in range(5, 61):
            facilities = make_facilities(n, random.Random(seed), catalogs)  # as LandingWriter draws them
            codes = [f.macskcb for f in facilities]
            assert len(set(codes)) == n, (seed, n)
            assert len({f.tax_code for f in facilities}) == n, (seed, n)
            assert all(len(c) == 5 and c.isdigit() for c in codes), (seed, n)


def test_the_same_seed_gives_the_same_facilities() -> None:
    catalogs = load_catalogs()
    first = make_facilities(40, random.Random(11), catalogs)
    assert first == make_facilities(40, random.Random(11), catalogs)


@pytest.mark.parametrize("n", [0, MAX_FACILITIES + 1])
def test_an_impossible_count_is_refused_with_what_is_possible(n: int) -> None:
    with pytest.raises(ValueError, match=f"between 1 and {MAX_FACILITIES}"):
        make_facilities(n, random.Random(1), load_catalogs())


def test_generate_writes_the_landing_tree_of_20_facilities_with_seed_11(tmp_path: Path) -> None:
    landing, trust = tmp_path / "landing", tmp_path / "trust"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipelines.cli",
            "generate",
            "--landing",
            str(landing),
            "--trust",
            str(trust),
            "--facilities",
            "20",
            "--claims",
            "60",
            "--seed",
            "11",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    codes = {f["macskcb"] for f in Manifest.read(landing / "manifest.json").facilities}
    assert len(codes) == 20
    files = list(landing.glob("*/inbox/*.xml"))
    assert files and {f.parent.parent.name for f in files} <= codes
    registered = (trust / "facilities.csv").read_text().splitlines()[1:]
    assert {row.split(",")[0] for row in registered} == codes


def test_generate_refuses_an_impossible_count_without_a_traceback(tmp_path: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipelines.cli",
            "generate",
            "--landing",
            str(tmp_path / "l"),
            "--trust",
            str(tmp_path / "t"),
            "--facilities",
            str(MAX_FACILITIES + 1),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "cannot generate" in proc.stderr
