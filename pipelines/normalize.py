"""Normalize stage: validated inner tables to typed Arrow record batches, one per table.

Types come from the registry (money ``decimal(18,2)``, quantities and unit prices ``decimal(18,3)``,
``yyyyMMddHHmm`` as timestamp, ``yyyyMMdd`` as date, codes as strings). A value that passed the XSD but
cannot be typed (30 February) is a rejection of its claim (``XSD.VALUE``), never a silent null.
Every row carries its lineage: ``source_sha256``, ``macskcb``, ``received_at``, ``standard_version``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import pyarrow as pa
from lxml import etree

from pipelines.errors import Problem
from pipelines.standard import Registry, TableSpec


class ValueProblem(ValueError):
    pass


def _date(text: str) -> date:
    return date(int(text[0:4]), int(text[4:6]), int(text[6:8]))


def _datetime(text: str) -> datetime:
    return datetime(int(text[0:4]), int(text[4:6]), int(text[6:8]), int(text[8:10]), int(text[10:12]))


def _decimal(text: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(str(exc)) from exc


CONVERTERS: dict[str, Callable[[str], Any]] = {
    "Integer": int,
    "Money": _decimal,
    "UnitPrice": _decimal,
    "Quantity": _decimal,
    "Percent": _decimal,
    "Measure": _decimal,
    "Date": _date,
    "DateTime": _datetime,
}


def table_rows(root: etree._Element, spec: TableSpec) -> list[dict[str, str]]:
    """The rows of one inner document as {TAG: text} ('' for empty elements)."""
    if spec.is_flat:
        rows = [root]
    else:
        container = root.find(spec.list_tag)
        rows = [] if container is None else container.findall(spec.row_tag)
    out = []
    for row in rows:
        out.append({child.tag: child.text or "" for child in row if isinstance(child.tag, str)})
    return out


def type_rows(
    rows: list[dict[str, str]], spec: TableSpec, *, ma_lk: str | None
) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Typed values for the rows of one table; XSD.VALUE problems for values that have no typed meaning."""
    typed_rows, problems = [], []
    for i, row in enumerate(rows, 1):
        typed: dict[str, Any] = {}
        for f in spec.fields:
            text = row.get(f.tag, "")
            if text == "":
                typed[f.column] = None
                continue
            conv = CONVERTERS.get(f.xsd_type)
            if conv is None:
                typed[f.column] = text
                continue
            try:
                typed[f.column] = conv(text)
            except (ValueError, OverflowError):
                path = f"/{spec.root_tag}" + ("" if spec.is_flat else f"/{spec.list_tag}/{spec.row_tag}[{i}]")
                problems.append(
                    Problem(
                        "XSD.VALUE",
                        detail=f"{f.tag} is not a real {f.xsd_type.lower()}",
                        loaihoso=spec.loaihoso,
                        ma_lk=ma_lk,
                        path=f"{path}/{f.tag}",
                    )
                )
                typed[f.column] = None
        typed_rows.append(typed)
    return typed_rows, problems


def to_batch(
    registry: Registry,
    loaihoso: str,
    rows: Iterable[tuple[dict[str, Any], str]],
    *,
    source_sha256: str,
    macskcb: str,
    received_at: datetime,
) -> pa.RecordBatch:
    """One record batch of a table's warehouse schema from typed rows (each with its standard version)."""
    schema = registry.table_schema(loaihoso)
    rows = list(rows)
    columns = []
    for fld in schema:
        if fld.name == "source_sha256":
            values = [source_sha256] * len(rows)
        elif fld.name == "macskcb":
            values = [macskcb] * len(rows)
        elif fld.name == "received_at":
            values = [received_at] * len(rows)
        elif fld.name == "standard_version":
            values = [version for _, version in rows]
        else:
            values = [row.get(fld.name) for row, _ in rows]
        columns.append(pa.array(values, type=fld.type))
    return pa.RecordBatch.from_arrays(columns, schema=schema)
