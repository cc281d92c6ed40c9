"""The ``reprocess`` flow on the real Prefect engine: the same steps as ``bhyt-etl reprocess``, as tasks, with
its artifact. A facility registered late (its files rejected ``SIG.NOT_BOUND`` the night before) is taken in.
"""

from __future__ import annotations

import json

from support.built_warehouse import night_at

from pipelines.generate.landing import Manifest, generate_landing
from pipelines.run.night import run_night


def test_the_reprocess_flow_takes_in_the_facility_registered_late(prefect_api, tmp_path):
    from prefect.client.orchestration import get_client

    from pipelines.flows.reprocess import reprocess

    generate_landing(tmp_path / "landing", tmp_path / "trust", facilities=2, claims=4, seed=41)
    csv = tmp_path / "trust" / "facilities.csv"
    full = csv.read_text(encoding="utf-8")
    late = Manifest.read(tmp_path / "landing" / "manifest.json").facilities[1]["macskcb"]
    csv.write_text("".join(ln for ln in full.splitlines(True) if not ln.startswith(late)), encoding="utf-8")
    paths = {
        "landing": str(tmp_path / "landing"),
        "lake": str(tmp_path / "lake"),
        "warehouse": str(tmp_path / "warehouse.duckdb"),
        "trust": str(tmp_path / "trust"),
    }
    run_night(night_at(tmp_path))
    rejected = sorted(p.name for p in (tmp_path / "landing" / late / "rejected").iterdir())
    assert rejected
    csv.write_text(full, encoding="utf-8")

    summary = reprocess(**paths, status="rejected", codes=["SIG.NOT_BOUND"], workers=1)
    assert summary["reprocess"]["changed"] == len(rejected)
    for name in rejected:
        amended = json.loads((tmp_path / "landing" / late / "outbox" / f"{name}.receipt.2.json").read_text())
        assert amended["status"] == "accepted"
        assert (tmp_path / "landing" / late / "archive" / name).exists()

    import asyncio

    async def artifact():
        async with get_client() as client:
            return await client.read_latest_artifacts()

    keys = {a.key for a in asyncio.run(artifact())}
    assert "reprocess-summary" in keys
