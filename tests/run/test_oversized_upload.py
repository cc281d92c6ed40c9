"""An upload over the size cap is kept as evidence and refused with SEC.TOO_LARGE, without ever being read
whole: intake streams it into the raw zone, the worker reads only the cap plus one byte."""

from __future__ import annotations

import hashlib
import json
import shutil

from support.built_warehouse import ingest

from pipelines.common.paths import data_dir


def test_an_upload_over_the_cap_is_kept_and_refused_with_its_real_sha256(tmp_path):
    sample = data_dir() / "sample"
    shutil.copytree(sample / "landing", tmp_path / "landing")
    shutil.copytree(sample / "trust", tmp_path / "trust")
    big = tmp_path / "landing" / "79101" / "inbox" / "huge_upload.xml"
    big.write_bytes(b"<GIAMDINHHS>" + b"A" * (3 * 1024 * 1024) + b"</GIAMDINHHS>")
    sha = hashlib.sha256(big.read_bytes()).hexdigest()
    ingest(tmp_path, max_file_mb=1.0)
    outbox = tmp_path / "landing" / "79101" / "outbox"
    receipt = json.loads((outbox / "huge_upload.xml.receipt.json").read_text())
    assert receipt["status"] == "rejected" and receipt["sha256"] == sha
    assert [e["code"] for e in receipt["errors"]] == ["SEC.TOO_LARGE"]
    kept = tmp_path / "lake" / "raw" / sha[:2] / f"{sha}.xml"
    assert kept.stat().st_size == 3 * 1024 * 1024 + len(b"<GIAMDINHHS></GIAMDINHHS>")
    assert (tmp_path / "landing" / "79101" / "rejected" / "huge_upload.xml").exists()
    assert not list((tmp_path / "lake" / "raw").glob(".incoming.*"))
