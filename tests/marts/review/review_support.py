"""Helpers shared by the review tests (constants and the scratch copy of a warehouse)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipelines.marts import review
from pipelines.standard.registry import ENVELOPE_TABLES

CORE_TABLES = [lh.lower() for lh in ENVELOPE_TABLES] + ["claim_current", "conformance"]


def copy_core(source: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with ``core.*`` copied from the warehouse at ``source`` (plain tables, mutable),
    the pristine copy in ``pristine.*`` and the reference catalogues in ``ref.*``."""
    con = duckdb.connect()
    con.execute(f"ATTACH '{source / 'warehouse.duckdb'}' AS wh (READ_ONLY)")
    for schema in ("core", "pristine"):
        con.execute(f"CREATE SCHEMA {schema}")
        for t in CORE_TABLES:
            con.execute(f"CREATE TABLE {schema}.{t} AS SELECT * FROM wh.core.{t}")
    con.execute("DETACH wh")
    review.load_reference(con)
    return con


#: tables a test says it changed (``core.xml2`` …); empty = unknown, restore everything
TOUCHED: set[str] = set()


def restore_core(con: duckdb.DuckDBPyConnection) -> None:
    """Undo every change to ``core.*`` (only the tables in :data:`TOUCHED` when a test listed them), and
    drop review objects a test created."""
    tables = [t for t in CORE_TABLES if f"core.{t}" in TOUCHED] if TOUCHED else CORE_TABLES
    TOUCHED.clear()
    for t in tables:
        con.execute(f"DELETE FROM core.{t}")
        con.execute(f"INSERT INTO core.{t} SELECT * FROM pristine.{t}")
    con.execute("DROP SCHEMA IF EXISTS review CASCADE")
