"""Normalize stage: validated inner tables to typed Arrow record batches, one per table.

Types come from the registry (money, quantities and unit prices ``decimal(18,4)``: exact for every value that
loads, ``yyyyMMddHHmm`` as timestamp, ``yyyyMMdd`` as date, codes as strings). A value that passed the XSD but
cannot be typed (30 February) is a rejection of its claim (``XSD.VALUE``), never a silent null.
Every row carries its lineage: ``source_sha256``, ``macskcb``, ``received_at``, ``standard_version``.

The same pass over the values checks them against the standard's stricter text (``pipelines.decide.conform``):
STD.* warnings, never a rejection. Numbers and dates are stored trimmed of surrounding whitespace (the schema
collapses it) and of trailing zeros beyond the stored scale.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from lxml import etree

from pipelines.decide.conform import Findings, field_rules, order_ok
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
CHECKS: dict[str, Callable[[str], None]] = {
    "Date": _check_day,
    "DateTime": _check_day,
    "DateOrDateTimeStamp": _check_day,
}


#: One typed row of a table: column name → validated text, None when empty (cast per column in Arrow).
Row = dict[str, str | None]
#: A table's rows, each with the version of the table it was read with (its ``standard_version``).
VersionedRows = list[tuple[Row, str]]
#: (tag, column, check or None, type name, typed, standard's decimals, standard's length, standard's pattern)
#: per field of a table version.
_Plan = tuple[
    tuple[str, str, Callable[[str], None] | None, str, bool, int | None, int | None, re.Pattern[str] | None],
    ...,
]
_BLANK = " \t\r\n"
#: Decimals stored (the Arrow scale of the numeric types): more significant ones do not load (the pattern).
STORED_DECIMALS = 4


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
    """The rows of one inner document as {TAG: text} ('' for empty elements), keys in document order."""
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
    """(tag, column, check or None, type name, rules...) per field of a table version that has a check or a
    conformance rule, computed once; the other fields (free text and codes without a rule of the standard's
    text) are taken as written (``_PLAIN``)."""
    plan = _PLANS.get(id(spec))
    if plan is None:
        full = [(f.tag, f.column, CHECKS.get(f.xsd_type), *field_rules(f)) for f in spec.fields]
        # numbers whose only rule is the standard's decimals: a loop of their own, the most common fields
        numbers = [p for p in full if p[2] is None and p[5] is not None and p[6] is None and p[7] is None]
        _NUMBERS[id(spec)] = tuple((p[0], p[1], p[5]) for p in numbers if p[5] is not None)
        plan = _PLANS[id(spec)] = tuple(
            p for p in full if (p[2] is not None or any(p[4:])) and p not in numbers
        )
        _PLAIN[id(spec)] = tuple((p[0], p[1]) for p in full if not (p[2] is not None or any(p[4:])))
        _REQUIRED[id(spec)] = tuple(f.tag for f in spec.fields if f.std_required)
    return plan


def _number(text: str, decimals: int, tag: str, row: int, findings: Findings) -> str | None:
    """A number that may be surrounded by blanks, negative, or carry more decimals than the standard's."""
    if text[0] <= " " or text[-1] <= " ":
        text = text.strip(_BLANK)
        findings.add("STD.WHITESPACE", tag, row, "spaces or line breaks around the value")
        if not text:
            return None
    if text[0] == "-":
        findings.add("STD.NEGATIVE", tag, row, "a negative number")
    dot = text.find(".")
    if dot >= 0 and len(text) - dot - 1 > decimals:
        text = _extra_decimals(text, dot, decimals, tag, row, findings)
    return text


def _extra_decimals(text: str, dot: int, decimals: int, tag: str, row: int, findings: Findings) -> str:
    """A number with more decimals than the standard's: STD.DECIMALS, and the text to store (zeros beyond the
    stored scale dropped: the pattern let through only zeros there)."""
    significant = text[dot + 1 :].rstrip("0")
    if len(significant) > decimals:
        findings.add("STD.DECIMALS", tag, row, f"more than {decimals} decimals (stored exactly, not rounded)")
    else:
        findings.add("STD.DECIMALS", tag, row, f"trailing zeros beyond {decimals} decimals")
    if len(text) - dot - 1 > STORED_DECIMALS:
        return text[: dot + 1 + max(len(significant), 1)]
    return text


