"""``bhyt-etl privacy-report``: the profile, what it removes, and one line per build of ``ops.privacy``."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import duckdb

from pipelines.cli import main
from pipelines.warehouse.privacy import QUASI_IDENTIFIERS, record


def _copy_with_builds(path, builds):
    con = duckdb.connect(str(path))
    for run_id, profile, k_achieved, suppressed in builds:
        record(
            con,
            run_id,
            {
                "profile": profile,
                "k": 5,
                "k_achieved": k_achieved,
                "records": 10000,
                "groups": 812,
                "generalised": 10000 if profile == "deidentified" else 0,
                "suppressed": suppressed,
                "below_k": 0,
                "suppressed_by": {"tuoi": suppressed, "matinh_cu_tru": 3000} if suppressed else {},
                "quasi_identifiers": list(QUASI_IDENTIFIERS),
                "seconds": 0.42,
            },
        )
    con.close()


def test_privacy_report_prints_the_profile_and_every_build(tmp_path, capsys):
    copy = tmp_path / "warehouse-analytics.duckdb"
    _copy_with_builds(copy, [("night-1", "limited", 1, 0), ("night-2", "deidentified", 5, 7654)])
    assert main(["privacy-report", "--warehouse", str(tmp_path / "warehouse.duckdb")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("analytics copy: profile deidentified (the default)")
    assert "164.514" in out and "k = 5 (required 5)" in out and "1. tuoi 7654, 2. matinh_cu_tru 3000" in out
    night2, night1 = (line for line in out.splitlines() if line.startswith("night-"))
    assert night2.split()[3:10] == ["deidentified", "5", "5", "10000", "812", "10000", "7654"]
    assert night1.split()[3] == "limited"
    assert main(["privacy-report", "--analytics", str(copy), "--json", "--last", "1"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["run_id"] == "night-2" and datetime.fromisoformat(row["built_at"]) <= datetime.now(UTC)


def test_privacy_report_without_a_copy_says_so(tmp_path, capsys):
    assert main(["privacy-report", "--analytics", str(tmp_path / "none.duckdb")]) == 2
    assert "no analytics copy" in capsys.readouterr().err
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    assert main(["privacy-report", "--analytics", str(empty)]) == 0
    assert "ops.privacy is empty" in capsys.readouterr().out
