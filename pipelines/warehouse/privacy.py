"""Re-identification risk of the analytics copy, measured and bounded: k-anonymity over the quasi-identifiers,
suppression until every claim is in a group of at least k, ``ops.privacy``, and small cells of published
aggregates.

**Quasi-identifiers** (what someone who knows a patient can be assumed to know; one record = one claim,
``core.xml1``): the age band (``nhom_tuoi``, 5 years, 90+) and, while it is shown, the age in years
(``tuoi``); sex (``gioi_tinh``); the province of residence (``matinh_cu_tru``, the 2025 province); the
month of admission (``ngay_vao``); the ICD-10 chapter of the main diagnosis (``ma_benh_chinh``). A group is
the claims that show the same values; k is the size of the smallest group.

**Suppression order.** Claims in a group smaller than k go one step down this ladder, the groups are counted
again with the values they now show, and so on until no group is smaller than k (steps are cumulative: a
claim at step 3 has lost what steps 1-3 remove):

1. ``tuoi``            exact age → only the 5-year band
2. ``matinh_cu_tru``   the province
3. ``gioi_tinh``       sex
4. ``nhom_tuoi``       the age band
5. ``ma_benh_chinh``   the diagnosis chapter: ``ma_benh_chinh``, ``ma_benh_kt`` and ``ma_benh_yhct`` go

The month is never suppressed: the settlement month (``nam_qt``, ``thang_qt``) that every payment report
groups by says almost the same, and the money must stay. A claim that stays below k after step 5 (a month
with fewer than k claims in the whole copy) is counted and the achieved k is reported as it is.
What a step removes is removed wherever the claim shows it: every table of the copy with the claim's key
(``macskcb``, ``ma_lk``; ``from_macskcb``, ``from_ma_lk`` for referrals) and a column of that name.

Under ``limited`` k is measured on the same set (computed from the birth year and the commune's province)
and reported, not enforced.

**Small cells.** :func:`small_cells_sql` turns an aggregate for publication into one where every row counts
at least k claims: rows below k are merged into one ``*`` row per first key (then into one overall ``*``
row), so the totals still foot.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from pipelines.common.paths import catalog_dir
from pipelines.warehouse.identity import province_sql

#: the suppression ladder: (step name, columns it removes)
SUPPRESSION_ORDER: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("tuoi", ("tuoi",)),
    ("matinh_cu_tru", ("matinh_cu_tru",)),
    ("gioi_tinh", ("gioi_tinh",)),
    ("nhom_tuoi", ("nhom_tuoi",)),
    ("ma_benh_chinh", ("ma_benh_chinh", "ma_benh_kt", "ma_benh_yhct")),
)
QUASI_IDENTIFIERS = ("tuoi", "nhom_tuoi", "gioi_tinh", "matinh_cu_tru", "thang_vao", "chuong_icd")
#: the key of a claim in a table of the copy: its own columns, or a referral's
CLAIM_KEYS = (("macskcb", "ma_lk"), ("from_macskcb", "from_ma_lk"))

PRIVACY_DDL = """
CREATE TABLE IF NOT EXISTS ops.privacy (
    run_id VARCHAR,
    built_at TIMESTAMPTZ,
    profile VARCHAR,
    k INTEGER,
    k_achieved INTEGER,
    records BIGINT,
    groups BIGINT,
    generalised BIGINT,
    suppressed BIGINT,
    below_k BIGINT,
    suppressed_by JSON,
    quasi_identifiers VARCHAR[],
    seconds DOUBLE
)
"""


def age_columns_sql(birth: str, admitted: str) -> tuple[str, str]:
    """SQL of ``tuoi`` (whole years at admission, 90 for 90 and over) and ``nhom_tuoi`` ('00-04' … '85-89',
    '90+') from the text birth date (``yyyyMMdd[HHmm]``, or a year alone) and the admission timestamp."""
    born = f"try_strptime(left({birth}, 8), '%Y%m%d')"
    years = (
        f"CASE WHEN {born} IS NOT NULL THEN date_sub('year', CAST({born} AS DATE), CAST({admitted} AS DATE)) "
        f"ELSE year({admitted}) - try_cast(left({birth}, 4) AS INTEGER) END"
    )
    tuoi = f"CAST(CASE WHEN ({years}) < 0 THEN NULL ELSE least({years}, 90) END AS INTEGER)"
    band = (
        f"CASE WHEN {tuoi} IS NULL THEN NULL WHEN {tuoi} >= 90 THEN '90+' "
        f"ELSE lpad(CAST({tuoi} // 5 * 5 AS VARCHAR), 2, '0') || '-' "
        f"|| lpad(CAST({tuoi} // 5 * 5 + 4 AS VARCHAR), 2, '0') END"
    )
    return tuoi, band


def _create_chapters(con: duckdb.DuckDBPyConnection) -> None:
    path = str(catalog_dir() / "icd10.csv").replace("'", "''")
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _privacy_chapters AS SELECT code, chapter FROM "
        f"read_csv('{path}', all_varchar = true, header = true) WHERE length(code) = 3"
    )


def _create_quasi_identifiers(con: duckdb.DuckDBPyConnection, profile: str) -> None:
    """``_privacy_qi``: one row per claim of ``core.xml1`` with the quasi-identifiers it shows."""
    _create_chapters(con)
    if profile == "deidentified":
        age, band, province = "x.tuoi", "x.nhom_tuoi", "x.matinh_cu_tru"
    else:  # the limited copy shows the birth year and the residence codes: measured on the same scale
        age, band = age_columns_sql("x.ngay_sinh", "x.ngay_vao")
        province = province_sql("x.matinh_cu_tru")
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _privacy_qi AS
        SELECT x.macskcb, x.ma_lk, {age} AS tuoi, {band} AS nhom_tuoi, x.gioi_tinh,
               {province} AS matinh_cu_tru, CAST(date_trunc('month', x.ngay_vao) AS DATE) AS thang_vao,
               c.chapter AS chuong_icd, 0 AS step
        FROM core.xml1 x
        LEFT JOIN _privacy_chapters c ON c.code = upper(left(replace(trim(x.ma_benh_chinh), '.', ''), 3))
        """
    )


