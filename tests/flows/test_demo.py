"""`bhyt-etl demo`, the README's main command, end to end; and the example queries that docs/analysts.md
shows run on its warehouse."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb

from pipelines.marts.examples import example_queries

REPO = Path(__file__).resolve().parents[2]


def test_the_demo_runs_two_nights_and_its_example_queries_answer(prefect_api, tmp_path):
    env = {**os.environ, "PREFECT_API_URL": prefect_api}
    proc = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "demo", "--workdir", str(tmp_path / "demo")],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "0 outcomes differed" in proc.stdout
    assert "Night two" in proc.stdout and "(version 2)" in proc.stdout and "duplicate" in proc.stdout
    assert "Traceback" not in proc.stderr
    guide = (REPO / "docs" / "analysts.md").read_text(encoding="utf-8")
    con = duckdb.connect(str(tmp_path / "demo" / "warehouse.duckdb"), read_only=True)
    try:
        for title, sql in example_queries():
            body = "\n".join(line for line in sql.splitlines() if not line.startswith("--")).strip()
            assert body in guide, f"docs/analysts.md does not show the example query '{title}'"
            con.execute(body.rstrip(";")).fetchall()
    finally:
        con.close()
