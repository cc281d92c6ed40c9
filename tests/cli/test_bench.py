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
    made = generate_night(tmp_path, files=3, kib=40, seed=3)
    files = sorted((tmp_path / "landing").glob("*/inbox/*.xml"))
    assert made["files"] == len(files) == 3
    assert made["bytes"] == sum(f.stat().st_size for f in files)
    assert all(f.stat().st_size >= 0.8 * 40 * 1024 for f in files), "each file grows to about the size"
    assert made["claims"] > made["files"], "40 KiB holds several claims (one is about 18 KiB)"
    assert (tmp_path / "trust" / "roots.pem").exists()


def test_bench_prints_the_slope_the_floor_the_ratio_and_the_empty_night(prefect_api: str, tmp_path: Path):
    """The smallest bench there is (nights of 1 and 2 files of about 5 KiB, one worker: the pool is the
    kill tests' subject): what is tested is what it prints, and on nights this small the large one may well
    not be slower, so the slope and the ratio may be "not measured", the bench's other documented form. The
    bench and its ``ingest`` command use the session's Prefect API rather than each starting one."""
    env = {**os.environ, "PREFECT_API_URL": prefect_api}  # the session's server: none started by the bench
    proc = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "bench", "--files", "1,2", "--sizes", "5", "--workers", "1",
         "--workdir", str(tmp_path / "bench")],
        capture_output=True, text=True, timeout=600, env=env,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = proc.stdout
    assert re.search(r"small +1 ", out) and re.search(r"large +2 ", out), out
    floor = r"floor \(one core, 2 files\) [0-9.]+ ms/file = [0-9]+ files/s"
    measured = re.search(rf"slope [0-9]+ files/s; {floor}", out)
    not_slower = "slope not measured: the large night was not slower than the small one"
    unmeasured = re.search(rf"{not_slower}; {floor}", out)
    assert bool(measured) != bool(unmeasured), out
    if measured:
        assert re.search(r"ratio = slope / \(1 x floor\) = [0-9.]+", out), out
    else:
        assert "ratio not measured (a noisy machine): run again, or with a larger night" in out, out
    assert re.search(r"empty night: the product's own time [0-9.]+ s; through the flow", out), out
    assert "the server at PREFECT_API_URL" in out, out
    assert "MiB" in out
