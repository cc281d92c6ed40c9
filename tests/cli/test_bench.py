"""`bhyt-etl bench` runs its nights and prints what the throughput issue asks for (tiny nights: the figures
themselves are measured by hand on a quiet machine, never asserted by a timed test)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from pipelines.cli.bench import generate_night


def test_a_generated_night_has_the_files_asked_for_each_near_the_size(tmp_path: Path) -> None:
    made = generate_night(tmp_path, files=6, kib=60, seed=3)
    files = sorted((tmp_path / "landing").glob("*/inbox/*.xml"))
    assert made["files"] == len(files) == 6
    assert made["bytes"] == sum(f.stat().st_size for f in files)
    assert all(f.stat().st_size >= 0.8 * 60 * 1024 for f in files), "each file grows to about the size"
    assert made["claims"] > made["files"], "60 KiB holds several claims"
    assert (tmp_path / "trust" / "roots.pem").exists()


def test_bench_prints_the_slope_the_floor_the_ratio_and_the_empty_night(tmp_path: Path) -> None:
    env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    proc = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "bench", "--files", "3,9", "--sizes", "20", "--workers", "2",
         "--workdir", str(tmp_path / "bench")],
        capture_output=True, text=True, timeout=600, env=env,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = proc.stdout
    assert re.search(r"small +3 ", out) and re.search(r"large +9 ", out), out
    assert re.search(r"slope -?[0-9]+ files/s; floor \(one core, 9 files\) [0-9.]+ ms/file", out), out
    assert re.search(r"ratio = slope / \(2 x floor\) = -?[0-9.]+", out), out
    assert re.search(r"empty night: the product's own time [0-9.]+ s; through the flow", out), out
    assert "MiB" in out
