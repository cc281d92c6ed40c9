"""`bhyt-etl bench`: the real nightly ingest on N generated claims, against its floor, in one run.

    bhyt-etl bench --claims 20000 --workers 2

1. Generates N claims grouped into signed files of 50-100 KB (several HOSO each, as busy facilities send
   them) in a fresh landing tree.
2. Measures the floor on one core: the same files through only what no implementation can skip (hardened
   parse of the envelope, signature verification, base64 decode, hardened parse of every inner document).
3. Runs the real nightly flow (Prefect, process pool, Parquet, ledger, receipts, warehouse and analytics
   copy) with W workers, sampling the memory of every process of the run (the flow's process and its
   workers; the temporary Prefect server is reported apart).
4. Prints files/s, detail lines/s, MB/s, the time of each step, peak memory, warehouse build time, and the
   ratio of end-to-end throughput to W x floor.

Numbers from a shared machine are noisy: read the ratio, which is measured in one run.
"""

from __future__ import annotations

import base64
import os
import random
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lxml import etree

from pipelines.cli.console import quiet_prefect
from pipelines.decide.guard import hardened_parser
from pipelines.decide.signature import TrustStore, verify_envelope
from pipelines.flows.nightly import nightly
from pipelines.generate.writer import LandingWriter

PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _children(pid: int) -> list[int]:
    out = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as fh:
                out += [int(p) for p in fh.read().split()]
    except OSError:
        pass
    return out


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as fh:
            return int(fh.read().split()[1]) * PAGE
    except OSError:
        return 0


def _cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return fh.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


@dataclass
class MemorySampler:
    """Peak of the summed RSS of this process and its descendants, sampled every ``interval`` seconds.
    Processes whose command line mentions the Prefect server are summed apart."""

    interval: float = 0.1
    peak: int = 0
    peak_server: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def _tree(self) -> list[int]:
        seen, todo = [], [os.getpid()]
        while todo:
            pid = todo.pop()
            seen.append(pid)
            todo += _children(pid)
        return seen

    def _run(self) -> None:
        while not self._stop.is_set():
            ours = server = 0
            for pid in self._tree():
                if "prefect" in _cmdline(pid) and "server" in _cmdline(pid):
                    server += _rss(pid)
                else:
                    ours += _rss(pid)
            self.peak = max(self.peak, ours)
            self.peak_server = max(self.peak_server, server)
            self._stop.wait(self.interval)

    def __enter__(self) -> MemorySampler:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join()


