"""The analytics copy: the warehouse for analysts without clearance for patient identities.

Built after the full warehouse, from it, as its own DuckDB file swapped in the same atomic way, under the
privacy profile ``identity.toml`` names (``deidentified`` by default, ``limited`` under a data-use
agreement; :mod:`pipelines.warehouse.identity` says what each does to each field). Names, addresses and
phone numbers are gone (NULL, so every query and report written for the full warehouse still runs),
identity numbers become a keyed hash (the key is passed to DuckDB as a query parameter and is stored in
neither file), free text is removed or scrubbed. Under ``deidentified`` every date is kept to its month,
the birth date becomes ``tuoi``/``nhom_tuoi`` on ``core.xml1``, residence the 2025 province, and
:mod:`pipelines.warehouse.privacy` then measures k-anonymity and suppresses quasi-identifiers until every
claim is in a group of at least k; ``ops.privacy`` keeps the figures of every build.

Derived objects (payment reports, referral and appointment views) are built again on the copy by the same
functions that build them on the full warehouse, so both answer the same questions. What needs the exact
identities or dates is copied from the full warehouse instead, with the same treatments: review results,
patient timelines and, under ``deidentified``, referrals and appointments (their delays in days are
computed on the exact dates, then the dates are reduced to the month).
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
from pipelines.warehouse import privacy
from pipelines.warehouse.build import DUCKDB_MEMORY
from pipelines.warehouse.dictionary import apply_comments
from pipelines.warehouse.identity import (
    check_profile,
    identity_policy,
    keyed_hash_sql,
    month_sql,
    privacy_setting,
    scrub_sql,
    treated_select,
)

#: reference tables that hold identifiers (not tables of the standard, so not in identity.toml)
REFERENCE_IDENTITIES = {"ref.eligibility": ("ma_the_bhyt", "ma_the_moi")}
#: computed on the full warehouse and copied under ``deidentified`` (on the copy their dates would be months)
EXACT_DERIVED = ("core.referrals", "core.appointments")
#: columns of copied objects that hold a document number: keyed hash
COPIED_PSEUDO = ("paper", "slip")
#: columns of copied objects that may hold a value as written (review findings): gone / scrubbed
COPIED_VALUES = ("value",)
#: copied objects that describe runs, not people: kept as they are
RUN_OBJECTS = ("ops.runs",)
#: the smallest identifying value searched for, as written, inside the claim's own free text
MIN_SECRET = 4


def _columns(con: duckdb.DuckDBPyConnection, database: str, obj: str) -> list[tuple[str, str]]:
    schema, name = obj.split(".")
    return [
        (c, t)
        for c, t in con.execute(
            "SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = ? "
            "AND schema_name = ? AND table_name = ? ORDER BY column_index",
            [database, schema, name],
        ).fetchall()
    ]


def _create_secrets(con: duckdb.DuckDBPyConnection) -> None:
    """``_privacy_secrets``: per claim, the RE2 alternation of every value the policy drops or hashes (in
    every profile), as written and without diacritics, for :func:`scrub_sql` to remove from free text."""
    parts = []
    for lh, fields in identity_policy("limited").items():
        tags = [t.lower() for t, treatment in fields.items() if treatment in ("drop", "pseudo")]
        available = {c for c, _ in _columns(con, "src", f"core.{lh.lower()}")}
        tags = [t for t in tags if t in available]
        if tags:
            values = ", ".join(f"CAST({t} AS VARCHAR)" for t in tags)
            parts.append(f"SELECT macskcb, ma_lk, unnest([{values}]) AS v FROM src.core.{lh.lower()}")
    if not parts:
        con.execute("CREATE TEMP TABLE _privacy_secrets (macskcb VARCHAR, ma_lk VARCHAR, re VARCHAR)")
        return
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _privacy_secrets AS
        WITH raw AS ({" UNION ALL ".join(parts)}),
        one AS (SELECT macskcb, ma_lk, trim(unnest(string_split(v, ';'))) AS v FROM raw WHERE v IS NOT NULL),
        both_forms AS (
            SELECT macskcb, ma_lk, v FROM one
            UNION SELECT macskcb, ma_lk, replace(replace(strip_accents(v), 'Đ', 'D'), 'đ', 'd') FROM one
        )
        SELECT macskcb, ma_lk, string_agg(DISTINCT regexp_escape(v), '|') AS re
        FROM both_forms WHERE length(v) >= {MIN_SECRET} GROUP BY ALL
        """
    )


