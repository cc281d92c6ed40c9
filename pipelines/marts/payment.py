"""Payment marts: the ``payment.*`` views behind the settlement reports (7980a, C79a/C80a, forms 19/20/21).

Every object is one SQL file in ``pipelines/sql/payment/``, executed in the fixed order of
``PAYMENT_SQL`` (later views read earlier ones). ``create_payment_objects(con)`` runs them on a warehouse
connection, then checks that each view's columns are exactly the documented ones; ``payment_objects()``
returns the parsed headers for the data dictionary.

The views read only ``core.xml1``/``core.xml2``/``core.xml3`` (current accepted versions; rejected claims
never get there) and leave out withdrawn claims (MA_DOITUONG_KCB 8) in one place, ``payment.claims``.

SQL header format (the data dictionary, ``pipelines/dictionary.py``, is generated from it)
----------------------------------------------------------------------------------------
A file starts with a block of ``--`` comment lines; the block ends at the first line that is not a
comment. Every line of the block is one entry ``-- <key>: <text>`` on a single line (no continuation
lines: the dictionary reads one line per entry), or a bare ``--`` separator. Keys::

    -- object: <schema>.<name>          exactly once; must be the object the file creates
    -- grain: <what one row is>         exactly once
    -- description: <text>              exactly once
    -- source: <references>             at most once: where the rules come from
    -- column <name>: <meaning>         once per output column, in the view's column order

``<name>`` is lower-case ``[a-z_][a-z0-9_]*``: the standard's tag lower-cased where one exists (``t_bhtt``).
Any other line in the header is an error, so a typo cannot silently drop a column from the dictionary;
``create_payment_objects`` refuses a view whose columns differ from its ``column`` lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pipelines.common.paths import SQL_ROOT

SQL_DIR = SQL_ROOT / "payment"

#: Execution order: each view may read the ones before it.
PAYMENT_SQL = (
    "claims.sql",
    "report_7980a.sql",
    "c79a_c80a.sql",
    "c79a.sql",
    "c80a.sql",
    "m19.sql",
    "m20.sql",
    "m21.sql",
)

_ENTRY = re.compile(r"^-- (object|grain|description|source|column ([a-z_][a-z0-9_]*)): (\S.*)$")
_CREATES = re.compile(
    r"CREATE\s+(?:OR\s+REPLACE\s+)?(?:VIEW|TABLE)\s+([a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*)", re.I
)


class SqlHeaderError(ValueError):
    """A SQL file's header does not follow the documented format."""


@dataclass(frozen=True)
class SqlObject:
    """One SQL-defined warehouse object and its documentation header."""

    name: str  # schema.name
    grain: str
    description: str
    columns: dict[str, str]  # column name -> meaning, in the documented order
    source: str = ""  # where the rules come from
    path: Path | None = None
    sql: str = field(default="", repr=False)


def parse_sql_header(text: str, origin: str = "<sql>") -> SqlObject:
    """Parse the header block of one SQL file (format in the module docstring)."""
    entries: list[list[str]] = []  # [key, column-or-empty, text]
    lines = text.splitlines()
    body_start = len(lines)
    for number, line in enumerate(lines, 1):
        if not line.startswith("--"):
            body_start = number - 1
            break
        if line.strip() == "--":
            continue
        m = _ENTRY.match(line)
        if m:
            key = "column" if m.group(2) else m.group(1)
            entries.append([key, m.group(2) or "", m.group(3).strip()])
            continue
        raise SqlHeaderError(f"{origin}:{number}: not a header entry: {line!r}")
    single: dict[str, str] = {}
    columns: dict[str, str] = {}
    for key, column, value in entries:
        if key == "column":
            if column in columns:
                raise SqlHeaderError(f"{origin}: column {column} documented twice")
            columns[column] = value
        elif key in single:
            raise SqlHeaderError(f"{origin}: '{key}' given twice")
        else:
            single[key] = value
    missing = [k for k in ("object", "grain", "description") if k not in single]
    if missing:
        raise SqlHeaderError(f"{origin}: header lacks {', '.join(missing)}")
    if not columns:
        raise SqlHeaderError(f"{origin}: header documents no column")
    body = "\n".join(lines[body_start:])
    created = _CREATES.search(body)
    if created is None or created.group(1).lower() != single["object"].lower():
        raise SqlHeaderError(
            f"{origin}: header names {single['object']} but the file creates "
            f"{created.group(1) if created else 'nothing'}"
        )
    return SqlObject(
        name=single["object"],
        grain=single["grain"],
        description=single["description"],
        columns=columns,
        source=single.get("source", ""),
        sql=text,
    )


def sql_objects(folder: Path, order: tuple[str, ...]) -> list[SqlObject]:
    """The objects of ``folder``'s SQL files in execution order; every ``*.sql`` there must be listed."""
    present = {p.name for p in folder.glob("*.sql")}
    unlisted = sorted(present - set(order))
    absent = sorted(set(order) - present)
    if unlisted or absent:
        raise SqlHeaderError(
            f"{folder}: files not in the execution order {unlisted}, listed but absent {absent}"
        )
    objects = []
    for name in order:
        path = folder / name
        obj = parse_sql_header(path.read_text(encoding="utf-8"), origin=str(path))
        objects.append(
            SqlObject(obj.name, obj.grain, obj.description, obj.columns, obj.source, path, obj.sql)
        )
    return objects


def payment_objects() -> list[SqlObject]:
    """The ``payment.*`` objects with their parsed headers, in execution order (for the data dictionary)."""
    return sql_objects(SQL_DIR, PAYMENT_SQL)


def create_payment_objects(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Create (or replace) every ``payment.*`` view on a writable warehouse connection; returns their names.

    Raises ``SqlHeaderError`` when a view's columns differ from its documented ones (the warehouse build
    then keeps the previous warehouse).
    """
    con.execute("CREATE SCHEMA IF NOT EXISTS payment")
    created = []
    for obj in payment_objects():
        con.execute(obj.sql)
        actual = [row[0] for row in con.execute(f"DESCRIBE {obj.name}").fetchall()]
        if actual != list(obj.columns):
            raise SqlHeaderError(
                f"{obj.path}: {obj.name} has columns {actual}, its header documents {list(obj.columns)}"
            )
        created.append(obj.name)
    return created
