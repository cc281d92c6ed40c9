"""The catalogue kinds and their column layouts, read from ``kinds.toml`` (data, not code)."""

from __future__ import annotations

import functools
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

KINDS_FILE = Path(__file__).with_name("kinds.toml")
TYPES = ("code", "text", "date", "money", "int")
SCOPES = ("facility", "national", "either")
#: exact VND amounts (prices up to 3 decimals, as DON_GIA in the claims)
MONEY = pa.decimal128(18, 3)
ARROW_TYPES = {
    "code": pa.string(),
    "text": pa.string(),
    "date": pa.date32(),
    "money": MONEY,
    "int": pa.int64(),
}


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    required: bool  # every row has a value
    header: bool  # the header must have it
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Kind:
    name: str
    title: str
    scope: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    valid_from: str | None
    valid_to: str | None

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    def schema(self) -> pa.Schema:
        """The typed columns of one version's rows (without the version columns the store adds)."""
        return pa.schema(
            [pa.field("source_row", pa.int64())]
            + [pa.field(c.name, ARROW_TYPES[c.type]) for c in self.columns]
        )


def normalize(header: str) -> str:
    """A header as compared: no accents, upper case, letters and digits only (đ = d)."""
    text = unicodedata.normalize("NFD", str(header).replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^A-Z0-9]", "", text.upper())


@functools.cache
def load_kinds(path: Path = KINDS_FILE) -> dict[str, Kind]:
    """Every kind of ``kinds.toml``; a malformed entry is an error naming the kind and the column."""
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    kinds: dict[str, Kind] = {}
    for name, spec in raw.items():
        if spec.get("scope") not in SCOPES:
            raise ValueError(f"{path}: kind {name}: scope must be one of {SCOPES}")
        cols = []
        for cname, c in spec["columns"].items():
            if c.get("type") not in TYPES:
                raise ValueError(f"{path}: kind {name}, column {cname}: type must be one of {TYPES}")
            required = bool(c.get("required", False))
            cols.append(
                Column(
                    name=cname,
                    type=c["type"],
                    required=required,
                    header=bool(c.get("header", required)) or required,
                    aliases=tuple(c.get("aliases", ())),
                )
            )
        names = {c.name for c in cols}
        for extra in [*spec.get("key", ()), spec.get("valid_from"), spec.get("valid_to")]:
            if extra and extra not in names:
                raise ValueError(f"{path}: kind {name}: {extra!r} is not one of its columns")
        kinds[name] = Kind(
            name=name,
            title=spec["title"],
            scope=spec["scope"],
            key=tuple(spec.get("key", ())),
            columns=tuple(cols),
            valid_from=spec.get("valid_from"),
            valid_to=spec.get("valid_to"),
        )
    return kinds


def kind(name: str) -> Kind:
    kinds = load_kinds()
    if name not in kinds:
        raise KeyError(f"unknown catalogue kind {name!r}; the kinds are: {', '.join(kinds)}")
    return kinds[name]