def _copied_select(obj: str, columns: list[tuple[str, str]], profile: str) -> str:
    """The SELECT list of an object copied from the full warehouse under ``profile``."""
    hashed = REFERENCE_IDENTITIES.get(obj, ())
    out = []
    for name, kind in columns:
        if name in hashed or (profile == "deidentified" and name in COPIED_PSEUDO):
            out.append(f"{keyed_hash_sql(name)} AS {name}")
        elif name in COPIED_VALUES or name.startswith("message_"):
            gone = profile == "deidentified" and name in COPIED_VALUES
            out.append(f"CAST(NULL AS {kind}) AS {name}" if gone else f"{scrub_sql(name)} AS {name}")
        elif (
            profile == "deidentified"
            and kind.upper().startswith(("DATE", "TIMESTAMP"))
            and obj not in RUN_OBJECTS
            and (not obj.startswith("ref.") or obj in REFERENCE_IDENTITIES)
        ):
            out.append(f"{month_sql(name, kind)} AS {name}")
        else:
            out.append(name)
    return ", ".join(out)


def build_analytics(
    full: Path,
    target: Path,
    *,
    key: str,
    run_id: str,
    derived: list[Callable[[duckdb.DuckDBPyConnection], Any]] | None = None,
    copied: list[str] | None = None,
    profile: str | None = None,
    k: int | None = None,
) -> dict[str, Any]:
    """Build the analytics copy of the ``full`` warehouse at ``target`` and swap it in. ``derived`` builds the
    marts again on the copy; ``copied`` lists tables of the full warehouse copied with the copy's treatments
    (the patient timelines, keyed by ``patient_key``). ``profile`` and ``k`` default to identity.toml's."""
    started = time.perf_counter()
    configured_profile, configured_k = privacy_setting()
    profile = check_profile(profile or configured_profile)
    k = configured_k if k is None else k
    registry = load_registry()
    target = Path(target).resolve()
    for stale in target.parent.glob(f".{target.name}.*.building*"):
        stale.unlink(missing_ok=True)
    building = target.with_name(f".{target.name}.{run_id}.building")
    con = duckdb.connect(str(building), config={"memory_limit": DUCKDB_MEMORY})
    params = {"key": key}
    try:
        for schema in ("ops", "core", "review", "payment", "ref"):
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        privacy.carry_history_from(con, target)
        con.execute(f"ATTACH '{str(Path(full).resolve())}' AS src (READ_ONLY)")
        _create_secrets(con)
        for lh in ENVELOPE_TABLES:
            name = lh.lower()
            columns = _columns(con, "src", f"core.{name}")
            xsd_types = {f.column: f.xsd_type for f in registry.table_columns(lh)}
            select = treated_select(lh, columns, profile, alias="t", secrets_expr="s.re", xsd_types=xsd_types)
            if lh == "XML1" and profile == "deidentified":
                tuoi, band = privacy.age_columns_sql("t.ngay_sinh", "t.ngay_vao")
                select += f", {tuoi} AS tuoi, {band} AS nhom_tuoi"
            con.execute(
                f"CREATE TABLE core.{name} AS SELECT {select} FROM src.core.{name} t "
                "LEFT JOIN _privacy_secrets s ON s.macskcb = t.macskcb AND s.ma_lk = t.ma_lk",
                params if "$key" in select else None,
            )
        con.execute("DROP TABLE _privacy_secrets")
        reviewed = [
            f"{schema}.{name}"
            for schema, name in con.execute(
                "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = 'src' "
                "AND schema_name IN ('review', 'ref') UNION ALL SELECT schema_name, view_name FROM "
                "duckdb_views() WHERE database_name = 'src' AND schema_name IN ('review', 'ref')"
            ).fetchall()
        ]
        # review results are copied, not recomputed: the rules need the real card numbers and dates
        copied_as_is = ["core.claim_versions", "core.claim_current", "ops.files", "ops.runs", *(copied or [])]
        for obj in list(dict.fromkeys(copied_as_is + reviewed)):
            select = _copied_select(obj, _columns(con, "src", obj), profile)
            con.execute(
                f"CREATE TABLE {obj} AS SELECT {select} FROM src.{obj}", params if "$key" in select else None
            )
        exact = EXACT_DERIVED if profile == "deidentified" else ()
        for obj in exact:
            schema, name = obj.split(".")
            select = _copied_select(obj, _columns(con, "src", obj), profile)
            con.execute(
                f"CREATE TABLE {schema}._exact_{name} AS SELECT {select} FROM src.{obj}",
                params if "$key" in select else None,
            )
        con.execute("DETACH src")
        for build in derived or []:
            build(con)
        for obj in exact:
            schema, name = obj.split(".")
            con.execute(f"DROP VIEW IF EXISTS {obj}")
            con.execute(f"ALTER TABLE {schema}._exact_{name} RENAME TO {name}")
        figures = privacy.measure_and_suppress(con, profile=profile, k=k)
        privacy.record(con, run_id, figures)
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
    return {"path": str(target), "seconds": round(time.perf_counter() - started, 3), "privacy": figures}
