"""The nightly flow taking files from a real OpenSSH sshd on loopback (sftp:// landing root)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb

from pipelines.generate.landing import Manifest


def test_a_night_through_sftp_answers_every_file_in_the_remote_tree(
    prefect_api, sshd, night_one, tmp_path, monkeypatch
):
    from pipelines.flows.nightly import nightly

    root = tmp_path / "root"
    shutil.copytree(night_one, root)
    manifest = Manifest.read(root / "landing" / "manifest.json")
    (root / "landing" / "79101" / "inbox" / "still-uploading.xml.part").write_bytes(b"<GIAMDINHHS>")
    monkeypatch.setenv("BHYT_SFTP_KNOWN_HOSTS", str(sshd.known_hosts))
    monkeypatch.setenv("BHYT_SFTP_KEY", str(sshd.key_file))
    summary = nightly(
        landing=sshd.url(root / "landing"),
        lake=str(root / "lake"),
        warehouse=str(root / "w.duckdb"),
        trust=str(root / "trust"),
        workers=2,
        settle_seconds=0,
    )
    assert summary["files"]["received"] == len(manifest.files)
    for entry in manifest.files:
        fac = root / "landing" / entry.macskcb
        name = Path(entry.path).name
        receipt = json.loads((fac / "outbox" / f"{name}.receipt.json").read_text())
        assert receipt["status"] == entry.expected_status, name
        assert (fac / ("rejected" if entry.expected_status == "rejected" else "archive") / name).exists()
    assert [p.name for p in (root / "landing" / "79101" / "inbox").iterdir()] == ["still-uploading.xml.part"]
    assert not list((root / "landing").glob("*/outbox/.*"))  # no temporary receipt left behind
    con = duckdb.connect(str(root / "w.duckdb"), read_only=True)
    assert con.execute("SELECT count(*) FROM ops.files").fetchone()[0] == len(manifest.files)
    assert con.execute("SELECT landing FROM ops.runs").fetchone()[0].startswith("sftp://")
    con.close()
