"""Normalize stage: validated inner tables to typed Arrow record batches, one per table.

Types come from the registry (money ``decimal(18,2)``, quantities and unit prices ``decimal(18,3)``,
``yyyyMMddHHmm`` as timestamp, ``yyyyMMdd`` as date, codes as strings). A value that passed the XSD but
cannot be typed (30 February) is a rejection of its claim (``XSD.VALUE``), never a silent null.
Every row carries its lineage: ``source_sha256``, ``macskcb``, ``received_at``, ``standard_version``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from lxml import etree

from pipelines.standard import Registry, TableSpec
from pipelines.standard.codes import Problem


@functools.lru_cache(maxsize=65536)
def _day_exists(yyyymmdd: str) -> bool:
    try:
        date(int(yyyymmdd[0:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return False
    return True


def _check_day(text: str) -> None:
    """The XSD pattern already bounds month, day, hour and minute; only the day of the month is left."""
    if not _day_exists(text[:8]):
        raise ValueError(text[:8])


#: Checks left after the XSD: everything else about a value's form is the schema's pattern, so the values
#: stay text until :func:`to_batch_many` casts whole columns at once (Arrow, in C++).
CHECKS: dict[str, Callable[[str], None]] = {"Date": _check_day, "DateTime": _check_day}


#: One typed row of a table: column name → validated text, None when empty (cast per column in Arrow).
Row = dict[str, str | None]
#: A table's rows, each with the version of the table it was read with (its ``standard_version``).
VersionedRows = list[tuple[Row, str]]
#: (tag, column, check or None, type name) per field of a table version.
_Plan = tuple[tuple[str, str, Callable[[str], None] | None, str], ...]


def _cast(column: pa.StringArray, target: pa.DataType) -> pa.Array[Any]:
    """A column of validated text to its warehouse type."""
    if pa.types.is_string(target):
        return column
    if pa.types.is_timestamp(target):
        return pc.strptime(column, format="%Y%m%d%H%M", unit=target.unit)
    if pa.types.is_date32(target):
        return pc.strptime(column, format="%Y%m%d", unit="s").cast(pa.date32())
    return column.cast(target)


def table_rows(root: etree._Element, spec: TableSpec) -> list[dict[str, str]]:
    """The rows of one inner document as {TAG: text} ('' for empty elements)."""
    if spec.list_tag is None or spec.row_tag is None:  # a flat table: the fields are the root's children
        rows = [root]
    else:
        container = root.find(spec.list_tag)
        rows = [] if container is None else container.findall(spec.row_tag)
    out = []
    for row in rows:
        out.append({child.tag: child.text or "" for child in row if isinstance(child.tag, str)})
    return out


def _plan(spec: TableSpec) -> _Plan:
    """(tag, column, check or None, type name) per field of a table version, computed once."""
    plan = _PLANS.get(id(spec))
    if plan is None:
        plan = _PLANS[id(spec)] = tuple(
            (f.tag, f.column, CHECKS.get(f.xsd_type), f.xsd_type.lower()) for f in spec.fields
        )
    return plan


_PLANS: dict[int, _Plan] = {}


def type_rows(
    rows: list[dict[str, str]], spec: TableSpec, *, ma_lk: str | None
) -> tuple[list[Row], list[Problem]]:
    """The rows of one table by column name (text, None when empty), checked: XSD.VALUE problems for values
    that passed the schema but have no typed meaning (30 February)."""
    typed_rows: list[Row] = []
    problems: list[Problem] = []
    plan = _plan(spec)
    for i, row in enumerate(rows, 1):
        typed: Row = {}
        for tag, column, check, kind in plan:
            text = row.get(tag, "")
            if text == "":
                typed[column] = None
                continue
            typed[column] = text
            if check is not None:
                try:
                    check(text)
                except (ValueError, OverflowError):
                    path = f"/{spec.root_tag}" + (
                        "" if spec.is_flat else f"/{spec.list_tag}/{spec.row_tag}[{i}]"
                    )
                    problems.append(
                        Problem(
                            "XSD.VALUE",
                            detail=f"{tag} is not a real {kind}",
                            loaihoso=spec.loaihoso,
                            ma_lk=ma_lk,
                            path=f"{path}/{tag}",
                        )
                    )
                    typed[column] = None
        typed_rows.append(typed)
    return typed_rows, problems


@dataclass
class Lineage:
    """Where a file's rows came from: the same for every row of the file."""

    source_sha256: str
    macskcb: str
    received_at: datetime


def to_batch_many(
    registry: Registry, loaihoso: str, files: list[tuple[VersionedRows, Lineage]]
) -> pa.RecordBatch:
    """One record batch from the typed rows of many files: Arrow is built once per column for all of them
    (per file it would cost more than typing the values)."""
    schema = registry.table_schema(loaihoso)
    lineage_names = ("source_sha256", "macskcb", "received_at", "standard_version")
    lineage: dict[str, list[str | datetime]] = {name: [] for name in lineage_names}
    rows: list[Row] = []
    for versioned, source in files:
        n = len(versioned)
        lineage["source_sha256"] += [source.source_sha256] * n
        lineage["macskcb"] += [source.macskcb] * n
        lineage["received_at"] += [source.received_at] * n
        for row, version in versioned:
            rows.append(row)
            lineage["standard_version"].append(version)
    # one pass over all the rows per column (per file and column it costs a generator each time)
    columns = [
        pa.array(lineage[f.name], type=f.type)
        if f.name in lineage_names
        else _cast(pa.array([row.get(f.name) for row in rows], type=pa.string()), f.type)
        for f in schema
    ]
    return pa.RecordBatch.from_arrays(columns, schema=schema)
