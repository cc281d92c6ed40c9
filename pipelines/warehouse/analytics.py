"""The analytics copy: the warehouse for analysts without clearance for patient identities.

Built after the full warehouse, from it, as its own DuckDB file swapped in the same atomic way. What
``identity.toml`` lists is treated on the way: names, addresses and phone numbers are gone (NULL, so every
query and report written for the full warehouse still runs), CCCD, card, BHXH and record numbers become a
keyed hash (SHA-256 over the settings' ``pseudonym_key`` and the value; the same person links across
facilities and nights, and without the key nobody goes back to the number), birth dates keep only the year.
The key is passed to DuckDB as a query parameter and is stored in neither file.

Derived objects (review queue, payment reports, patient timelines) are built again on the copy by the same
functions that build them on the full warehouse, so both answer the same questions.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

from pipelines.common.files import fsync_dir
from pipelines.standard import load_registry
from pipelines.standard.registry import ENVELOPE_TABLES
from pipelines.warehouse.build import DUCKDB_MEMORY
from pipelines.warehouse.dictionary import apply_comments
from pipelines.warehouse.identity import keyed_hash_sql, treated_select

#: reference tables that hold identifiers (not tables of the standard, so not in identity.toml)
REFERENCE_IDENTITIES = {"ref.eligibility": ("ma_the_bhyt", "ma_the_moi")}


def build_analytics(
    full: Path,
    target: Path,
    *,
    key: str,
    run_id: str,
    derived: list[Callable[[duckdb.DuckDBPyConnection], Any]] | None = None,
    copied: list[str] | None = None,
) -> dict[str, Any]:
    """Build the analytics copy of the ``full`` warehouse at ``target`` and swap it in. ``derived`` builds the
    marts again on the copy; ``copied`` lists tables of the full warehouse copied as they are (they hold no
    identity: the patient timelines are keyed by ``patient_key``)."""
    started = time.perf_counter()
    load_registry()
    target = Path(target).resolve()
    for stale in target.parent.glob(f".{target.name}.*.building*"):
        stale.unlink(missing_ok=True)
    building = target.with_name(f".{target.name}.{run_id}.building")
    con = duckdb.connect(str(building), config={"memory_limit": DUCKDB_MEMORY})
    try:
        con.execute(f"ATTACH '{str(Path(full).resolve())}' AS src (READ_ONLY)")
        for schema in ("ops", "core", "review", "payment"):
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        for lh in ENVELOPE_TABLES:
            name = lh.lower()
            columns = con.execute(
                "SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = 'src' "
                "AND schema_name = 'core' AND table_name = ? ORDER BY column_index",
                [name],
            ).fetchall()
            con.execute(
                f"CREATE TABLE core.{name} AS SELECT {treated_select(lh, columns)} FROM src.core.{name}",
                {"key": key} if "$key" in treated_select(lh, columns) else None,
            )
        reviewed = [
            f"{schema}.{name}"
            for schema, name in con.execute(
                "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = 'src' "
                "AND schema_name IN ('review', 'ref') UNION ALL SELECT schema_name, view_name FROM "
                "duckdb_views() WHERE database_name = 'src' AND schema_name IN ('review', 'ref')"
            ).fetchall()
        ]
        # review results are copied, not recomputed: the rules need the real card numbers and dates
        for schema in ("review", "ref"):
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        copied_as_is = ["core.claim_versions", "core.claim_current", "ops.files", "ops.runs", *(copied or [])]
        copied_as_is = list(dict.fromkeys(copied_as_is))
        for obj in copied_as_is + [r for r in reviewed if r not in REFERENCE_IDENTITIES]:
            con.execute(f"CREATE TABLE {obj} AS SELECT * FROM src.{obj}")
        for obj, hashed in REFERENCE_IDENTITIES.items():  # card numbers of the list become keyed hashes
            if obj in reviewed:
                names = [
                    n
                    for (n,) in con.execute(
                        "SELECT column_name FROM duckdb_columns() WHERE database_name = 'src' "
                        "AND schema_name = ? AND table_name = ? ORDER BY column_index",
                        obj.split("."),
                    ).fetchall()
                ]
                select = ", ".join(f"{keyed_hash_sql(n)} AS {n}" if n in hashed else n for n in names)
                con.execute(f"CREATE TABLE {obj} AS SELECT {select} FROM src.{obj}", {"key": key})
        con.execute("DETACH src")
        for build in derived or []:
            build(con)
        apply_comments(con)
        con.execute("CHECKPOINT")
    except BaseException:
        con.close()
        building.unlink(missing_ok=True)
        raise
    con.close()
    os.chmod(building, 0o644)  # noqa: S103 - the copy without identities is meant for analysts to read
    os.replace(building, target)
    fsync_dir(target.parent)
    return {"path": str(target), "seconds": round(time.perf_counter() - started, 3)}
