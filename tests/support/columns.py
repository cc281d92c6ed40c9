"""The distinct values of many columns of a DuckDB database, one query per table or view.

Sweeps over every text (or date) column of a warehouse used to run ``SELECT DISTINCT col FROM t`` once per
column: a view of the review or payment marts was then computed again for each of its columns. Here each
table or view is read once (once per column type), its asked columns turned into (column, value) pairs by
one ``unnest`` and made distinct together: one hash table for the whole relation, where ``list(DISTINCT
...)`` per column built one per column (2.8 times as long over an analytics copy, measured in one run). The
values are the same (NULL included once, as ``SELECT DISTINCT`` gives it).

    values = distinct_values(con, [("core", "xml1", "ho_ten"), ("core", "xml1", "dia_chi")])
    values["core", "xml1", "ho_ten"]  # the distinct values, in no particular order
"""

from __future__ import annotations

from collections.abc import Iterable

import duckdb

Column = tuple[str, str, str]  # schema, table or view, column


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def distinct_values(
    con: duckdb.DuckDBPyConnection, columns: Iterable[Column], *, as_text: bool = False
) -> dict[Column, list]:
    """``{(schema, table, column): [its distinct values]}``; with ``as_text``, each value cast to VARCHAR
    first (lists and JSON as their text)."""
    by_table: dict[tuple[str, str], list[str]] = {}
    for schema, table, column in columns:
        by_table.setdefault((schema, table), []).append(column)
    out: dict[Column, list] = {}
    for (schema, table), names in by_table.items():
        relation = f"{schema}.{table}"
        if as_text:
            by_type = {"VARCHAR": names}
        else:  # the values of one unnest share a type: one query per column type
            described = f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM {relation})"  # noqa: S608
            types = dict(con.execute(described).fetchall())
            by_type = {}
            for name in names:
                by_type.setdefault(types[name], []).append(name)
        for kind, group in by_type.items():
            labels = ", ".join(_literal(c) for c in group)
            values = ", ".join(f'CAST("{c}" AS {kind})' for c in group)
            rows = con.execute(
                f"SELECT DISTINCT unnest([{labels}]), unnest([{values}]) FROM {relation}"  # noqa: S608 - catalogue names
            ).fetchall()
            for name in group:
                out[schema, table, name] = []
            for name, value in rows:
                out[schema, table, name].append(value)
    return out
