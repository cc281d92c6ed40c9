"""The same night on a local Dask cluster (two worker processes) builds the warehouse of the local pool."""

from __future__ import annotations

import shutil

import pytest
from test_nightly import ingest_cli, landing_state, reference_state, snapshot

from pipelines.cli import main


@pytest.fixture(scope="module")
def dask_cluster():
    from distributed import LocalCluster

    cluster = LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, host="127.0.0.1"
    )
    try:
        yield cluster
    finally:
        cluster.close()


def test_ingest_on_a_dask_cluster_builds_the_same_warehouse_as_the_local_executor(
    prefect_api, launcher, night_one, clean_run, dask_cluster, tmp_path
):
    """``bhyt-etl ingest --executor dask`` (forked from the launcher of the kill points: how the command
    starts is the reference run's subject) on a cluster of two worker processes."""
    root = tmp_path / "root"
    shutil.copytree(night_one, root)
    dask = ("--executor", "dask", "--dask-address", dask_cluster.scheduler_address)
    proc = ingest_cli(root, prefect_api, *dask, batch_size="8", launcher=launcher)  # 8 a batch: several tasks
    assert proc.returncode == 0, proc.stderr[-3000:]
    import duckdb

    con = duckdb.connect(str(root / "warehouse.duckdb"), read_only=True)
    (processes,) = con.execute("SELECT summary->>'worker_processes' FROM ops.runs").fetchone()
    con.close()
    assert int(processes) >= 2, "the batches should have been spread over several Dask workers"
    reference, answered = reference_state(clean_run)
    assert snapshot(root / "warehouse.duckdb") == reference
    assert landing_state(root / "landing") == answered


def test_dask_without_an_address_is_refused_with_a_clear_message(night_one, tmp_path, capsys):
    """The command's refusal, through ``main`` in this process: exit status and message; nothing starts."""
    code = main(
        [
            "ingest",
            "--landing",
            str(night_one / "landing"),
            "--lake",
            str(tmp_path / "lake"),
            "--warehouse",
            str(tmp_path / "w.duckdb"),
            "--trust",
            str(night_one / "trust"),
            "--executor",
            "dask",
        ]
    )
    assert code == 2 and "--dask-address" in capsys.readouterr().err
