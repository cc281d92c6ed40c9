"""Warehouse stage: a new DuckDB file per run, checked, then swapped in atomically.

The warehouse holds no copy of the claim rows: ``lake.xml1`` … ``lake.xml15`` are views over exactly the
Parquet files the ledger lists as committed (so a file a dead run left is never visible), and
``core.xml1`` … ``core.xml15`` keep the current version of each claim. Building therefore costs time in
proportion to the number of lake files and claim versions, not to the detail rows of the whole history.

The new file is built next to the old one under a temporary name, checked (every view answers, row counts
equal the ledger's), made owner/group-only, and renamed over the old one. Analysts with a read-only
connection open keep reading the file they opened (the old inode) until they reconnect; nobody ever sees
a half-built database, and the build never waits for them.

Objects (contract: ARCHITECTURE.md "Warehouse"):

``ops.files``            [file that arrived]   status, error codes, signature, claims accepted/rejected
``ops.runs``             [run]                 state, times, counts
``core.claim_versions``  [claim version]       every accepted version of every claim (macskcb, ma_lk, version)
``core.claim_current``   [claim]               the current (latest received) version of every claim
``core.xmlN``            [as the table: XML1 claim, XML2 drug line, …]  current version's rows + ``version``
``core.conformance``     [conformance finding]  STD.* warnings of the current versions (``ops.conformance``)
``core.xml12_messages``  [assessment record]   XML12 records received in their own signed message (no claim):
                         every accepted file's, keyed by (``source_sha256``, ``message_stt``)
``lake.xmlN``            [as the table]        every accepted version's rows
``review.*``, ``payment.*``, ``ref.*``        built on top by ``extend`` (the marts: pipelines.marts)
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from pipelines.common.errors import TerminalError
from pipelines.common.failpoints import failpoint
from pipelines.common.files import fsync_dir
from pipelines.standard import load_registry
from pipelines.standard.registry import ENVELOPE_TABLES, MESSAGE_COLUMN
from pipelines.warehouse.dictionary import apply_comments
from pipelines.warehouse.ops import CLAIM_VERSIONS_SCHEMA, CONFORMANCE_SCHEMA, FILES_SCHEMA

SCHEMAS = ("ops", "core", "lake", "review", "payment")
#: DuckDB's own cap while building (it spills to disk beyond it); its default is 80 % of the machine's RAM,
#: which the worker processes of the same night need too
DUCKDB_MEMORY = "2GB"


def connect_building(path: Path) -> duckdb.DuckDBPyConnection:
    """A connection to a warehouse file being built: memory capped (:data:`DUCKDB_MEMORY`) and the Parquet
    footers cached for the connection's life, so that binding a view over the lake and each query through
    it read every file's metadata once (a build binds and reads ``lake.xmlN`` many times). The setting is
    not stored in the file: analysts' connections are as DuckDB's defaults make them."""
    con = duckdb.connect(str(path), config={"memory_limit": DUCKDB_MEMORY})
    # not a config= key: the parquet extension that defines it is loaded on first use, not at connect
    con.execute("SET parquet_metadata_cache = true")
    return con


def _sql_list(paths: list[Path]) -> str:
    return "[" + ", ".join("'" + str(p).replace("'", "''") + "'" for p in paths) + "]"


def relation(
    con: duckdb.DuckDBPyConnection,
    name: str,
    paths: list[Path],
    empty: pa.Schema,
    *,
    hive: bool = False,
    added: tuple[str, ...] = (),
) -> None:
    """A view over the listed Parquet files, or an empty table of the right shape when there are none.
    ``added``: columns of ``empty`` that files written before they existed lack (null there)."""
    if paths:
        source = (
            f"read_parquet({_sql_list(paths)}, hive_partitioning = {str(hive).lower()}, union_by_name = true)"
        )
        con.execute(f"CREATE VIEW {name} AS SELECT * FROM {source}")
        if added:
            have = {c for (c,) in con.execute(f"SELECT column_name FROM (DESCRIBE {name})").fetchall()}
            missing = [empty.field(c) for c in added if c not in have]
            if missing:
                types = con.from_arrow(pa.schema(missing).empty_table()).types
                nulls = ", ".join(f"NULL::{t} AS {f.name}" for f, t in zip(missing, types, strict=True))
                con.execute(f"CREATE OR REPLACE VIEW {name} AS SELECT *, {nulls} FROM {source}")
    else:
        if hive:
            empty = empty.append(pa.field("nam_qt", pa.int64())).append(pa.field("thang_qt", pa.int64()))
        con.register("_empty", empty.empty_table())
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM _empty")
        con.unregister("_empty")


def messages_view(con: duckdb.DuckDBPyConnection) -> None:
    """``core.xml12_messages``: the XML12 records that came in their own signed message, tied to no claim
    (rows inside GIAMDINHHS have no ``message_stt`` and are ``core.xml12``'s). No version: each accepted
    file's records stay, keyed by the file (``source_sha256``) and their position in it; the same bytes twice
    are a duplicate and load once."""
    con.execute(
        "CREATE VIEW core.xml12_messages AS SELECT t.* FROM lake.xml12 t "
        f"WHERE t.{MESSAGE_COLUMN} IS NOT NULL"
    )


def build_warehouse(
    lake: Path,
    target: Path,
    *,
    run_id: str,
    parts: list[tuple[str, str, int]],
    runs: list[dict[str, Any]],
    extend: Callable[[duckdb.DuckDBPyConnection], dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Build, check and swap in the warehouse over the lake's committed ``parts`` (path relative to the lake,
    table, rows; from the ledger) and ``runs``. ``extend`` builds what sits on top of the core objects (the
    marts) on the same connection, before the checks; what it returns is added to the build's report."""
    started = time.perf_counter()
    registry = load_registry()
    lake = lake.resolve()
    target = Path(target).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    for stale in target.parent.glob(f".{target.name}.*.building*"):  # left by a run killed while building
        stale.unlink(missing_ok=True)
    building = target.with_name(f".{target.name}.{run_id}.building")
    expected_rows: dict[str, int] = {}
    con = connect_building(building)
    try:
        for schema in SCHEMAS:
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        by_table: dict[str, list[Path]] = {}
        for rel, table, rows in parts:
            by_table.setdefault(table, []).append(lake / rel)
            expected_rows[table] = expected_rows.get(table, 0) + rows
        for lh in ENVELOPE_TABLES:
            name = lh.lower()
            message = registry.message_column(lh)
            relation(
                con,
                f"lake.{name}",
                by_table.get(lh, []),
                registry.table_schema(lh),
                hive=lh != "XML1",
                added=(message,) if message else (),
            )
        relation(con, "core.claim_versions", by_table.get("core.claim_versions", []), CLAIM_VERSIONS_SCHEMA)
        relation(con, "ops.files", by_table.get("ops.files", []), FILES_SCHEMA)
        relation(con, "ops.conformance", by_table.get("ops.conformance", []), CONFORMANCE_SCHEMA)
        con.execute(
            "CREATE TABLE core.claim_current AS SELECT * FROM core.claim_versions "
            "QUALIFY row_number() OVER (PARTITION BY macskcb, ma_lk ORDER BY version DESC) = 1 "
            "ORDER BY macskcb, ma_lk"
        )
        for lh in ENVELOPE_TABLES:
            name = lh.lower()
            con.execute(
                f"CREATE VIEW core.{name} AS SELECT t.*, c.version FROM lake.{name} t "
                "JOIN core.claim_current c ON t.macskcb = c.macskcb AND t.ma_lk = c.ma_lk "
                "AND t.source_sha256 = c.source_sha256"
            )
        messages_view(con)
        con.execute(  # the conformance warnings (STD.*) of the current versions, for review.findings
            "CREATE VIEW core.conformance AS SELECT f.* FROM ops.conformance f "
            "SEMI JOIN core.claim_current c ON f.macskcb = c.macskcb AND f.ma_lk = c.ma_lk "
            "AND f.source_sha256 = c.source_sha256"
        )
        runs_table = pa.Table.from_pylist(
            [
                {
                    "run_id": r["run_id"],
                    "started_at": r["started_at"],
                    "finished_at": r["finished_at"],
                    "state": r["state"],
                    "landing": r["landing"],
                    "summary": r["summary"],
                }
                for r in runs
            ],
            schema=pa.schema(
                [
                    (n, pa.string())
                    for n in ("run_id", "started_at", "finished_at", "state", "landing", "summary")
                ]
            ),
        )
        con.register("_runs", runs_table)
        con.execute(
            "CREATE TABLE ops.runs AS SELECT run_id, started_at::TIMESTAMPTZ AS started_at, "
            "finished_at::TIMESTAMPTZ AS finished_at, state, landing, summary::JSON AS summary FROM _runs"
        )
        con.unregister("_runs")
        extended = extend(con) if extend is not None else {}
        apply_comments(con)
        check(con, expected_rows)
        con.execute("CHECKPOINT")
    except BaseException:
        con.close()
        building.unlink(missing_ok=True)
        raise
    con.close()
    failpoint("serve:built")
    os.chmod(building, 0o640)
    os.replace(building, target)
    fsync_dir(target.parent)
    return {
        "path": str(target),
        "seconds": round(time.perf_counter() - started, 3),
        "rows": expected_rows,
        **extended,
    }


def _count(con: duckdb.DuckDBPyConnection, relation: str) -> int:
    row = con.execute(f"SELECT count(*) FROM {relation}").fetchone()
    assert row is not None  # an aggregate without GROUP BY returns one row
    count: int = row[0]
    return count


def check(con: duckdb.DuckDBPyConnection, expected_rows: dict[str, int]) -> None:
    """Refuse to swap in a warehouse whose views fail or whose row counts differ from the ledger's."""
    problems = []
    for lh in ENVELOPE_TABLES:
        name = lh.lower()
        n = _count(con, f"lake.{name}")
        if n != expected_rows.get(lh, 0):
            problems.append(f"lake.{name} has {n} rows, the ledger lists {expected_rows.get(lh, 0)}")
        con.execute(f"SELECT * FROM core.{name} LIMIT 0")
    claims = _count(con, "core.claim_current")
    xml1 = _count(con, "core.xml1")
    if claims != xml1:
        problems.append(f"core.claim_current has {claims} claims but core.xml1 {xml1} rows")
    for table, label in (("ops.files", "ops.files"), ("core.claim_versions", "core.claim_versions")):
        n = _count(con, table)
        if n != expected_rows.get(label, 0):
            problems.append(f"{table} has {n} rows, the ledger lists {expected_rows.get(label, 0)}")
    if problems:
        raise TerminalError(
            "the new warehouse failed its checks and was not swapped in (the previous one stays): "
            + "; ".join(problems),
            stage="serve",
        )
