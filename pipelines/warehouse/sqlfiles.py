"""The one runner of the SQL files: find the files of a folder in order, run each, check what it built.

Every table or view made from a ``.sql`` file (the ``ref`` tables, the review objects and its ``chk``
helpers, the payment views, the patient tables, views and linking steps) goes through :func:`create`: the
body runs with its ``${param}`` placeholders filled in, and the relation is refused (:class:`SqlFileError`
naming the file) when its columns differ from the header's ``-- column`` lines, in name or in order. The
header grammar itself is :mod:`pipelines.common.sqlheader` (``docs/sql-files.md``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import duckdb

from pipelines.common.paths import SQL_ROOT
from pipelines.common.sqlheader import SqlFile, SqlFileError, kind_of, parse_file

__all__ = [
    "SqlFile",
    "SqlFileError",
    "create",
    "create_all",
    "folder_files",
    "object_files",
    "relation_columns",
]


def folder_files(folder: Path, order: Sequence[str] | None = None, kind: str | None = None) -> list[SqlFile]:
    """The parsed SQL files of ``folder``: in ``order`` (file names; then every ``*.sql`` of the folder must
    be listed, so that a new file cannot be silently left out), else sorted by name. ``kind`` defaults to
    the folder's (:func:`pipelines.common.sqlheader.kind_of`)."""
    present = sorted(p.name for p in folder.glob("*.sql"))
    if order is None:
        names: Sequence[str] = present
    else:
        unlisted = sorted(set(present) - set(order))
        absent = sorted(set(order) - set(present))
        if unlisted or absent:
            raise SqlFileError(
                f"{folder}: files not in the execution order {unlisted}, listed but absent {absent}"
            )
        names = order
    return [parse_file(folder / name, kind) for name in names]


def object_files() -> list[SqlFile]:
    """Every ``object`` file under ``pipelines/sql`` (the warehouse's SQL-made tables and views), by path."""
    return [parse_file(p) for p in sorted(SQL_ROOT.rglob("*.sql")) if kind_of(p) == "object"]


def relation_columns(con: duckdb.DuckDBPyConnection, name: str) -> list[str]:
    """The columns of a table or view, in order."""
    return [d[0] for d in con.execute(f"SELECT * FROM {name} LIMIT 0").description]  # noqa: S608


def create(
    con: duckdb.DuckDBPyConnection,
    sql: SqlFile,
    params: Mapping[str, object] | None = None,
    *,
    bind: Mapping[str, Any] | None = None,
    stage: str = "serve",
    check: bool = True,
) -> str:
    """Run one object or helper file and check its columns against its header; returns the relation's name.

    ``params`` fills the ``${name}`` placeholders the file declares (others given are ignored, a declared
    one missing is an error); ``bind`` holds DuckDB query parameters (``$key``). Raises
    :class:`SqlFileError` naming the file when the SQL fails or the columns differ from the header.
    """
    if sql.kind not in ("object", "helper"):
        raise SqlFileError(
            f"{sql.path}: a file of kind {sql.kind!r} creates nothing (object and helper files do)"
        )
    given = params or {}
    missing = [p for p in sql.params if p not in given]
    if missing:
        raise SqlFileError(f"{sql.path}: no value for {', '.join('${' + m + '}' for m in missing)}")
    text = sql.render({p: given[p] for p in sql.params})
    try:
        if bind:
            con.execute(text, dict(bind))
        else:
            con.execute(text)
        if check:
            _check_columns(sql, relation_columns(con, sql.name), stage)
    except duckdb.Error as e:
        raise SqlFileError(f"{sql.path}: {sql.name} could not be built: {e}", stage=stage) from e
    return sql.name


def _check_columns(sql: SqlFile, actual: list[str], stage: str) -> None:
    if actual != list(sql.columns):
        raise SqlFileError(
            f"{sql.path}: {sql.name} has columns {actual}, its header documents {list(sql.columns)}",
            stage=stage,
        )


def create_all(
    con: duckdb.DuckDBPyConnection,
    files: Iterable[SqlFile],
    params: Mapping[str, object] | None = None,
    *,
    bind: Mapping[str, Any] | None = None,
    stage: str = "serve",
) -> list[str]:
    """:func:`create` every file, in the order given; returns the relations' names. The columns are checked
    against the headers after the last file, in one catalogue query (binding each relation again to read its
    columns cost 4 ms a file, a third of the time of creating it)."""
    made: list[tuple[SqlFile, str]] = []
    for f in files:
        try:
            made.append((f, create(con, f, params, bind=bind, stage=stage, check=False)))
        except SqlFileError:
            _check_all_columns(con, made, stage)  # an earlier file's wrong columns are the first error
            raise
    _check_all_columns(con, made, stage)
    return [name for _, name in made]


def _check_all_columns(con: duckdb.DuckDBPyConnection, made: list[tuple[SqlFile, str]], stage: str) -> None:
    """Check each created relation's columns against its file's header, in the files' order."""
    columns: dict[str, list[str]] = {}
    for schema, table, column in con.execute(
        "SELECT schema_name, table_name, column_name FROM duckdb_columns() "
        "WHERE database_name = current_database() ORDER BY schema_name, table_name, column_index"
    ).fetchall():
        columns.setdefault(f"{schema}.{table}", []).append(column)
    for f, name in made:
        actual = columns.get(name)
        if actual is None:  # not a schema-qualified name of this database (a temporary view): ask it
            actual = relation_columns(con, name)
        _check_columns(f, actual, stage)
