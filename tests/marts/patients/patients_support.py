"""Helpers of the patient tests: a copy of the warehouse of a clean night (``marts_support``, seed 5: clean
generated data ingested by the real pipeline, with the card eligibility list in its reference folder), with
the patient objects built on it the way the warehouse build does (``load_eligibility`` before the review,
``build_patients`` with the pseudonym key, the derived views)."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb
from marts_support import CLEAN_SEEDS

from pipelines.marts import patients
from pipelines.standard.registry import ENVELOPE_TABLES

#: the pseudonym key of the tests: distinctive, so that a test can look for it in the warehouse file
KEY = "pseudonym-key-of-the-patient-tests-7f3a9c"
#: the clean night the patient tests read (the review tests read it too)
SEED = CLEAN_SEEDS[1]


@dataclass(frozen=True)
class Built:
    root: Path  # the clean night: landing, lake (shared, read only), reference
    manifest: dict  # the JSON as written
    warehouse: Path  # the patient tests' own copy of the night's warehouse, with the patient objects

    @property
    def reference(self) -> Path:
        return self.root / "reference"

    def connect(self, read_only: bool = True) -> duckdb.DuckDBPyConnection:
        return duckdb.connect(str(self.warehouse), read_only=read_only)


def add_patient_objects(warehouse: Path, reference: Path | None, key: str = KEY) -> dict:
    """What the warehouse build does for patients, on an already built warehouse file."""
    con = duckdb.connect(str(warehouse))
    try:
        info = {"eligibility": patients.load_eligibility(con, reference)}
        info["patients"] = patients.build_patients(con, key)
        patients.create_patient_objects(con)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return info


def build(night: Path, folder: Path) -> Built:
    """The patient objects on a copy (in ``folder``) of the warehouse of the clean night at ``night`` (whose
    views read the night's lake, unchanged)."""
    warehouse = folder / "warehouse.duckdb"
    shutil.copy(night / "warehouse.duckdb", warehouse)
    add_patient_objects(warehouse, night / "reference")
    manifest = json.loads((night / "landing" / "manifest.json").read_text(encoding="utf-8"))
    return Built(night, manifest, warehouse)


def scratch_copy(warehouse: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with ``core.*`` of ``warehouse`` as plain (mutable) tables, and its ``ref.*``."""
    con = duckdb.connect()
    con.execute(f"ATTACH '{warehouse}' AS wh (READ_ONLY)")
    con.execute("CREATE SCHEMA core")
    con.execute("CREATE SCHEMA ref")
    for t in [lh.lower() for lh in ENVELOPE_TABLES] + ["claim_current", "conformance"]:
        con.execute(f"CREATE TABLE core.{t} AS SELECT * FROM wh.core.{t}")
    for (t,) in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = 'wh' AND schema_name = 'ref'"
    ).fetchall():
        con.execute(f"CREATE TABLE ref.{t} AS SELECT * FROM wh.ref.{t}")
    con.execute("DETACH wh")
    return con


def key_of(con: duckdb.DuckDBPyConnection, claim: dict) -> str | None:
    row = con.execute(
        "SELECT patient_key FROM core.patient_timeline WHERE macskcb = ? AND ma_lk = ?",
        [claim["macskcb"], claim["ma_lk"]],
    ).fetchone()
    return row[0] if row else None


def withdrawn(con: duckdb.DuckDBPyConnection) -> set[tuple[str, str]]:
    return set(
        con.execute(
            "SELECT macskcb, ma_lk FROM core.xml1 WHERE coalesce(trim(ma_doituong_kcb), '') = '8'"
        ).fetchall()
    )