_PLAIN: dict[int, tuple[tuple[str, str], ...]] = {}
_NUMBERS: dict[int, tuple[tuple[str, str, int], ...]] = {}
_REQUIRED: dict[int, tuple[str, ...]] = {}
_PLANS: dict[int, _Plan] = {}


def type_rows(
    rows: list[dict[str, str]],
    spec: TableSpec,
    *,
    ma_lk: str | None,
    warnings: list[Problem] | None = None,
    shape: bool = False,
    in_order: bool = False,
) -> tuple[list[Row], list[Problem]]:
    """The rows of one table by column name (text, None when empty), checked: XSD.VALUE problems for values
    that passed the schema but have no typed meaning (30 February). STD.* warnings (the standard's stricter
    text) go to ``warnings`` when given. ``shape``: record the version's shape (XML13) in its column.
    ``in_order``: the document passed the schema as it stands, so its elements are in the standard's order
    (no STD.ORDER check needed)."""
    typed_rows: list[Row] = []
    problems: list[Problem] = []
    plan = _plan(spec)
    plain, numbers, required = _PLAIN[id(spec)], _NUMBERS[id(spec)], _REQUIRED[id(spec)]
    findings = Findings(spec, ma_lk)
    for i, row in enumerate(rows, 1):
        typed: Row = {column: row.get(tag) or None for tag, column in plain}  # text as written, no rule
        for tag, column, decimals in numbers:
            text = row.get(tag)
            if not text:
                typed[column] = None
            elif text[0] <= "-" or text[-1] <= " " or text.find(".", 0, len(text) - decimals - 1) >= 0:
                typed[column] = _number(text, decimals, tag, i, findings)  # rare: blanks, minus, decimals
            else:
                typed[column] = text
        for tag, column, check, kind, is_typed, places, std_length, std_pattern in plan:
            text = row.get(tag)
            if not text:
                typed[column] = None
                continue
            if (text[0] <= " " or text[-1] <= " ") and is_typed:
                text = text.strip(_BLANK)
                findings.add("STD.WHITESPACE", tag, i, "spaces or line breaks around the value")
                if not text:
                    typed[column] = None
                    continue
            if places is not None:
                if text[0] == "-":
                    findings.add("STD.NEGATIVE", tag, i, "a negative number")
                dot = text.find(".")
                if dot >= 0 and len(text) - dot - 1 > places:
                    text = _extra_decimals(text, dot, places, tag, i, findings)
            if std_length is not None and len(text) > std_length:
                findings.add("STD.LENGTH", tag, i, f"longer than the standard's {std_length} characters")
            if std_pattern is not None and std_pattern.fullmatch(text) is None:
                findings.add("STD.FORMAT", tag, i, f"not in the standard's format {std_pattern.pattern}")
            if check is None:
                typed[column] = text
                continue
            if len(text) == 8 and kind == "dateordatetimestamp":  # a day: 00:00 of it (XML14 NGAY_HEN_KL)
                text += "0000"
            typed[column] = text
            try:
                check(text)
            except (ValueError, OverflowError):
                path = f"/{spec.root_tag}" + ("" if spec.is_flat else f"/{spec.list_tag}/{spec.row_tag}[{i}]")
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
        for tag in required:
            if not row.get(tag, "").strip(_BLANK):
                findings.add("STD.REQUIRED", tag, i, "empty or absent, the standard requires a value")
        if not in_order and not order_ok(spec, tuple(row)):
            findings.add("STD.ORDER", None, i, "elements not in the standard's order")
        if shape:
            typed[spec.shape_column] = spec.shape
        typed_rows.append(typed)
    if warnings is not None:
        warnings.extend(findings.problems())
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
