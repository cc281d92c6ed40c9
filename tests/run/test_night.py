"""The night end to end, in this process (``run_night`` with the plain step runner, one worker): stand-alone
signed XML12 messages from the inbox to the warehouse's ``core.xml12_messages`` and the analytics copy, and
the same bytes sent again answered ``duplicate`` without a second copy of their rows.

The landing is the generator's (a claim file and one XML12 message per facility, signed by the facility's
test certificate); nothing is mocked.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest
from support.built_warehouse import night_at

from pipelines.generate.assessments import write_assessment_messages
from pipelines.generate.writer import LandingWriter, ManifestEntry
from pipelines.run.night import run_night

SEED = 1212


def receipt(tmp_path: Path, entry: ManifestEntry, name: str | None = None) -> dict:
    name = name or Path(entry.path).name
    return json.loads((tmp_path / "landing" / entry.macskcb / "outbox" / f"{name}.receipt.json").read_text())


@pytest.fixture(scope="module")
def first_night(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[ManifestEntry], LandingWriter]:
    root = tmp_path_factory.mktemp("night")
    w = LandingWriter(root / "landing", root / "trust", 2, SEED, "2026-10")
    w.pki.write_trust_dir(root / "trust")
    w._patient_pool(10)
    for fac in w.facilities:
        w.write_claims(fac, [w.episode(fac)])
    messages = write_assessment_messages(w)
    summary = run_night(night_at(root))
    assert summary["files"]["received"] == 4
    return root, messages, w


def test_a_signed_xml12_message_reaches_the_warehouse_with_its_lineage(first_night) -> None:
    root, messages, _ = first_night
    con = duckdb.connect(str(root / "warehouse.duckdb"), read_only=True)
    try:
        for entry in messages:
            r = receipt(root, entry)
            assert r["status"] == "accepted" and r["claims"] == [] and r["message"] == "XML12"
            rows = con.execute(
                "SELECT message_stt, ma_lk, so_bien_ban IS NOT NULL, ho_ten IS NOT NULL "
                "FROM core.xml12_messages WHERE source_sha256 = ? AND macskcb = ? ORDER BY message_stt",
                [r["sha256"], entry.macskcb],
            ).fetchall()
            assert rows == [(rec["message_stt"], None, True, True) for rec in r["records"]]
        # the records are no claim's: core.xml12 (the current claims' XML12) holds none of them
        assert con.execute("SELECT count(*) FROM core.xml12").fetchone() == (0,)
        assert con.execute("SELECT count(*) FROM core.claim_current").fetchone() == (2,)
        sha = receipt(root, messages[0])["sha256"]
        files = con.execute("SELECT status, claims_accepted FROM ops.files WHERE sha256 = ?", [sha])
        assert files.fetchall() == [("accepted", 0)]
    finally:
        con.close()
    analytics = duckdb.connect(str(root / "warehouse-analytics.duckdb"), read_only=True)
    try:  # the analytics copy: the same records, names and addresses dropped, identifiers pseudonymised
        copied = analytics.execute(
            "SELECT source_sha256, message_stt, ho_ten, dia_chi, so_cccd FROM core.xml12_messages"
        ).fetchall()
        full = duckdb.connect(str(root / "warehouse.duckdb"), read_only=True)
        cccd = dict(
            ((sha, stt), value)
            for sha, stt, value in full.execute(
                "SELECT source_sha256, message_stt, so_cccd FROM core.xml12_messages"
            ).fetchall()
        )
        full.close()
        assert len(copied) == len(cccd) == sum(len(receipt(root, e)["records"]) for e in messages)
        for sha, stt, ho_ten, dia_chi, so_cccd in copied:
            assert ho_ten is None and dia_chi is None
            assert so_cccd and so_cccd != cccd[(sha, stt)]
    finally:
        analytics.close()


def test_the_same_message_sent_again_is_a_duplicate_and_adds_no_rows(first_night, tmp_path) -> None:
    root, messages, _ = first_night
    work = tmp_path / "again"
    shutil.copytree(root, work)
    entry = messages[0]
    archived = next((work / "landing" / entry.macskcb / "archive").glob(f"*{Path(entry.path).name}"))
    shutil.copy2(archived, work / "landing" / entry.macskcb / "inbox" / "again.xml")
    run_night(night_at(work))
    again = receipt(work, entry, "again.xml")
    assert again["status"] == "duplicate" and again["duplicate_of"]["file"] == Path(entry.path).name
    con = duckdb.connect(str(work / "warehouse.duckdb"), read_only=True)
    try:
        total = sum(len(receipt(root, e)["records"]) for e in messages)
        assert con.execute("SELECT count(*) FROM core.xml12_messages").fetchone() == (total,)
    finally:
        con.close()
