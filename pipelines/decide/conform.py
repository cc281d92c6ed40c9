"""Conformance: the standard's stricter text on values that loaded (STD.* warnings, never a rejection).

The load level is the XSD (libxml2, :mod:`pipelines.decide.validate`): what must hold for a value to be stored
faithfully. The standard's stricter text is kept in the same XSDs as ``<bhyt:std>`` annotations (a field's
maxLength, pattern or required; a named type's decimals) and reaches this module through the registry's
:class:`~pipelines.standard.registry.Field`. The checks run inside the normalizer's one pass over the values
(:func:`pipelines.decide.normalize.type_rows`): a few string operations on the fields that have a rule, no
second schema validation. Findings are counted per (code, field) and table document, so a claim of 300 drug
lines with four decimals gives one warning that says "300 rows", not 300.

Details name the field, the rule and the count, never the value (it may be a patient's identifier).
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field

from lxml import etree

from pipelines.standard.codes import Problem
from pipelines.standard.registry import Field, TableSpec

#: named types whose text is a number or a date: surrounding whitespace is not part of the value
_TYPED = frozenset(
    {
        "Integer",
        "Money",
        "UnitPrice",
        "Quantity",
        "Percent",
        "Measure",
        "Date",
        "DateTime",
        "BirthDateTime",
        "DateList",
        "DateOrDateTime",
        "DateOrDateTimeStamp",
    }
)


def field_rules(f: Field) -> tuple[str, bool, int | None, int | None, re.Pattern[str] | None]:
    """(type name, typed, standard's decimals, standard's length, standard's pattern) of one field."""
    return (
        f.xsd_type.lower(),
        f.xsd_type in _TYPED,
        f.std_decimals,
        f.std_max_length,
        re.compile(f.std_pattern) if f.std_pattern else None,
    )


_ORDER_CACHE: dict[tuple[int, tuple[str, ...]], bool] = {}


def _positions(spec: TableSpec) -> dict[str, int]:
    groups: dict[str, int] = {}
    out: dict[str, int] = {}
    for i, f in enumerate(spec.fields):
        out[f.tag] = groups.setdefault(f.order_group, i) if f.order_group else i
    return out


_POSITIONS: dict[int, dict[str, int]] = {}


def order_ok(spec: TableSpec, tags: tuple[str, ...]) -> bool:
    """Whether a row's elements come in the standard's order (members of one order group in any order).
    Rows of one exporter repeat the same tag sequence: the answer is cached per sequence."""
    key = (id(spec), tags)
    known = _ORDER_CACHE.get(key)
    if known is not None:
        return known
    positions = _POSITIONS.get(id(spec))
    if positions is None:
        positions = _POSITIONS[id(spec)] = _positions(spec)
    last = -1
    ok = True
    for tag in tags:
        pos = positions.get(tag, last)
        if pos < last:
            ok = False
            break
        last = pos
    if len(_ORDER_CACHE) > 4096:
        _ORDER_CACHE.clear()
    _ORDER_CACHE[key] = ok
    return ok


def _rows(root: etree._Element, spec: TableSpec) -> list[etree._Element]:
    if spec.is_flat:
        return [root]
    container = root.find(str(spec.list_tag))
    return [] if container is None else container.findall(str(spec.row_tag))


def in_standard_order(root: etree._Element, spec: TableSpec) -> etree._Element | None:
    """A copy of the document with each row's elements in the standard's order (unknown ones last, for the
    schema to name), or None when every row is in order already."""
    if all(order_ok(spec, tuple(str(c.tag) for c in row)) for row in _rows(root, spec)):
        return None
    positions = _POSITIONS.get(id(spec)) or _POSITIONS.setdefault(id(spec), _positions(spec))
    last = len(spec.fields)
    ordered = copy.deepcopy(root)
    for row in _rows(ordered, spec):
        children = list(row)
        children.sort(key=lambda c: positions.get(c.tag, last) if isinstance(c.tag, str) else last)
        row[:] = children
    return ordered


@dataclass
class Findings:
    """STD findings of one table document, counted per (code, field)."""

    spec: TableSpec
    ma_lk: str | None
    _seen: dict[tuple[str, str | None], list[object]] = field(default_factory=dict)

    def add(self, code: str, tag: str | None, row: int, what: str) -> None:
        entry = self._seen.get((code, tag))
        if entry is None:
            self._seen[(code, tag)] = [1, row, what]
        else:
            entry[0] = int(entry[0]) + 1  # type: ignore[call-overload]

    def problems(self) -> list[Problem]:
        out = []
        spec = self.spec
        for (code, tag), (count, row, what) in self._seen.items():
            base = f"/{spec.root_tag}" + ("" if spec.is_flat else f"/{spec.list_tag}/{spec.row_tag}[{row}]")
            rows = "" if spec.is_flat else f" ({count} row{'s' if count != 1 else ''})"
            detail = f"{tag}: {what}{rows}" if tag else f"{what}{rows}"
            out.append(
                Problem(
                    code,
                    detail=detail,
                    loaihoso=spec.loaihoso,
                    ma_lk=self.ma_lk,
                    path=f"{base}/{tag}" if tag else base,
                )
            )
        return out