def _shown(step_expr: str) -> str:
    """The group key of a claim: the quasi-identifiers its step still shows."""
    shown = []
    for i, column in enumerate(("tuoi", "matinh_cu_tru", "gioi_tinh", "nhom_tuoi", "chuong_icd"), 1):
        shown.append(f"CASE WHEN {step_expr} >= {i} THEN NULL ELSE {column} END")
    return ", ".join([*shown, "thang_vao"])


def _small(con: duckdb.DuckDBPyConnection, k: int) -> None:
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _privacy_small AS
        SELECT macskcb, ma_lk FROM (
            SELECT macskcb, ma_lk, step, count(*) OVER (PARTITION BY {_shown("step")}) AS n FROM _privacy_qi
        ) WHERE n < {int(k)} AND step < {len(SUPPRESSION_ORDER)}
        """
    )


def _count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(sql).fetchone()
    return int(row[0] or 0) if row else 0


def measure_and_suppress(con: duckdb.DuckDBPyConnection, *, profile: str, k: int) -> dict[str, Any]:
    """Measure k-anonymity of the copy's claims and, under ``deidentified``, suppress quasi-identifiers in the
    order of :data:`SUPPRESSION_ORDER` until no group is smaller than ``k``. Returns the figures of
    ``ops.privacy``."""
    started = time.perf_counter()
    _create_quasi_identifiers(con, profile)
    if profile == "deidentified":
        while True:
            _small(con, k)
            if _count(con, "SELECT count(*) FROM _privacy_small") == 0:
                break
            con.execute(
                "UPDATE _privacy_qi SET step = step + 1 FROM _privacy_small s "
                "WHERE _privacy_qi.macskcb = s.macskcb AND _privacy_qi.ma_lk = s.ma_lk"
            )
        _apply(con)
    groups = con.execute(
        f"SELECT count(*), min(n), coalesce(sum(n) FILTER (WHERE n < {int(k)}), 0) FROM "
        f"(SELECT count(*) AS n FROM _privacy_qi GROUP BY {_shown('step')})"
    ).fetchone()
    assert groups is not None
    records = _count(con, "SELECT count(*) FROM _privacy_qi")
    by_step = {
        name: _count(con, f"SELECT count(*) FROM _privacy_qi WHERE step >= {i}")
        for i, (name, _) in enumerate(SUPPRESSION_ORDER, 1)
    }
    con.execute("DROP TABLE IF EXISTS _privacy_small")
    con.execute("DROP TABLE IF EXISTS _privacy_chapters")
    return {
        "profile": profile,
        "k": k,
        "k_achieved": int(groups[1] or 0),
        "records": records,
        "groups": int(groups[0] or 0),
        "generalised": records if profile == "deidentified" else 0,
        "suppressed": by_step[SUPPRESSION_ORDER[0][0]] if profile == "deidentified" else 0,
        "below_k": int(groups[2] or 0),
        "suppressed_by": by_step if profile == "deidentified" else {},
        "quasi_identifiers": list(QUASI_IDENTIFIERS),
        "seconds": round(time.perf_counter() - started, 3),
    }


def _claim_tables(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[tuple[str, str], set[str]]]:
    """Base tables of the copy that hold a claim's key: name → (key columns, all columns)."""
    columns: dict[str, set[str]] = {}
    for schema, table, column in con.execute(
        "SELECT schema_name, table_name, column_name FROM duckdb_columns() "
        "WHERE database_name = current_database() AND NOT internal "
        "AND table_name NOT LIKE '\\_%' ESCAPE '\\' "
        "AND (schema_name, table_name) IN (SELECT schema_name, table_name FROM duckdb_tables() "
        "WHERE database_name = current_database() AND NOT temporary)"
    ).fetchall():
        columns.setdefault(f"{schema}.{table}", set()).add(column)
    out = {}
    for table, names in columns.items():
        for key in CLAIM_KEYS:
            if set(key) <= names:
                out[table] = (key, names)
                break
    return out


