"""The distinct values of many columns of a DuckDB database, one query per table or view.

Sweeps over every text (or date) column of a warehouse used to run ``SELECT DISTINCT col FROM t`` once per
column: a view of the review or payment marts was then computed again for each of its columns. Here each
table or view is read once, every asked column aggregated with ``list(DISTINCT ...)`` in the same scan; the
values are the same (NULL included once, as ``SELECT DISTINCT`` gives it).

    values = distinct_values(con, [("core", "xml1", "ho_ten"), ("core", "xml1", "dia_chi")])
    values["core", "xml1", "ho_ten"]  # the distinct values, in no particular order
"""

from __future__ import annotations

from collections.abc import Iterable

import duckdb

Column = tuple[str, str, str]  # schema, table or view, column


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
        values = [f'CAST("{c}" AS VARCHAR)' if as_text else f'"{c}"' for c in names]
        aggregates = ", ".join(f"list(DISTINCT {v})" for v in values)
        row = con.execute(f"SELECT {aggregates} FROM {schema}.{table}").fetchone()  # noqa: S608 - catalogue names
        assert row is not None
        for name, distinct in zip(names, row, strict=True):
            out[schema, table, name] = list(distinct or [])  # no rows: NULL, not an empty list
    return out
