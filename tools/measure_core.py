"""Measure the per-file ingest core against its floor (issue 3): `python tools/measure_core.py [N]`.

Floor = what no implementation can skip: hardened parse of the envelope, signature verification (signxml,
as pipelines.decide.signature does it), base64 decode and hardened parse of every inner document. Full = the
whole `process_file` (adds the envelope and table XSDs with libxml2, typing, Arrow batches, the receipt).
Files are generated, then grouped into ~50 KB files (several HOSO each) as larger facilities send them.
Both are timed in the same run on one core; the ratio is what to read on a noisy machine.
"""

from __future__ import annotations

import base64
import random
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from pipelines.decide.guard import hardened_parser
from pipelines.decide.process import Context, process_file
from pipelines.decide.signature import verify_envelope
from pipelines.generate.writer import LandingWriter


def build(n: int, work: Path) -> tuple[list[tuple[str, bytes]], Path]:
    w = LandingWriter(work / "landing", work / "trust", facilities=2, seed=3, period="2026-10")
    w.pki.write_trust_dir(work / "trust")
    w._patient_pool(200)
    files = []
    rng = random.Random(1)
    while len(files) < n:
        fac = rng.choice(w.facilities)
        eps = [w.episode(fac)]
        data, _, _ = w.claim_file(fac, eps)
        while len(data) < 50_000:  # grow to ~50 KB with more HOSO, as multi-claim files are
            eps.append(w.episode(fac))
            data, _, _ = w.claim_file(fac, eps)
        files.append((fac.macskcb, data))
    return files, work / "trust"


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    with tempfile.TemporaryDirectory() as tmp:
        files, trust = build(n, Path(tmp))
        ctx = Context.create(trust)
        now = datetime.now(UTC)
        parser = hardened_parser()
        from lxml import etree

        def floor(macskcb: str, raw: bytes) -> None:
            etree.fromstring(raw, parser)
            outcome = verify_envelope(raw, ctx.trust, received_at=now)
            assert outcome.code is None, outcome.code
            for text in outcome.signed_root.iter("NOIDUNGFILE"):
                etree.fromstring(base64.b64decode(text.text, validate=True), parser)

        def full(macskcb: str, raw: bytes) -> None:
            r = process_file(raw, file_name="f.xml", folder_macskcb=macskcb, received_at=now, ctx=ctx)
            assert r.status == "accepted", r.receipt["errors"]

        for fn in (floor, full):  # warm-up: compiled schemas, registry, caches
            for m, raw in files[:5]:
                fn(m, raw)
        timings = {}
        for name, fn in (("floor", floor), ("full", full), ("floor again", floor)):
            t = time.perf_counter()
            for m, raw in files:
                fn(m, raw)
            timings[name] = time.perf_counter() - t
        size = sum(len(r) for _, r in files)
        base = (timings["floor"] + timings["floor again"]) / 2
        print(f"{len(files)} files, mean {size / len(files) / 1024:.1f} KiB, one core")
        for name, t in timings.items():
            print(f"  {name:<12} {t * 1000 / len(files):6.2f} ms/file  {size / t / 1e6:6.1f} MB/s")
        print(f"  full / floor = {timings['full'] / base:.2f}")


if __name__ == "__main__":
    main()