def _apply(con: duckdb.DuckDBPyConnection) -> None:
    """Remove what each claim's step removes, in every table of the copy that holds the claim."""
    tables = _claim_tables(con)
    for i, (_, removed) in enumerate(SUPPRESSION_ORDER, 1):
        if _count(con, f"SELECT count(*) FROM _privacy_qi WHERE step >= {i}") == 0:
            continue
        for table, ((mac, lk), names) in tables.items():
            hit = [c for c in removed if c in names]
            if not hit:
                continue
            assignments = ", ".join(f"{c} = NULL" for c in hit)
            con.execute(
                f"UPDATE {table} SET {assignments} FROM _privacy_qi q "
                f"WHERE {table}.{mac} = q.macskcb AND {table}.{lk} = q.ma_lk AND q.step >= {i}"
            )


def record(con: duckdb.DuckDBPyConnection, run_id: str, figures: dict[str, Any]) -> None:
    """Append the night's figures to ``ops.privacy``."""
    con.execute("CREATE SCHEMA IF NOT EXISTS ops")
    con.execute(PRIVACY_DDL)
    con.execute(
        "INSERT INTO ops.privacy VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            run_id,
            datetime.now(UTC),
            figures["profile"],
            figures["k"],
            figures["k_achieved"],
            figures["records"],
            figures["groups"],
            figures["generalised"],
            figures["suppressed"],
            figures["below_k"],
            json.dumps(figures["suppressed_by"]),
            figures["quasi_identifiers"],
            figures["seconds"],
        ],
    )


