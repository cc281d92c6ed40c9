"""prefect.yaml deploys the nightly flow as the operator's README says: cron 01:00 Asia/Ho_Chi_Minh, one run
at a time, on a process work pool."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def prefect(*args: str, env: dict) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("prefect")
    return subprocess.run([str(exe), *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=180)


def test_prefect_yaml_deploys_the_nightly_flow(prefect_api, tmp_path):
    env = {
        **os.environ,
        "PREFECT_API_URL": prefect_api,
        "BHYT_ETL_HOME": str(REPO),
        "BHYT_LANDING": str(tmp_path / "landing"),
        "BHYT_LAKE": str(tmp_path / "lake"),
        "BHYT_WAREHOUSE": str(tmp_path / "warehouse.duckdb"),
        "BHYT_TRUST": str(tmp_path / "trust"),
        "BHYT_CONFIG": "",
    }
    created = prefect("work-pool", "create", "bhyt-process", "--type", "process", env=env)
    assert created.returncode == 0 or "already exists" in created.stdout + created.stderr, created.stderr
    deployed = prefect("--no-prompt", "deploy", "--all", env=env)
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr

    from prefect.client.orchestration import get_client

    async def read():
        async with get_client() as client:
            dep = await client.read_deployment_by_name("nightly/nightly")
            return dep

    async def read_reprocess():
        async with get_client() as client:
            return await client.read_deployment_by_name("reprocess/reprocess")

    import asyncio

    dep = asyncio.run(read())
    by_hand = asyncio.run(read_reprocess())
    assert by_hand.entrypoint == "pipelines/flows/reprocess.py:reprocess"
    assert not by_hand.schedules and by_hand.parameters["status"] == "rejected"
    assert by_hand.global_concurrency_limit is not None and by_hand.global_concurrency_limit.limit == 1
    assert dep.work_pool_name == "bhyt-process"
    assert dep.parameters["lake"] == str(tmp_path / "lake")
    (schedule,) = dep.schedules
    assert schedule.schedule.cron == "0 1 * * *" and schedule.schedule.timezone == "Asia/Ho_Chi_Minh"
    assert dep.global_concurrency_limit is not None and dep.global_concurrency_limit.limit == 1
    assert dep.entrypoint == "pipelines/flows/nightly.py:nightly"
