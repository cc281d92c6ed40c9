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

import hashlib
import os
import re
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from pipelines import __version__
from pipelines.common.files import fsync_dir
from pipelines.common.paths import data_dir
from pipelines.standard import load_registry
from pipelines.standard.registry import ENVELOPE_TABLES
from pipelines.warehouse import privacy
from pipelines.warehouse.build import connect_building, messages_view, relation
from pipelines.warehouse.dictionary import apply_comments
from pipelines.warehouse.identity import (
    IDENTITY_FILE,
    check_profile,
    column_treatments,
    identity_policy,
    keyed_hash_sql,
    month_sql,
    privacy_setting,
    scrub_sql,
    treated_select,
)

#: reference tables that hold identifiers (not tables of the standard, so not in identity.toml)
REFERENCE_IDENTITIES = {
    "ref.eligibility": ("ma_the_bhyt", "ma_the_moi"),
    # the licensed staff list (issue 14): staff, not patients, but a name is a name; their codes (MA_BHXH,
    # MACCHN) stay as the claims' MA_BAC_SI/NGUOI_THUC_HIEN carry them
    "ref.catalog_staff": ("ho_ten",),
}
#: computed on the full warehouse and copied under ``deidentified`` (on the copy their dates would be months)
EXACT_DERIVED = ("core.referrals", "core.appointments")
#: columns of copied objects that hold a document number: keyed hash
COPIED_PSEUDO = ("paper", "slip")
#: columns of copied objects that may hold a value as written (review findings): gone / scrubbed
COPIED_VALUES = ("value",)
#: copied objects that describe runs, not people: kept as they are
RUN_OBJECTS = ("ops.runs",)
#: columns of the inner query of :func:`_treated_query` and :func:`_copied_query`: the scrubbed free text of
#: the row, the claim's secrets (never in the copy: the outer SELECT lists its own columns)
SCRUBBED = "_privacy_scrubbed"
SECRETS = "_privacy_re"
#: the smallest identifying value searched for, as written, inside the claim's own free text
MIN_SECRET = 4


def _columns(con: duckdb.DuckDBPyConnection, database: str) -> dict[str, list[tuple[str, str]]]:
    """``schema.object`` → its (column, type) in order, for every table and view of ``database``: one query
    (``duckdb_columns()`` lists the whole catalogue whatever it is asked, 1.4 ms a time)."""
    out: dict[str, list[tuple[str, str]]] = {}
    for schema, name, column, kind in con.execute(
        "SELECT schema_name, table_name, column_name, data_type FROM duckdb_columns() "
        "WHERE database_name = ? ORDER BY schema_name, table_name, column_index",
        [database],
    ).fetchall():
        out.setdefault(f"{schema}.{name}", []).append((column, kind))
    return out


def _copied_query(obj: str, columns: list[tuple[str, str]], profile: str, source: str) -> str:
    """The SELECT of an object copied from the full warehouse (``source``) under ``profile``. Its free-text
    columns are scrubbed in one expression (see :func:`_treated_query`: the name pattern is compiled once
    per expression)."""
    hashed = REFERENCE_IDENTITIES.get(obj, ())
    treated: list[tuple[str, str, str]] = []  # (column, type, how: hash | gone | scrub | month | keep)
    for name, kind in columns:
        if name in hashed or (profile == "deidentified" and name in COPIED_PSEUDO):
            treated.append((name, kind, "hash"))
        elif name in COPIED_VALUES or name.startswith("message_"):
            gone = profile == "deidentified" and name in COPIED_VALUES
            treated.append((name, kind, "gone" if gone else "scrub"))
        elif (
            profile == "deidentified"
            and kind.upper().startswith(("DATE", "TIMESTAMP"))
            and obj not in RUN_OBJECTS
            and (not obj.startswith("ref.") or obj in REFERENCE_IDENTITIES)
        ):
            treated.append((name, kind, "month"))
        else:
            treated.append((name, kind, "keep"))
    grouped, scrubbed = _scrubbed_together(
        [n for n, kind, how in treated if how == "scrub" and kind.upper() in ("VARCHAR", "TEXT")], "", None
    )
    out = []
    for name, kind, how in treated:
        if how == "hash":
            out.append(f"{keyed_hash_sql(name)} AS {name}")
        elif how == "gone":
            out.append(f"CAST(NULL AS {kind}) AS {name}")
        elif name in grouped:
            out.append(f"{grouped[name]} AS {name}")
        elif how == "scrub":
            out.append(f"{scrub_sql(name)} AS {name}")
        elif how == "month":
            out.append(f"{month_sql(name, kind)} AS {name}")
        else:
            out.append(name)
    if not grouped:
        return f"SELECT {', '.join(out)} FROM {source}"
    return f"SELECT {', '.join(out)} FROM (SELECT *{scrubbed} FROM {source})"


