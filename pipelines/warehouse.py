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
``lake.xmlN``            [as the table]        every accepted version's rows
``review.*``, ``payment.*``                    review findings and payment marts (pipelines.review, .payment)
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.dictionary import apply_comments
from pipelines.errors import TerminalError
from pipelines.failpoints import failpoint
from pipelines.intake import fsync_dir
from pipelines.lake import FILE_MODE, make_dirs
from pipelines.ledger import Ledger
from pipelines.standard import load_registry
from pipelines.standard.registry import ENVELOPE_TABLES

SCHEMAS = ("ops", "core", "lake", "review", "payment")
#: DuckDB's own cap while building (it spills to disk beyond it); its default is 80 % of the machine's RAM,
#: which the worker processes of the same night need too
DUCKDB_MEMORY = "2GB"

FILES_SCHEMA = pa.schema(
    [
        ("arrival_id", pa.int64()),
        ("sha256", pa.string()),
        ("macskcb", pa.string()),
        ("file_name", pa.string()),
        ("size_bytes", pa.int64()),
        ("received_at", pa.timestamp("us", tz="UTC")),
        ("status", pa.string()),
        ("error_codes", pa.list_(pa.string())),
        ("errors", pa.int32()),
        ("warnings", pa.int32()),
        ("signature_status", pa.string()),
        ("signer_sha256", pa.string()),
        ("claims_accepted", pa.int32()),
        ("claims_rejected", pa.int32()),
        ("duplicate_of_file", pa.string()),
        ("run_id", pa.string()),
    ]
)

CLAIM_VERSIONS_SCHEMA = pa.schema(
    [
        ("macskcb", pa.string()),
        ("ma_lk", pa.string()),
        ("version", pa.int32()),
        ("source_sha256", pa.string()),
        ("file_name", pa.string()),
        ("received_at", pa.timestamp("us", tz="UTC")),
        ("run_id", pa.string()),
    ]
)


def files_table(rows: Iterable[tuple], run_id: str) -> pa.Table:
    """ops.files rows of one run from the ledger's arrivals (receipts are summarised, not copied)."""
    cols: dict[str, list] = {f.name: [] for f in FILES_SCHEMA}
    for arrival_id, macskcb, file_name, size, sha, received_at, status, receipt_json in rows:
        receipt = json.loads(receipt_json)
        errors = receipt.get("errors", [])
        claims = receipt.get("claims", [])
        cols["arrival_id"].append(arrival_id)
        cols["sha256"].append(sha)
        cols["macskcb"].append(macskcb)
        cols["file_name"].append(file_name)
        cols["size_bytes"].append(size)
        cols["received_at"].append(datetime.fromisoformat(received_at))
        cols["status"].append(status)
        cols["error_codes"].append(sorted({e["code"] for e in errors}))
        cols["errors"].append(sum(e["severity"] == "error" for e in errors))
        cols["warnings"].append(sum(e["severity"] == "warning" for e in errors))
        cols["signature_status"].append(receipt["signature"]["status"])
        cols["signer_sha256"].append(receipt["signature"].get("signer_sha256"))
        cols["claims_accepted"].append(sum(c["status"] == "accepted" for c in claims))
        cols["claims_rejected"].append(sum(c["status"] == "rejected" for c in claims))
        cols["duplicate_of_file"].append((receipt.get("duplicate_of") or {}).get("file"))
        cols["run_id"].append(run_id)
    return pa.Table.from_pydict(cols, schema=FILES_SCHEMA)


def claim_versions_table(rows: Iterable[tuple]) -> pa.Table:
    cols: dict[str, list] = {f.name: [] for f in CLAIM_VERSIONS_SCHEMA}
    for macskcb, ma_lk, version, sha, file_name, received_at, run_id in rows:
        for name, value in zip(
            CLAIM_VERSIONS_SCHEMA.names,
            (macskcb, ma_lk, version, sha, file_name, datetime.fromisoformat(received_at), run_id),
            strict=True,
        ):
            cols[name].append(value)
    return pa.Table.from_pydict(cols, schema=CLAIM_VERSIONS_SCHEMA)


def _sql_list(paths: list[Path]) -> str:
    return "[" + ", ".join("'" + str(p).replace("'", "''") + "'" for p in paths) + "]"


def _relation(
    con: duckdb.DuckDBPyConnection, name: str, paths: list[Path], empty: pa.Schema, *, hive: bool = False
) -> None:
    """A view over the listed Parquet files, or an empty table of the right shape when there are none."""
    if paths:
        con.execute(
            f"CREATE VIEW {name} AS SELECT * FROM read_parquet({_sql_list(paths)}, "
            f"hive_partitioning = {str(hive).lower()}, union_by_name = true)"
        )
    else:
        if hive:
            empty = empty.append(pa.field("nam_qt", pa.int64())).append(pa.field("thang_qt", pa.int64()))
        con.register("_empty", empty.empty_table())
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM _empty")
        con.unregister("_empty")


