"""An upload over the size cap is kept as evidence and refused with SEC.TOO_LARGE, without ever being read
whole: intake streams it into the raw zone, the worker reads only the cap plus one byte.

The night is the sample's first night of support/nights.py (``sample_night_one``), where a 3 MB upload meets
a cap of 1 MB."""

from __future__ import annotations

import json

from support.nights import HUGE_FACILITY, HUGE_UPLOAD, SampleNight


def test_an_upload_over_the_cap_is_kept_and_refused_with_its_real_sha256(sample_night: SampleNight):
    root, sha = sample_night.root, sample_night.huge_sha256
    outbox = root / "landing" / HUGE_FACILITY / "outbox"
    receipt = json.loads((outbox / f"{HUGE_UPLOAD}.receipt.json").read_text())
    assert receipt["status"] == "rejected" and receipt["sha256"] == sha
    assert [e["code"] for e in receipt["errors"]] == ["SEC.TOO_LARGE"]
    kept = root / "lake" / "raw" / sha[:2] / f"{sha}.xml"
    assert sample_night.huge_size == 3 * 1024 * 1024 + len(b"<GIAMDINHHS></GIAMDINHHS>")
    assert kept.stat().st_size == sample_night.huge_size
    assert (root / "landing" / HUGE_FACILITY / "rejected" / HUGE_UPLOAD).exists()
    assert not list((root / "lake" / "raw").glob(".incoming.*"))