def _scrubbed_together(text: list[str], prefix: str, secrets_expr: str | None) -> tuple[dict[str, str], str]:
    """The free-text columns ``text`` (of a relation whose columns are ``prefix``-qualified) scrubbed in ONE
    expression: (column → its scrubbed value, the inner SELECT's item computing them, with a leading comma).
    Nothing to group (one column or none): ({}, "").

    DuckDB compiles a constant regular expression once per expression (and thread) of a query, and the name
    pattern of :func:`pipelines.warehouse.identity.scrub_sql` costs ~14 ms to compile, so a table with eight
    scrubbed columns paid ~0.1 s of CPU per query whatever its rows. The values are the same: a
    ``list_transform`` applies the same SQL to each column's value, one by one."""
    if len(text) < 2:
        return {}, ""
    grouped = {n: f"{prefix}{SCRUBBED}[{i}]" for i, n in enumerate(text, 1)}
    item = (
        f", list_transform([{', '.join(prefix + n for n in text)}], "
        f"lambda _text: {scrub_sql('_text', secrets_expr)}) AS {SCRUBBED}"
    )
    return grouped, item


def _secrets_from(con: duckdb.DuckDBPyConnection, sources: dict[str, str]) -> None:
    """``_privacy_secrets`` from ``sources`` (LOAIHOSO → a relation of that table's rows)."""
    parts = []
    for lh, fields in identity_policy("limited").items():
        if lh not in sources:
            continue
        described = con.execute(f"SELECT column_name FROM (DESCRIBE SELECT * FROM {sources[lh]})").fetchall()
        available = {c for (c,) in described}
        tags = [t.lower() for t, treatment in fields.items() if treatment in ("drop", "pseudo")]
        tags = [t for t in tags if t in available]
        if tags:
            values = ", ".join(f"CAST({t} AS VARCHAR)" for t in tags)
            parts.append(f"SELECT macskcb, ma_lk, unnest([{values}]) AS v FROM {sources[lh]}")
    if not parts:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _privacy_secrets (macskcb VARCHAR, ma_lk VARCHAR, re VARCHAR[])"
        )
        return
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _privacy_secrets AS
        WITH raw AS ({" UNION ALL ".join(parts)}),
        one AS (SELECT macskcb, ma_lk, trim(unnest(string_split(v, ';'))) AS v FROM raw WHERE v IS NOT NULL),
        plain AS (SELECT *, replace(replace(strip_accents(v), 'Đ', 'D'), 'đ', 'd') AS u FROM one),
        forms AS (
            SELECT macskcb, ma_lk, unnest([v, upper(v), lower(v), u, upper(u), lower(u)]) AS v FROM plain
        )
        SELECT macskcb, ma_lk, list(DISTINCT v ORDER BY length(v) DESC, v) AS re
        FROM forms WHERE length(v) >= {MIN_SECRET} GROUP BY ALL
        """
    )


def _treated_query(
    lh: str, columns: list[tuple[str, str]], profile: str, xsd_types: dict[str, str], source: str
) -> str:
    """The SELECT of one table's treated rows from ``source`` (the rows of ``columns``), each row with its
    claim's secrets (``_privacy_secrets``), with the age columns on XML1: the treatments of
    :func:`pipelines.warehouse.identity.treated_select`, the free-text columns scrubbed together
    (:func:`_scrubbed_together`)."""
    treatments = column_treatments(lh, columns, profile, xsd_types)
    grouped, scrubbed = _scrubbed_together(
        [n for n, kind in columns if treatments.get(n) == "scrub" and kind.upper() in ("VARCHAR", "TEXT")],
        "t.",
        "s.re",
    )
    select = treated_select(
        lh, columns, profile, alias="t", secrets_expr=f"t.{SECRETS}", xsd_types=xsd_types, replaced=grouped
    )
    if lh == "XML1" and profile == "deidentified":
        tuoi, band = privacy.age_columns_sql("t.ngay_sinh", "t.ngay_vao")
        select += f", {tuoi} AS tuoi, {band} AS nhom_tuoi"
    return (
        f"SELECT {select} FROM (SELECT t.*, s.re AS {SECRETS}{scrubbed} FROM {source} t "
        "LEFT JOIN _privacy_secrets s ON s.macskcb = t.macskcb AND s.ma_lk = t.ma_lk) t"
    )


def _sql_path(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def policy_inputs() -> Iterator[bytes]:
    """What the privacy treatment reads: ``identity.toml`` and the reference lists in ``data/privacy``."""
    yield IDENTITY_FILE.read_bytes()
    for path in sorted((data_dir() / "privacy").glob("*.csv")):
        yield path.read_bytes()


def policy_fingerprint(profile: str, key: str) -> str:
    """What a treated part depends on: the profile, identity.toml, the reference lists it reads, the key (as a
    hash) and the product's version. A new fingerprint means every part is treated again."""
    digest = hashlib.sha256(profile.encode())
    for content in policy_inputs():
        digest.update(content)
    digest.update(hashlib.sha256(key.encode()).digest())
    digest.update(__version__.encode())
    return digest.hexdigest()[:16]


