"""``ops.facility_activity`` and the run report's alerts: who has gone silent, whose rejection rate jumped.

The unit test builds the two ops objects from their SQL files on a DuckDB whose ``ops.files`` and
``core.claim_versions`` hold hand-made rows dated relative to today (four facilities, each showing one case);
the night test reads a real night on the committed sample with one more facility registered that never sends
(the sample's first night of support/nights.py, shared with test_backup and test_oversized_upload).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from support.nights import SampleNight

from pipelines.common.settings import Settings
from pipelines.run.activity import alerts_of, build_facility_activity
from pipelines.run.report import render_summary
from pipelines.warehouse.ops import CLAIM_VERSIONS_SCHEMA, FILES_SCHEMA

NOW = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
#: A sends every day and its last 7 days are mostly rejected (6 of 10, against 1 of 10 before): a jump;
#: B last sent 12 days ago: silent; C is registered (two certificates) but never sent: silent, never;
#: D sent 3 days ago at its usual rate: nothing to say
FACILITIES_CSV = """macskcb,name,tax_code,cert_sha256
79001,Bệnh viện A,0101,aa
79002,Bệnh viện B,0102,bb
79003,Trạm y tế C,0103,cc
79003,Trạm y tế C,0103,cd
79004,Phòng khám D,0104,dd
"""


def files_rows() -> list[dict]:
    rows = []

    def add(macskcb: str, days_ago: int, status: str, reprocess_of: int | None = None) -> None:
        rows.append(
            {
                "arrival_id": len(rows) + 1,
                "sha256": f"{len(rows):064x}",
                "macskcb": macskcb,
                "file_name": f"{macskcb}_{len(rows)}.xml",
                "size_bytes": 100,
                "received_at": NOW - timedelta(days=days_ago),
                "status": status,
                "error_codes": [],
                "errors": 0,
                "warnings": 0,
                "signature_status": "valid",
                "signer_sha256": None,
                "claims_accepted": 1,
                "claims_rejected": 0,
                "duplicate_of_file": None,
                "run_id": "r",
                "reprocess_of": reprocess_of,
            }
        )

    for i in range(10):
        add("79001", i % 7, "rejected" if i < 6 else "accepted")
        add("79001", 8 + i, "rejected" if i < 1 else "accepted")
    add("79001", 0, "duplicate")  # not counted in the rates
    add("79001", 1, "accepted", reprocess_of=1)  # a decision made again is not a file received
    add("79002", 12, "accepted")
    add("79004", 3, "accepted")
    add("79004", 10, "rejected")
    add("79004", 11, "accepted")
    return rows


def claim_rows() -> list[dict]:
    last_year = NOW.replace(year=NOW.year - 1, day=1)
    out = []
    for i, when in enumerate([NOW, NOW, NOW.replace(day=1), last_year, last_year + timedelta(days=2)]):
        out.append(
            {
                "macskcb": "79001",
                "ma_lk": f"LK{i}",
                "version": 1,
                "source_sha256": "a" * 64,
                "file_name": "f.xml",
                "received_at": when,
                "run_id": "r",
            }
        )
    return out


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    (tmp_path / "facilities.csv").write_text(FACILITIES_CSV, encoding="utf-8")
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")  # days counted in UTC here, as NOW is
    con.execute("CREATE SCHEMA ops; CREATE SCHEMA core")
    files = pa.Table.from_pylist(files_rows(), schema=FILES_SCHEMA)
    versions = pa.Table.from_pylist(claim_rows(), schema=CLAIM_VERSIONS_SCHEMA)
    con.register("_files", files)
    con.register("_versions", versions)
    con.execute("CREATE TABLE ops.files AS SELECT * FROM _files")
    con.execute("CREATE TABLE core.claim_versions AS SELECT * FROM _versions")
    assert build_facility_activity(con, tmp_path) == {"facilities": 4}
    return con


def test_facility_activity_has_a_row_per_registered_facility(con):
    rows = {
        r[0]: r
        for r in con.execute(
            "SELECT macskcb, days_silent, claims_this_month, claims_same_month_last_year, files_7d, "
            "rejected_7d, rejection_rate_7d, files_prior_28d, rejected_prior_28d, last_file_at IS NULL, "
            "last_claim_at IS NULL FROM ops.facility_activity"
        ).fetchall()
    }
    assert sorted(rows) == ["79001", "79002", "79003", "79004"]
    assert rows["79001"] == ("79001", 0, 3, 2, 10, 6, 0.6, 10, 1, False, False)
    assert rows["79002"][1] == 12 and rows["79002"][4] == 0 and rows["79002"][-1] is True
    assert rows["79003"][1] is None and rows["79003"][-2] is True and rows["79003"][2] == 0
    assert rows["79004"][1:2] == (3,) and rows["79004"][4:9] == (1, 0, 0.0, 2, 1)


def test_alerts_name_the_silent_facilities_and_the_jump(con):
    alerts = alerts_of(con, Settings(silent_days=7, rejection_jump_points=20, rejection_jump_min_files=5))
    assert [(a["facility"], a["days_silent"], a["last_file"]) for a in alerts["silent"]] == [
        ("79003", None, "never"),
        ("79002", 12, (NOW - timedelta(days=12)).strftime("%Y-%m-%d %H:%M")),
    ]
    assert [(a["facility"], a["rate_7d"], a["rate_prior_28d"]) for a in alerts["rejection_jumps"]] == [
        ("79001", "60 %", "10 %")
    ]
    relaxed = alerts_of(con, Settings(silent_days=20, rejection_jump_points=60, rejection_jump_min_files=5))
    assert relaxed == {"silent": [relaxed["silent"][0]], "rejection_jumps": []}


def test_the_night_report_lists_a_registered_facility_that_never_sent(sample_night: SampleNight):
    """The sample's first night (support/nights.py): one more facility is registered that never sends."""
    summary = sample_night.summary
    assert [a["facility"] for a in summary["activity"]["silent"]] == ["79999"]
    assert "79999 Trạm y tế chưa gửi: never sent a file" in render_summary(summary)
    con = duckdb.connect(str(sample_night.root / "warehouse.duckdb"), read_only=True)
    assert con.execute("SELECT count(*) FROM ops.facility_activity WHERE days_silent = 0").fetchone()[0] == 3
    con.close()


def test_a_lake_whose_ops_files_predate_reprocess_of_still_builds(tmp_path):
    """A lake upgraded before its first new file: ops.files is a view over Parquet without the column."""
    (tmp_path / "facilities.csv").write_text(FACILITIES_CSV, encoding="utf-8")
    old = pa.Table.from_pylist(files_rows(), schema=FILES_SCHEMA).drop_columns(["reprocess_of"])
    pq.write_table(old, tmp_path / "files.parquet")
    con = duckdb.connect()
    con.execute("CREATE SCHEMA ops; CREATE SCHEMA core")
    con.execute(f"CREATE VIEW ops.files AS SELECT * FROM read_parquet('{tmp_path / 'files.parquet'}')")
    con.register("_versions", pa.Table.from_pylist(claim_rows(), schema=CLAIM_VERSIONS_SCHEMA))
    con.execute("CREATE TABLE core.claim_versions AS SELECT * FROM _versions")
    build_facility_activity(con, tmp_path)
    assert con.execute("SELECT count(*) FROM ops.files WHERE reprocess_of IS NULL").fetchone()[0] == len(old)
    assert con.execute("SELECT count(*) FROM ops.facility_activity").fetchone()[0] == 4
