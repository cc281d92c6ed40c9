"""Normalize stage: validated inner tables to typed Arrow record batches, one per table.

Types come from the registry (money ``decimal(18,2)``, quantities and unit prices ``decimal(18,3)``,
``yyyyMMddHHmm`` as timestamp, ``yyyyMMdd`` as date, codes as strings). A value that passed the XSD but
cannot be typed (30 February) is a rejection of its claim (``XSD.VALUE``), never a silent null.
Every row carries its lineage: ``source_sha256``, ``macskcb``, ``received_at``, ``standard_version``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
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


def _plan(spec: TableSpec) -> tuple[tuple[str, str, Callable[[str], Any] | None, str], ...]:
    """(tag, column, converter or None, type name) per field of a table version, computed once."""
    plan = _PLANS.get(id(spec))
    if plan is None:
        plan = _PLANS[id(spec)] = tuple(
            (f.tag, f.column, CONVERTERS.get(f.xsd_type), f.xsd_type.lower()) for f in spec.fields
        )
    return plan


_PLANS: dict[int, tuple] = {}


def type_rows(
    rows: list[dict[str, str]], spec: TableSpec, *, ma_lk: str | None
) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Typed values for the rows of one table; XSD.VALUE problems for values that have no typed meaning."""
    typed_rows, problems = [], []
    plan = _plan(spec)
    for i, row in enumerate(rows, 1):
        typed: dict[str, Any] = {}
        for tag, column, conv, kind in plan:
            text = row.get(tag, "")
            if text == "":
                typed[column] = None
            elif conv is None:
                typed[column] = text
            else:
                try:
                    typed[column] = conv(text)
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


def to_batch(
    registry: Registry,
    loaihoso: str,
    rows: Iterable[tuple[dict[str, Any], str]],
    *,
    source_sha256: str,
    macskcb: str,
    received_at: datetime,
) -> pa.RecordBatch:
    """One record batch of a table's warehouse schema from one file's typed rows (each with its version)."""
    return to_batch_many(registry, loaihoso, [(list(rows), Lineage(source_sha256, macskcb, received_at))])


def to_batch_many(
    registry: Registry, loaihoso: str, files: list[tuple[list[tuple[dict[str, Any], str]], Lineage]]
) -> pa.RecordBatch:
    """One record batch from the typed rows of many files: Arrow is built once per column for all of them
    (per file it would cost more than typing the values)."""
    schema = registry.table_schema(loaihoso)
    data: dict[str, list] = {name: [] for name in schema.names}
    lineage_names = ("source_sha256", "macskcb", "received_at", "standard_version")
    value_names = [n for n in schema.names if n not in lineage_names]
    for rows, lineage in files:
        n = len(rows)
        data["source_sha256"].extend([lineage.source_sha256] * n)
        data["macskcb"].extend([lineage.macskcb] * n)
        data["received_at"].extend([lineage.received_at] * n)
        data["standard_version"].extend(version for _, version in rows)
        for name in value_names:
            data[name].extend(row.get(name) for row, _ in rows)
    columns = [pa.array(data[f.name], type=f.type) for f in schema]
    return pa.RecordBatch.from_arrays(columns, schema=schema)