#: a lake part's name: ``<run>-b<batch>-<serial>.parquet`` (pipelines.run.lake.StagedWriter)
PART_NAME = re.compile(r"^(?P<run>.+)-b\d{5}-\d+\.parquet$")


def treated_groups(parts: list[tuple[str, str, int]]) -> dict[str, tuple[str, list[str]]]:
    """The treated files the copy needs: one per run and claim table, named after the run and a hash of
    the lake parts it covers (``xml2/<run>-<hash>.parquet``) → (LOAIHOSO, those parts)."""
    grouped: dict[tuple[str, str], list[str]] = {}
    for rel, table, _ in parts:
        if table in ENVELOPE_TABLES:
            m = PART_NAME.match(Path(rel).name)
            grouped.setdefault((m.group("run") if m else rel.replace("/", "_"), table), []).append(rel)
    out = {}
    for (run, table), rels in grouped.items():
        digest = hashlib.sha256("\n".join(sorted(rels)).encode()).hexdigest()[:12]
        out[f"{table.lower()}/{run}-{digest}.parquet"] = (table, sorted(rels))
    return out


def treat_parts(
    con: duckdb.DuckDBPyConnection,
    lake: Path,
    parts: list[tuple[str, str, int]],
    root: Path,
    *,
    profile: str,
    key: str,
) -> dict[str, int]:
    """Write under ``root`` the treated copy of the lake parts of the standard's tables, one file per run and
    table (:func:`treated_groups`), for the runs not treated yet; delete treated files no longer wanted (a
    run whose parts were rewritten is treated again). Files already treated are not read: a night costs
    what it brought."""
    registry = load_registry()
    groups = treated_groups(parts)
    new = {name: group for name, group in groups.items() if not (root / name).exists()}
    if new:
        by_table: dict[str, list[str]] = {}
        for table, rels in new.values():
            by_table.setdefault(table, []).extend(rels)
        _secrets_from(con, {lh: _read(lake, rels, lh) for lh, rels in by_table.items()})
    for name, (table, rels) in sorted(new.items()):
        source = _read(lake, rels, table)
        columns = [(c, t) for c, t, *_ in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()]
        xsd_types = {f.column: f.xsd_type for f in registry.table_columns(table)}
        query = _treated_query(table, columns, profile, xsd_types, source)
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o755)
        tmp = target.with_name(f".{target.name}.tmp")
        con.execute(
            f"COPY ({query}) TO {_sql_path(tmp)} (FORMAT parquet, COMPRESSION zstd)",
            {"key": key} if "$key" in query else None,
        )
        os.chmod(tmp, 0o644)  # noqa: S103 - treated parts are read by analysts through the copy's views
        os.replace(tmp, target)
    removed = 0
    for path in root.rglob("*.parquet"):
        if path.relative_to(root).as_posix() not in groups:
            path.unlink()
            removed += 1
    con.execute("DROP TABLE IF EXISTS _privacy_secrets")
    return {
        "lake_parts": sum(len(rels) for _, rels in groups.values()),
        "files": len(groups),
        "treated": len(new),
        "removed": removed,
    }


