"""The printed layouts of the payment forms, read from data files, and the amount in Vietnamese words.

A form's layout is a TOML file in ``pipelines/marts/forms/`` (one per form, with its provenance): the header
block (form code, the text that issues it, the title, "Đơn vị: đồng"), the columns in printed order with their
code (A, B, C ... (1), (2) ...), their header path (``["Tổng chi phí KCB BHYT", "Không áp dụng tỷ lệ thanh
toán", "Xét nghiệm"]``: one label per header level, neighbours with the same label are merged), the view
column they print and its format, the column whose grand total is written in words, and the signature block.
Columns marked ``extra`` are ours (not on the official form) and are printed after the form's last numbered
column under one heading. ``portal`` files list the exchanged columns of a data list (7980a) by tag name.

Nothing here reads the warehouse or writes a file: :mod:`pipelines.marts.report` renders.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FORMS_DIR = Path(__file__).parent / "forms"

#: the formats of a form column; the summed ones add up on subtotal and total lines (money only: quantities
#: of different items, in different units, are not added up)
FORM_FORMATS = ("text", "int", "year", "date", "datetime", "money", "quantity", "price", "percent")
SUMMED_FORMATS = ("money",)
PORTAL_FORMATS = ("text", "int", "money", "datetime12", "date8")

#: the heading the extra columns are printed under
EXTRA_HEADING = "Thông tin thêm (ngoài mẫu)"


class FormLayoutError(ValueError):
    """A layout file is not well formed; the message names the file and what is wrong."""


@dataclass(frozen=True)
class FormColumn:
    """One printed column: the view column, its code on the code row, its header path and format."""

    column: str
    code: str
    header: tuple[str, ...]
    format: str = "text"
    width: float = 12
    extra: bool = False

    @property
    def summed(self) -> bool:
        return self.format in SUMMED_FORMATS


@dataclass(frozen=True)
class FormLayout:
    """A form as printed: header block, columns, where labels and the amount in words go, signatures."""

    report: str
    path: Path
    form_code: str
    title: str
    issued_under: str
    unit: str
    columns: tuple[FormColumn, ...]
    label_columns: int
    words_column: str
    words_label: str
    signatures: tuple[tuple[str, str], ...]
    note: str = ""
    provenance: str = ""
    group_by: str | None = None
    group_label: str = "Nhóm"
    regroup_keys: tuple[str, ...] = ()
    single_month: bool = True
    default: bool = True

    @property
    def depth(self) -> int:
        """Number of header rows (the longest header path)."""
        return max(len(c.header) for c in self.columns)

    @property
    def printed(self) -> tuple[FormColumn, ...]:
        """The columns in printed order: the form's own, then the extra ones."""
        return tuple(c for c in self.columns if not c.extra) + tuple(c for c in self.columns if c.extra)

    def header_paths(self) -> list[tuple[str, ...]]:
        """Header path of every printed column, the extra ones under :data:`EXTRA_HEADING`."""
        return [((EXTRA_HEADING, *c.header) if c.extra else c.header) for c in self.printed]


@dataclass(frozen=True)
class PortalColumn:
    tag: str
    column: str
    format: str = "text"


@dataclass(frozen=True)
class PortalLayout:
    """A data list as exchanged with the insurance portal: the tag names on row 1, one row per record."""

    report: str
    path: Path
    columns: tuple[PortalColumn, ...]
    provenance: str = ""
    checks: dict[str, tuple[str, ...]] = field(default_factory=dict)


def _require(data: dict[str, Any], key: str, path: Path, kind: type) -> Any:
    if key not in data:
        raise FormLayoutError(f"{path}: lacks {key!r}")
    value = data[key]
    if not isinstance(value, kind):
        raise FormLayoutError(f"{path}: {key!r} must be a {kind.__name__}")
    return value


def load_form(path: Path) -> FormLayout:
    """Parse one form layout file; every column must name a view column, a code and a header path."""
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    form = _require(data, "form", path, dict)
    columns = []
    codes: set[str] = set()
    for i, raw in enumerate(_require(data, "columns", path, list), start=1):
        where = f"{path}: column {i}"
        if not isinstance(raw, dict) or not {"column", "code", "header"} <= raw.keys():
            raise FormLayoutError(f"{where}: needs column, code and header")
        header = tuple(raw["header"])
        fmt = raw.get("format", "text")
        if fmt not in FORM_FORMATS:
            raise FormLayoutError(f"{where}: format {fmt!r} is not one of {', '.join(FORM_FORMATS)}")
        if not header or not all(isinstance(h, str) and h for h in header):
            raise FormLayoutError(f"{where}: header must be a non-empty list of labels")
        if raw["code"] in codes:
            raise FormLayoutError(f"{where}: code {raw['code']!r} given twice")
        codes.add(raw["code"])
        columns.append(
            FormColumn(
                column=raw["column"],
                code=raw["code"],
                header=header,
                format=fmt,
                width=float(raw.get("width", 12)),
                extra=bool(raw.get("extra", False)),
            )
        )
    signatures = tuple(
        (str(s[0]), str(s[1]))
        for s in _require(form, "signatures", path, list)
        if isinstance(s, list) and len(s) == 2
    )
    layout = FormLayout(
        report=_require(form, "report", path, str),
        path=path,
        form_code=_require(form, "code", path, str),
        title=_require(form, "title", path, str),
        issued_under=_require(form, "issued_under", path, str),
        unit=form.get("unit", "Đơn vị: đồng"),
        columns=tuple(columns),
        label_columns=int(_require(form, "label_columns", path, int)),
        words_column=_require(form, "words_column", path, str),
        words_label=_require(form, "words_label", path, str),
        signatures=signatures,
        note=form.get("note", ""),
        provenance=_require(data, "provenance", path, str),
        group_by=form.get("group_by"),
        group_label=form.get("group_label", "Nhóm"),
        regroup_keys=tuple(form.get("regroup_keys", ())),
        single_month=bool(form.get("single_month", True)),
        default=bool(form.get("default", True)),
    )
    if layout.words_column not in {c.column for c in columns if c.summed}:
        raise FormLayoutError(
            f"{path}: words_column {layout.words_column!r} is not a summed column of the form"
        )
    if not 1 <= layout.label_columns <= len(columns):
        raise FormLayoutError(f"{path}: label_columns must be between 1 and the number of columns")
    return layout


