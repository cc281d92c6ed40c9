"""Time the operator's commands (issue 16) on a generated night: `python tools/measure_operations.py DIR [N]`.

N claims (default 4000) for 5 facilities are generated in DIR (emptied first); the second facility's
certificate is left out of facilities.csv for the first night (its files are rejected SIG.NOT_BOUND), then
registered. The commands then run as an operator types them, each in a process of its own: reprocess (the
late facility, then again, then every file), check, check --quick, backup (first, incremental, hard links),
and, after one lake file is deleted and another truncated, check and rebuild --from-raw and check again.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

from pipelines.common.settings import Settings
from pipelines.generate.landing import Manifest, generate_landing
from pipelines.run.night import Night, run_night


def cli(root: Path, *args: str) -> None:
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "pipelines.cli", *args], capture_output=True, text=True)
    shown = " ".join(a.replace(str(root), "DIR") for a in args)
    print(f"$ bhyt-etl {shown}\n  exit {proc.returncode} in {time.perf_counter() - started:.1f} s")
    for stream in (proc.stdout, proc.stderr):
        lines = stream.strip().splitlines()
        if lines:
            print("  " + lines[-1][:200])


def main(root: Path, claims: int) -> None:
    shutil.rmtree(root, ignore_errors=True)
    started = time.perf_counter()
    generate_landing(root / "landing", root / "trust", facilities=5, claims=claims, seed=3)
    print(f"generated {claims} claims in {time.perf_counter() - started:.1f} s")
    csv = root / "trust" / "facilities.csv"
    registered = csv.read_text(encoding="utf-8")
    late = Manifest.read(root / "landing" / "manifest.json").facilities[1]["macskcb"]
    csv.write_text(
        "".join(ln for ln in registered.splitlines(True) if not ln.startswith(late)), encoding="utf-8"
    )
    night = Night(
        str(root / "landing"),
        root / "lake",
        root / "warehouse.duckdb",
        root / "trust",
        Settings(workers=2, settle_seconds=0),
    )
    started = time.perf_counter()
    summary = run_night(night)
    print(f"night: {summary['files']} in {time.perf_counter() - started:.1f} s")
    csv.write_text(registered, encoding="utf-8")
    lake = ["--lake", str(root / "lake"), "--warehouse", str(root / "warehouse.duckdb")]
    run = [*lake, "--landing", str(root / "landing"), "--trust", str(root / "trust"), "--workers", "2"]
    cli(root, "reprocess", "--code", "SIG.NOT_BOUND", *run)
    cli(root, "reprocess", "--status", "rejected", *run)
    cli(root, "reprocess", "--status", "all", *run)
    cli(root, "check", *lake)
    cli(root, "check", "--quick", *lake)
    cli(root, "backup", str(root / "backup"), "--lake", str(root / "lake"))
    cli(root, "backup", str(root / "backup"), "--lake", str(root / "lake"))
    cli(root, "backup", str(root / "linked"), "--link", "--lake", str(root / "lake"))
    parts = sorted((root / "lake" / "tables" / "xml2").rglob("*.parquet"))
    parts[0].unlink()
    parts[1].chmod(0o640)
    parts[1].write_bytes(parts[1].read_bytes()[:100])
    cli(root, "check", *lake)
    cli(root, "rebuild", "--from-raw", *run)
    cli(root, "check", *lake)


if __name__ == "__main__":  # the night's worker processes are spawned: they import this module
    main(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 4000)