def _read(lake: Path, rels: list[str], table: str) -> str:
    """The lake parts ``rels`` of one table as a relation, with the settlement month of the hive path."""
    paths = ", ".join(_sql_path(lake / rel) for rel in rels)
    hive = "true" if table != "XML1" else "false"
    return f"read_parquet([{paths}], hive_partitioning = {hive}, union_by_name = true)"


def _suppressed_column(name: str) -> str | None:
    """SQL of a column as the claim's suppression step shows it (``p.step``); None when no step removes it."""
    for i, (_, removed) in enumerate(privacy.SUPPRESSION_ORDER, 1):
        if name in removed:
            return f"CASE WHEN coalesce(p.step, 0) >= {i} THEN NULL ELSE t.{name} END AS {name}"
    return None


def _core_over_parts(
    con: duckdb.DuckDBPyConnection, root: Path, parts: list[tuple[str, str, int]], profile: str
) -> None:
    """``lake.xmlN`` views over the treated parts, ``core.xmlN`` views of the current versions, with the
    suppression of ``ops.privacy_steps`` applied."""
    registry = load_registry()
    con.execute("CREATE SCHEMA IF NOT EXISTS lake")
    con.execute("CREATE TABLE ops.privacy_steps (macskcb VARCHAR, ma_lk VARCHAR, step INTEGER)")
    by_table: dict[str, list[Path]] = {}
    for name, (table, _) in treated_groups(parts).items():
        by_table.setdefault(table, []).append(root / name)
    for lh in ENVELOPE_TABLES:
        name = lh.lower()
        empty = registry.table_schema(lh)
        if lh == "XML1" and profile == "deidentified":
            empty = empty.append(pa.field("tuoi", pa.int32())).append(pa.field("nhom_tuoi", pa.string()))
        files = sorted(by_table.get(lh, []))
        message = registry.message_column(lh)
        added = (message,) if message else ()
        relation(con, f"lake.{name}", files, empty, hive=lh != "XML1" and not files, added=added)
        columns = [c for (c,) in con.execute(f"SELECT column_name FROM (DESCRIBE lake.{name})").fetchall()]
        replaced = [sql for c in columns if (sql := _suppressed_column(c)) is not None]
        star = f"t.* REPLACE ({', '.join(replaced)})" if replaced and profile == "deidentified" else "t.*"
        steps = (
            " LEFT JOIN ops.privacy_steps p ON p.macskcb = t.macskcb AND p.ma_lk = t.ma_lk"
            if profile == "deidentified"
            else ""
        )
        con.execute(
            f"CREATE VIEW core.{name} AS SELECT {star}, c.version FROM lake.{name} t "
            "JOIN core.claim_current c ON t.macskcb = c.macskcb AND t.ma_lk = c.ma_lk "
            f"AND t.source_sha256 = c.source_sha256{steps}"
        )
    messages_view(con)


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
    lake: Path | None = None,
    parts: list[tuple[str, str, int]] | None = None,
) -> dict[str, Any]:
    """Build the analytics copy of the ``full`` warehouse at ``target`` and swap it in. ``derived`` builds the
    marts again on the copy; ``copied`` lists tables of the full warehouse copied with the copy's treatments
    (the patient timelines, keyed by ``patient_key``). ``profile`` and ``k`` default to identity.toml's.

    With ``lake`` and ``parts`` (the ledger's committed lake files), the claim tables are not copied: each
    run's lake parts of each claim table are treated once into ``<target stem>.parts/<policy fingerprint>/``
    and the copy's ``lake.xmlN``/``core.xmlN`` are views over those files, so a night treats what it brought;
    the k-anonymity pass over the current claims stays global (``ops.privacy`` times it)."""
    started = time.perf_counter()
    configured_profile, configured_k = privacy_setting()
    profile = check_profile(profile or configured_profile)
    k = configured_k if k is None else k
    registry = load_registry()
    target = Path(target).resolve()
    for stale in target.parent.glob(f".{target.name}.*.building*"):
        stale.unlink(missing_ok=True)
    building = target.with_name(f".{target.name}.{run_id}.building")
    con = connect_building(building)
    params = {"key": key}
    incremental = lake is not None and parts is not None
    info: dict[str, Any] = {}
    root: Path | None = None
    try:
        for schema in ("ops", "core", "review", "payment", "ref"):
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        privacy.carry_history_from(con, target)
        con.execute(f"ATTACH {_sql_path(Path(full).resolve())} AS src (READ_ONLY)")
        source_columns = _columns(con, "src")
        copied_as_is = ["core.claim_versions", "core.claim_current", "ops.files", "ops.runs", *(copied or [])]
        if incremental:
            assert lake is not None and parts is not None
            parts_dir = target.with_name(f"{target.stem}.parts")
            root = parts_dir / policy_fingerprint(profile, key)
            root.mkdir(parents=True, exist_ok=True, mode=0o755)
            os.chmod(parts_dir, 0o755)  # noqa: S103 - analysts read the parts through the copy's views
            for old in parts_dir.iterdir():  # parts treated under another policy, profile or key
                if old != root:
                    shutil.rmtree(old, ignore_errors=True)
            treat_started = time.perf_counter()
            info["parts"] = treat_parts(con, Path(lake).resolve(), parts, root, profile=profile, key=key)
            info["parts"]["seconds"] = round(time.perf_counter() - treat_started, 3)
        else:
            _secrets_from(con, {lh: f"src.core.{lh.lower()}" for lh in ENVELOPE_TABLES})
            # the claim tables, and the XML12 records of stand-alone messages treated as XML12
            sources = [(lh, lh.lower()) for lh in ENVELOPE_TABLES] + [("XML12", "xml12_messages")]
            for lh, name in sources:
                columns = source_columns[f"core.{name}"]
                xsd_types = {f.column: f.xsd_type for f in registry.table_columns(lh)}
                query = _treated_query(lh, columns, profile, xsd_types, f"src.core.{name}")
                con.execute(f"CREATE TABLE core.{name} AS {query}", params if "$key" in query else None)
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
        for obj in list(dict.fromkeys(copied_as_is + reviewed)):
            query = _copied_query(obj, source_columns.get(obj, []), profile, f"src.{obj}")
            con.execute(f"CREATE TABLE {obj} AS {query}", params if "$key" in query else None)
        exact = EXACT_DERIVED if profile == "deidentified" else ()
        for obj in exact:
            schema, name = obj.split(".")
            query = _copied_query(obj, source_columns.get(obj, []), profile, f"src.{obj}")
            con.execute(
                f"CREATE TABLE {schema}._exact_{name} AS {query}", params if "$key" in query else None
            )
        con.execute("DETACH src")
        if root is not None:
            _core_over_parts(con, root, parts or [], profile)
        for build in derived or []:
            build(con)
        for obj in exact:
            schema, name = obj.split(".")
            con.execute(f"DROP VIEW IF EXISTS {obj}")
            con.execute(f"ALTER TABLE {schema}._exact_{name} RENAME TO {name}")
        figures = privacy.measure_and_suppress(con, profile=profile, k=k)
        if incremental:
            con.execute(
                "INSERT INTO ops.privacy_steps SELECT macskcb, ma_lk, step FROM _privacy_qi WHERE step > 0"
            )
        con.execute("DROP TABLE IF EXISTS _privacy_qi")
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
    return {
        "path": str(target),
        "seconds": round(time.perf_counter() - started, 3),
        "privacy": figures,
        **info,
    }