def load_portal(path: Path) -> PortalLayout:
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    portal = _require(data, "portal", path, dict)
    columns = []
    for i, raw in enumerate(_require(data, "columns", path, list), start=1):
        if not isinstance(raw, dict) or not {"tag", "column"} <= raw.keys():
            raise FormLayoutError(f"{path}: column {i} needs tag and column")
        fmt = raw.get("format", "text")
        if fmt not in PORTAL_FORMATS:
            raise FormLayoutError(
                f"{path}: column {i}: format {fmt!r} is not one of {', '.join(PORTAL_FORMATS)}"
            )
        columns.append(PortalColumn(tag=raw["tag"], column=raw["column"], format=fmt))
    checks = {k: tuple(str(v) for v in vals) for k, vals in data.get("allowed", {}).items()}
    return PortalLayout(
        report=_require(portal, "report", path, str),
        path=path,
        columns=tuple(columns),
        provenance=_require(data, "provenance", path, str),
        checks=checks,
    )


def form_layouts() -> dict[str, FormLayout]:
    """The printed forms by report name (``pipelines/marts/forms/*.toml`` without ``_portal``)."""
    return {
        f.report: f
        for f in (load_form(p) for p in sorted(FORMS_DIR.glob("*.toml")) if "_portal" not in p.stem)
    }


def portal_layouts() -> dict[str, PortalLayout]:
    """The exchange layouts by report name (``pipelines/marts/forms/*_portal.toml``)."""
    return {p.report: p for p in (load_portal(x) for x in sorted(FORMS_DIR.glob("*_portal.toml")))}


def header_merges(paths: list[tuple[str, ...]]) -> list[tuple[int, int, int, int, str]]:
    """The header cells of a multi-level header, as (first_row, first_col, last_row, last_col, text), 0-based.

    Level ``l`` of neighbouring columns whose paths agree up to ``l`` is one cell spanning them; the last
    label of a path shorter than the header's depth spans down to the last header row.
    """
    depth = max(len(p) for p in paths)
    cells = []
    for level in range(depth):
        col = 0
        while col < len(paths):
            path = paths[col]
            if len(path) <= level:
                col += 1
                continue
            end = col
            while (
                end + 1 < len(paths)
                and len(paths[end + 1]) > level
                and paths[end + 1][: level + 1] == path[: level + 1]
            ):
                end += 1
            last_row = depth - 1 if len(path) == level + 1 else level
            cells.append((level, col, last_row, end, path[level]))
            col = end + 1
    return cells


# -- the amount in Vietnamese words ---------------------------------------------------------------------

_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
_GROUPS = ("", " nghìn", " triệu")


def _three(n: int, full: bool) -> str:
    """Words of 0 < n < 1000; ``full``: the group follows a higher one, so its hundreds are always said."""
    hundreds, tens, units = n // 100, n // 10 % 10, n % 10
    words = []
    if hundreds or full:
        words.append(f"{_DIGITS[hundreds]} trăm")
    if tens == 0:
        if units and words:
            words.append("linh")
    elif tens == 1:
        words.append("mười")
    else:
        words.append(f"{_DIGITS[tens]} mươi")
    if units:
        if units == 1 and tens >= 2:
            words.append("mốt")
        elif units == 5 and tens >= 1:
            words.append("lăm")
        else:
            words.append(_DIGITS[units])
    return " ".join(words)


def _below_billion(n: int, full: bool) -> str:
    groups = [n // 1_000_000, n // 1000 % 1000, n % 1000]
    words: list[str] = []
    for i, g in enumerate(groups):
        if g:
            words.append(_three(g, full or bool(words)) + _GROUPS[2 - i])
    return " ".join(words)


def _number_words(n: int, full: bool = False) -> str:
    if n >= 1_000_000_000:
        high, low = divmod(n, 1_000_000_000)
        text = _number_words(high, full) + " tỷ"
        return text + (" " + _below_billion(low, True) if low else "")
    return _below_billion(n, full)


def amount_in_words(amount: int) -> str:
    """A whole number of đồng in Vietnamese words, as written on payment documents.

    ``1250000`` → ``"Một triệu hai trăm năm mươi nghìn đồng"``; ``105`` → ``"Một trăm linh năm đồng"``;
    ``2021`` → ``"Hai nghìn không trăm hai mươi mốt đồng"``. Groups of three digits take nghìn, triệu, tỷ
    (and nghìn tỷ, triệu tỷ above); an all-zero group is skipped; a group after a higher one always says its
    hundreds ("không trăm"); tens 0 before a unit read "linh", units 1 after twenty and more read "mốt", 5
    after ten and more read "lăm".
    """
    if amount == 0:
        return "Không đồng"
    text = _number_words(abs(amount)) + " đồng"
    if amount < 0:
        text = "âm " + text
    return text[0].upper() + text[1:]
