"""Who has not sent: ``ops.facilities`` and ``ops.facility_activity`` in the warehouse, and the run report's
alerts read from them.

:func:`build_facility_activity` runs ``pipelines/sql/ops/facilities.sql`` (the trust directory's
``facilities.csv``) and ``facility_activity.sql`` on the warehouse being built (the night's marts hook).
:func:`facility_alerts` reads the swapped-in warehouse after every night, built or not (an empty night is when
silence matters): the facilities silent for more than ``silent_days`` days (or that never sent a file), and
those whose rejection rate jumped:

    a jump: at least ``rejection_jump_min_files`` files in the last 7 days, and a rejected share of them at
    least ``rejection_jump_points`` percentage points above the share rejected in the 28 days before
    (a facility with no file in those 28 days is compared with 0 %).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from pipelines.common.paths import SQL_ROOT
from pipelines.common.settings import Settings
from pipelines.warehouse.sqlfiles import create, folder_files, relation_columns

OPS_SQL = SQL_ROOT / "ops"
#: the order the files run in (facility_activity reads facilities)
ORDER = ("facilities.sql", "facility_activity.sql")


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def build_facility_activity(con: duckdb.DuckDBPyConnection, trust: Path) -> dict[str, int]:
    """``ops.facilities`` from ``<trust>/facilities.csv`` and the ``ops.facility_activity`` view over it,
    ``ops.files`` and ``core.claim_versions`` (which must exist on ``con``)."""
    con.execute("CREATE SCHEMA IF NOT EXISTS ops")
    _files_with_reprocess_of(con)
    for sql in folder_files(OPS_SQL, ORDER):
        create(con, sql, {"facilities_csv": _literal(trust / "facilities.csv")})
    row = con.execute("SELECT count(*) FROM ops.facilities").fetchone()
    return {"facilities": int(row[0]) if row else 0}


def _files_with_reprocess_of(con: duckdb.DuckDBPyConnection) -> None:
    """``ops.files`` with its ``reprocess_of`` column even when every lake file of it was written before the
    column existed (a lake upgraded, before its first file decided since): the view is kept under another
    name and ``ops.files`` adds the column, null."""
    if "reprocess_of" in relation_columns(con, "ops.files"):
        return
    row = con.execute(
        "SELECT table_type FROM information_schema.tables WHERE table_schema = 'ops' AND table_name = 'files'"
    ).fetchone()
    if row and row[0] == "VIEW":
        con.execute("ALTER VIEW ops.files RENAME TO files_before_reprocess")
        con.execute(
            "CREATE VIEW ops.files AS "
            "SELECT *, CAST(NULL AS BIGINT) AS reprocess_of FROM ops.files_before_reprocess"
        )
    else:
        con.execute("ALTER TABLE ops.files ADD COLUMN reprocess_of BIGINT")


def alerts_of(con: duckdb.DuckDBPyConnection, settings: Settings) -> dict[str, list[dict[str, Any]]]:
    """The silent facilities and the rejection-rate jumps (see the module's docstring)."""
    silent = con.execute(
        "SELECT macskcb, name, days_silent, strftime(last_file_at, '%Y-%m-%d %H:%M') "
        "FROM ops.facility_activity WHERE days_silent IS NULL OR days_silent > $days "
        "ORDER BY days_silent DESC NULLS FIRST, macskcb",
        {"days": settings.silent_days},
    ).fetchall()
    jumps = con.execute(
        "SELECT macskcb, name, files_7d, rejected_7d, rejection_rate_7d, files_prior_28d, "
        "coalesce(rejection_rate_prior_28d, 0) FROM ops.facility_activity "
        "WHERE files_7d >= $min_files "
        "AND rejection_rate_7d - coalesce(rejection_rate_prior_28d, 0) >= $points / 100.0 ORDER BY macskcb",
        {"min_files": settings.rejection_jump_min_files, "points": settings.rejection_jump_points},
    ).fetchall()
    return {
        "silent": [
            {"facility": m, "name": n, "days_silent": d, "last_file": last or "never"}
            for m, n, d, last in silent
        ],
        "rejection_jumps": [
            {
                "facility": m,
                "name": n,
                "files_7d": f7,
                "rejected_7d": r7,
                "rate_7d": f"{100 * rate:.0f} %",
                "files_prior_28d": f28,
                "rate_prior_28d": f"{100 * prior:.0f} %",
            }
            for m, n, f7, r7, rate, f28, prior in jumps
        ],
    }


def facility_alerts(warehouse: Path, settings: Settings) -> dict[str, list[dict[str, Any]]]:
    """:func:`alerts_of` on the warehouse file (read-only); nothing when it has no activity view yet."""
    if not warehouse.exists():
        return {"silent": [], "rejection_jumps": []}
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        known = con.execute(
            "SELECT count(*) FROM duckdb_views() "
            "WHERE schema_name = 'ops' AND view_name = 'facility_activity'"
        ).fetchone()
        if not known or not known[0]:
            return {"silent": [], "rejection_jumps": []}
        return alerts_of(con, settings)
    finally:
        con.close()