def carry_history_from(con: duckdb.DuckDBPyConnection, previous: Path) -> None:
    """Create ``ops.privacy`` with the rows of the previous copy at ``previous`` (when it exists and has
    them): the table keeps one row per build."""
    con.execute("CREATE SCHEMA IF NOT EXISTS ops")
    con.execute(PRIVACY_DDL)
    if not Path(previous).exists():
        return
    path = str(Path(previous).resolve()).replace("'", "''")
    try:
        con.execute(f"ATTACH '{path}' AS _previous (READ_ONLY)")
    except duckdb.Error:  # not a DuckDB file any more: the history starts again
        return
    try:
        if _count(
            con,
            "SELECT count(*) FROM duckdb_tables() WHERE database_name = '_previous' AND schema_name = 'ops' "
            "AND table_name = 'privacy'",
        ):
            con.execute("INSERT INTO ops.privacy BY NAME SELECT * FROM _previous.ops.privacy")
    finally:
        con.execute("DETACH _previous")


def privacy_rows(con: duckdb.DuckDBPyConnection, last: int = 30) -> list[dict[str, Any]]:
    """The latest ``last`` rows of ``ops.privacy``, newest first."""
    cursor = con.execute(f"SELECT * FROM ops.privacy ORDER BY built_at DESC LIMIT {int(last)}")
    names = [d[0] for d in cursor.description or []]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def small_cells_sql(query: str, *, keys: list[str], count: str, sums: list[str], k: int) -> str:
    """SQL of the aggregate ``query`` (one row per ``keys``, a claim count ``count`` and additive columns
    ``sums``) safe to publish: every row counts at least ``k`` claims. Rows below k become, per value of the
    first key, one row whose other keys are ``*``; what is still below k becomes one row whose keys are all
    ``*``; when that last row is itself below k it is merged into the smallest row that is not. Totals of
    ``count`` and ``sums`` are those of ``query``."""
    k = int(k)
    first, rest = keys[0], keys[1:]
    keys_txt = ", ".join(f"CAST({c} AS VARCHAR) AS {c}" for c in keys)
    measures = ", ".join([f"sum({count}) AS {count}", *(f"sum({s}) AS {s}" for s in sums)])
    star_rest = ", ".join([first, *(f"'*' AS {c}" for c in rest)])
    all_star = ", ".join(f"'*' AS {c}" for c in keys)
    key_list = ", ".join(keys)
    return f"""
    WITH q AS (SELECT {keys_txt}, {count}, {", ".join(sums) if sums else "NULL AS _none"} FROM ({query})),
    l1 AS (
        SELECT {key_list}, {measures} FROM (
            SELECT * FROM q WHERE {count} >= {k}
            UNION ALL BY NAME SELECT {star_rest}, * EXCLUDE ({key_list}) FROM q WHERE {count} < {k}
        ) GROUP BY ALL
    ),
    l2 AS (
        SELECT {key_list}, {measures} FROM (
            SELECT * FROM l1 WHERE {count} >= {k}
            UNION ALL BY NAME SELECT {all_star}, * EXCLUDE ({key_list}) FROM l1 WHERE {count} < {k}
        ) GROUP BY ALL
    ),
    tiny AS (SELECT * FROM l2 WHERE {count} < {k}),
    host AS (
        SELECT {key_list} FROM l2 WHERE {count} >= {k} AND EXISTS (SELECT 1 FROM tiny)
        ORDER BY {count}, {key_list} LIMIT 1
    )
    SELECT {key_list}, {measures} FROM (
        SELECT l2.* FROM l2 WHERE {count} >= {k}
        UNION ALL BY NAME SELECT host.*, tiny.* EXCLUDE ({key_list}) FROM tiny, host
        UNION ALL BY NAME SELECT tiny.* FROM tiny WHERE NOT EXISTS (SELECT 1 FROM host)
    ) GROUP BY ALL ORDER BY {key_list}
    """
