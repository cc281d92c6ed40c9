"""Two nights end to end on the real Prefect engine, with an analyst's read-only connection open throughout:
night two brings a file already received (duplicate) and a corrected claim (a new current version, both
versions kept)."""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path

import duckdb

from pipelines.generate.landing import Manifest, generate_resends


def test_two_nights_duplicate_and_corrected_claim_while_an_analyst_reads(prefect_api, night_one, tmp_path):
    from pipelines.flows.nightly import nightly

    root = tmp_path / "root"
    shutil.copytree(night_one, root)
    args = dict(
        landing=str(root / "landing"),
        lake=str(root / "lake"),
        warehouse=str(root / "w.duckdb"),
        trust=str(root / "trust"),
        # the files are decided in this process: where they are decided is not this test's subject (the kill
        # points and the reference run spawn the pool's workers), and two spawned workers a night cost about
        # 3 s of CPU each night
        workers=1,
        settle_seconds=0,
    )
    first = nightly(**args)
    assert first["files"]["received"] > 20

    analyst = duckdb.connect(str(root / "w.duckdb"), read_only=True)
    before = analyst.execute("SELECT count(*), sum(t_tongchi_bv) FROM core.xml1").fetchone()

    manifest = Manifest.read(root / "landing" / "manifest.json")
    night2 = generate_resends(root / "landing", root / "trust", seed=manifest.seed, manifest=manifest)
    duplicate = next(e for e in night2.files if e.expected_status == "duplicate")
    corrected = next(e for e in night2.files if "corrected" in e.description)

    answers, errors = [], []
    stop = threading.Event()

    def keep_querying() -> None:  # the analyst keeps working while night two runs and swaps the file
        while not stop.is_set():
            try:
                answers.append(
                    analyst.execute("SELECT count(*), sum(t_tongchi_bv) FROM core.xml1").fetchone()
                )
            except Exception as exc:  # noqa: BLE001 - any failure is the finding
                errors.append(exc)
                return

    reader = threading.Thread(target=keep_querying)
    reader.start()
    try:
        second = nightly(**args)
    finally:
        stop.set()
        reader.join()
    assert not errors and answers and set(answers) == {before}  # never blocked, never a half-built database
    assert analyst.execute("SELECT count(*), sum(t_tongchi_bv) FROM core.xml1").fetchone() == before
    analyst.close()

    assert second["files"]["received"] == len(night2.files)
    receipt = json.loads(
        (
            root / "landing" / duplicate.macskcb / "outbox" / f"{Path(duplicate.path).name}.receipt.json"
        ).read_text()
    )
    assert (
        receipt["status"] == "duplicate" and receipt["duplicate_of"]["file"] == Path(duplicate.resend_of).name
    )
    receipt = json.loads(
        (
            root / "landing" / corrected.macskcb / "outbox" / f"{Path(corrected.path).name}.receipt.json"
        ).read_text()
    )
    (ma_lk,) = [c.ma_lk for c in corrected.claims]
    assert receipt["status"] == "accepted" and receipt["claims"] == [
        {"ma_lk": ma_lk, "status": "accepted", "version": 2}
    ]

    con = duckdb.connect(str(root / "w.duckdb"), read_only=True)
    versions = con.execute(
        "SELECT version, file_name FROM core.claim_versions WHERE macskcb = ? AND ma_lk = ? ORDER BY version",
        [corrected.macskcb, ma_lk],
    ).fetchall()
    assert [v for v, _ in versions] == [1, 2] and versions[1][1] == Path(corrected.path).name
    current = con.execute(
        "SELECT version, t_tongchi_bv FROM core.xml1 WHERE macskcb = ? AND ma_lk = ?",
        [corrected.macskcb, ma_lk],
    ).fetchall()
    first_total = con.execute(
        "SELECT x.t_tongchi_bv FROM lake.xml1 x JOIN core.claim_versions v USING "
        "(macskcb, ma_lk, source_sha256) WHERE macskcb = ? AND ma_lk = ? AND v.version = 1",
        [corrected.macskcb, ma_lk],
    ).fetchone()[0]
    assert len(current) == 1 and current[0][0] == 2 and current[0][1] > first_total
    # the detail lines shown are the corrected version's only
    assert con.execute(
        "SELECT DISTINCT version FROM core.xml2 WHERE macskcb = ? AND ma_lk = ?", [corrected.macskcb, ma_lk]
    ).fetchall() == [(2,)]
    assert con.execute("SELECT count(*) FROM ops.runs WHERE state = 'committed'").fetchone()[0] == 2
    assert con.execute("SELECT count(*) FROM ops.files WHERE status = 'duplicate'").fetchone()[0] >= 1
    con.close()