def generate_bench_landing(root: Path, claims: int, seed: int, *, min_kb: int = 50, max_kb: int = 100) -> int:
    """N claims in files of ``min_kb``-``max_kb`` KB under ``root/landing``; returns the number of files."""
    writer = LandingWriter(root / "landing", root / "trust", facilities=4, seed=seed, period="2026-10")
    writer.pki.write_trust_dir(root / "trust")
    writer._patient_pool(max(200, claims // 3))
    rng = random.Random(seed)
    made = files = 0
    while made < claims:
        fac = rng.choice(writer.facilities)
        target = rng.randint(min_kb, max_kb) * 1024
        episodes = [writer.episode(fac)]
        data, name, _ = writer.claim_file(fac, episodes)
        while len(data) < target and made + len(episodes) < claims:
            episodes.append(writer.episode(fac))
            data, name, _ = writer.claim_file(fac, episodes)
        writer.write(fac.macskcb, name, data)
        made += len(episodes)
        files += 1
    return files


def floor_seconds_per_file(landing: Path, trust: Path, sample: int) -> tuple[float, int]:
    """One core, the unavoidable work only. Returns (seconds per file, files measured)."""
    paths = sorted(landing.glob("*/inbox/*.xml"))[:sample]
    raws = [p.read_bytes() for p in paths]
    store = TrustStore.load(trust)
    parser = hardened_parser()
    now = datetime.now(UTC)

    def floor(raw: bytes) -> None:
        etree.fromstring(raw, parser)
        outcome = verify_envelope(raw, store, received_at=now)
        if outcome.signed_root is None:
            raise RuntimeError(f"a benchmark file failed its signature check: {outcome.code}")
        for node in outcome.signed_root.iter("NOIDUNGFILE"):
            etree.fromstring(base64.b64decode(node.text or "", validate=True), parser)

    for raw in raws[:5]:
        floor(raw)
    started = time.perf_counter()
    for raw in raws:
        floor(raw)
    return (time.perf_counter() - started) / len(raws), len(raws)


def run_bench(claims: int, workers: int, seed: int, workdir: Path | None, floor_sample: int = 400) -> dict:
    quiet_prefect()
    own = workdir is None
    root = Path(tempfile.mkdtemp(prefix="bhyt-bench-")) if workdir is None else Path(workdir)
    if root.exists() and any(root.iterdir()):
        shutil.rmtree(root)
    root.mkdir(parents=True, exist_ok=True)
    try:
        t = time.perf_counter()
        files = generate_bench_landing(root, claims, seed)
        generated = time.perf_counter() - t
        size = sum(p.stat().st_size for p in (root / "landing").glob("*/inbox/*.xml"))
        floor, measured = floor_seconds_per_file(root / "landing", root / "trust", floor_sample)

        with MemorySampler() as memory:
            t = time.perf_counter()
            summary = nightly(
                landing=str(root / "landing"),
                lake=str(root / "lake"),
                warehouse=str(root / "warehouse.duckdb"),
                trust=str(root / "trust"),
                workers=workers,
                settle_seconds=0,
            )
            wall = time.perf_counter() - t
        steps = summary["seconds"]
        pipeline = summary["elapsed"]  # from the flow's first step to its last, Prefect tasks included
        lines = sum(v for k, v in summary["rows"].items() if k != "XML1")
        return {
            "claims": claims,
            "files": files,
            "mean_kb": size / files / 1024,
            "generated_s": generated,
            "workers": workers,
            "floor_ms_per_file": floor * 1000,
            "floor_files": measured,
            "wall_s": wall,
            "pipeline_s": pipeline,
            "steps": steps,
            "files_per_s": files / pipeline,
            "lines_per_s": lines / pipeline,
            "mb_per_s": size / 1e6 / pipeline,
            "ratio": (files / pipeline) / (workers / floor),
            "peak_rss_mb": memory.peak / 2**20,
            "peak_prefect_server_mb": memory.peak_server / 2**20,
            "summary": summary,
            "root": str(root),
        }
    finally:
        if own:
            shutil.rmtree(root, ignore_errors=True)


def print_bench(r: dict[str, Any]) -> None:
    s = r["steps"]
    print(
        f"{r['claims']} claims in {r['files']} files (mean {r['mean_kb']:.0f} KB), generated in "
        f"{r['generated_s']:.0f} s; {r['workers']} workers on {os.cpu_count()} cores"
    )
    print(f"floor (one core, {r['floor_files']} files): {r['floor_ms_per_file']:.2f} ms/file")
    print(
        f"nightly run: {r['pipeline_s']:.1f} s ({r['wall_s']:.1f} s with the temporary Prefect API's start): "
        f"{r['files_per_s']:.0f} files/s, {r['lines_per_s']:.0f} detail lines/s, {r['mb_per_s']:.1f} MB/s"
    )
    print("steps (s): " + ", ".join(f"{k} {v:.1f}" for k, v in s.items()))
    print(f"warehouse build (serve): {s.get('serve', 0):.1f} s; analytics copy {s.get('analytics', 0):.1f} s")
    print(
        f"peak memory, all processes of the run: {r['peak_rss_mb']:.0f} MiB "
        f"(+ {r['peak_prefect_server_mb']:.0f} MiB temporary Prefect server)"
    )
    print(f"end-to-end / (workers x floor) = {r['ratio']:.2f}   (target >= 0.5)")