def build_warehouse(
    lake: Path,
    ledger: Ledger,
    target: Path,
    *,
    run_id: str,
    key: str | None = None,
    reference: Path | None = None,
) -> dict[str, Any]:
    """Build, check and swap in the warehouse for the ledger's committed state. ``key``: the pseudonym key
    (patient_key; default: the one kept in the lake); ``reference``: the card eligibility list's folder."""
    started = time.perf_counter()
    registry = load_registry()
    lake = lake.resolve()
    target = Path(target).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    for stale in target.parent.glob(f".{target.name}.*.building*"):  # left by a run killed while building
        stale.unlink(missing_ok=True)
    building = target.with_name(f".{target.name}.{run_id}.building")
    expected_rows: dict[str, int] = {}
    con = duckdb.connect(str(building), config={"memory_limit": DUCKDB_MEMORY})
    try:
        for schema in SCHEMAS:
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        parts = ledger.parts()
        by_table: dict[str, list[Path]] = {}
        for rel, table, rows in parts:
            by_table.setdefault(table, []).append(lake / rel)
            expected_rows[table] = expected_rows.get(table, 0) + rows
        for lh in ENVELOPE_TABLES:
            name = lh.lower()
            _relation(con, f"lake.{name}", by_table.get(lh, []), registry.table_schema(lh), hive=lh != "XML1")
        _relation(con, "core.claim_versions", by_table.get("core.claim_versions", []), CLAIM_VERSIONS_SCHEMA)
        _relation(con, "ops.files", by_table.get("ops.files", []), FILES_SCHEMA)
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
        runs = ledger.runs()
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
        from pipelines import patients
        from pipelines.analytics import pseudonym_key

        eligibility = patients.load_eligibility(con, reference)  # before the review: BIZ.CARD.* read it
        review_info = build_findings(con, lake, ledger, run_id, by_table.get("review.findings", []))
        patient_info = patients.build_patients(con, key or pseudonym_key(None, lake))
        for build in derived_builders():
            build(con)
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
        "review": review_info,
        "patients": patient_info,
        "eligibility": eligibility,
    }


FINDINGS_DIR = "review/findings"


def build_findings(
    con: duckdb.DuckDBPyConnection, lake: Path, ledger: Ledger, run_id: str, published: list[Path]
) -> dict[str, Any]:
    """Review findings, incrementally: the claim versions of every committed run that has no findings file
    yet are checked (against the whole history for the rules that compare claims), the findings written to
    ``<lake>/review/findings/<run>.parquet`` and listed in the ledger; ``review.*`` then reads all of them.
    A night therefore costs the review of its own claims, not of the history."""
    from pipelines import review

    started = time.perf_counter()
    rules = review.load_rules()
    review.load_reference(con)
    done = {p.stem for p in published}
    todo = [r["run_id"] for r in ledger.runs() if r["state"] == "committed" and r["run_id"] not in done]
    checked = findings = 0
    new_parts = []
    for run in todo:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _review_scope AS SELECT macskcb, ma_lk, source_sha256 "
            "FROM core.claim_versions WHERE run_id = ?",
            [run],
        )
        checked += con.execute("SELECT count(*) FROM _review_scope").fetchone()[0]
        table = review.evaluate(con, rules, scope="_review_scope", materialize=True)
        findings += table.num_rows
        rel = f"{FINDINGS_DIR}/{run}.parquet"
        path = lake / rel
        make_dirs(path.parent)
        tmp = path.with_name(f".{path.name}.tmp")
        pq.write_table(table, tmp, compression="zstd")
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, path)
        new_parts.append((rel, "review.findings", table.num_rows, path.stat().st_size))
        published.append(path)
    con.execute("DROP TABLE IF EXISTS _review_scope")
    if new_parts:
        ledger.add_parts(run_id, new_parts)
    empty = review.FINDINGS_SCHEMA
    _relation(con, "lake.review_findings", published, empty)
    review.create_review_objects(con, rules, "lake.review_findings")
    return {
        "runs_checked": len(todo),
        "claims_checked": checked,
        "findings": findings,
        "rules": len(rules),
        "seconds": round(time.perf_counter() - started, 3),
    }


def derived_builders() -> list[Callable[[duckdb.DuckDBPyConnection], Any]]:
    """What is built on top of the core objects, in order, the same way in the full warehouse and in the
    analytics copy (review queue, payment reports, patient timelines)."""
    from pipelines.patients import create_patient_objects
    from pipelines.payment import create_payment_objects

    return [create_payment_objects, create_patient_objects]


def check(con: duckdb.DuckDBPyConnection, expected_rows: dict[str, int]) -> None:
    """Refuse to swap in a warehouse whose views fail or whose row counts differ from the ledger's."""
    problems = []
    for lh in ENVELOPE_TABLES:
        name = lh.lower()
        (n,) = con.execute(f"SELECT count(*) FROM lake.{name}").fetchone()
        if n != expected_rows.get(lh, 0):
            problems.append(f"lake.{name} has {n} rows, the ledger lists {expected_rows.get(lh, 0)}")
        con.execute(f"SELECT * FROM core.{name} LIMIT 0")
    (claims,) = con.execute("SELECT count(*) FROM core.claim_current").fetchone()
    (xml1,) = con.execute("SELECT count(*) FROM core.xml1").fetchone()
    if claims != xml1:
        problems.append(f"core.claim_current has {claims} claims but core.xml1 {xml1} rows")
    for table, label in (("ops.files", "ops.files"), ("core.claim_versions", "core.claim_versions")):
        (n,) = con.execute(f"SELECT count(*) FROM {table}").fetchone()
        if n != expected_rows.get(label, 0):
            problems.append(f"{table} has {n} rows, the ledger lists {expected_rows.get(label, 0)}")
    if problems:
        raise TerminalError(
            "the new warehouse failed its checks and was not swapped in (the previous one stays): "
            + "; ".join(problems),
            stage="serve",
        )
