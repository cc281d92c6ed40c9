"""One catalogue file (``.csv`` or ``.xlsx``) as it comes, into a typed Arrow table of its kind.

What real files do and this reader accepts: a title block above the header row (the header is the first of the
first 15 rows holding the kind's required columns); header names in any case, with or without underscores or
accents, or an alias (``MA_TUONG_DUONG`` for ``ma_dich_vu``, ``Mã TP`` for ``ma_tinh``); extra columns (STT,
ID, the template's own), ignored and reported; CSV in UTF-8 (with or without BOM) or UTF-16 ("Unicode text"),
separated by ``,``, ``;`` or tabs; dates as ``yyyymmdd``, ``yyyymmddHHMM`` (the claims' form), ``dd/mm/yyyy``
(with or without a time), ``yyyy-mm-dd`` or a spreadsheet date (a date cell or its serial number); amounts in
plain digits, with thousands separators (``95.000``, ``95,000``, ``1.234.567,5``) or as spreadsheet numbers.

Anything else is refused: :class:`CatalogFileError` lists every bad row with its row number (the row of the
spreadsheet or the line of the CSV file) and its column, and nothing is loaded.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
from openpyxl import load_workbook

from pipelines.common.errors import TerminalError
from pipelines.reference.kinds import Column, Kind, normalize

#: at most this many problems are listed (the first ones, in file order)
MAX_PROBLEMS = 20
HEADER_SEARCH_ROWS = 15
_EXCEL_EPOCH = date(1899, 12, 30)


class CatalogFileError(TerminalError):
    """A catalogue file cannot be loaded: its problems, each naming the row and the column."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.problems = problems
        shown = problems[:MAX_PROBLEMS]
        more = f"\n  … and {len(problems) - len(shown)} more" if len(problems) > len(shown) else ""
        super().__init__(
            f"{path.name}: not loaded, nothing was written ({len(problems)} problem"
            f"{'s' if len(problems) != 1 else ''}; fix the file and load it again):\n  "
            + "\n  ".join(shown)
            + more,
            file=path.name,
            stage="catalog",
        )


# -- raw rows ---------------------------------------------------------------------------------------------
def raw_rows(path: Path) -> Iterator[tuple[int, list[Any]]]:
    """(row number, cell values) of every row of the file's first sheet (xlsx) or of the CSV file."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        yield from _xlsx_rows(path)
    elif suffix in (".csv", ".txt"):
        yield from _csv_rows(path)
    else:
        raise CatalogFileError(path, [f"unsupported file type {suffix!r}: give a .csv or .xlsx file"])


def _xlsx_rows(path: Path) -> Iterator[tuple[int, list[Any]]]:
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds (zip, xml, key errors) for a broken file
        raise CatalogFileError(path, [f"cannot be read as an Excel workbook: {e}"]) from e
    try:
        ws = wb.worksheets[0]
        for n, row in enumerate(ws.iter_rows(values_only=True), start=1):
            yield n, list(row)
    finally:
        wb.close()


def _csv_rows(path: Path) -> Iterator[tuple[int, list[Any]]]:
    data = path.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise CatalogFileError(
                path,
                [f"byte {e.start}: not UTF-8 text; save the file as 'CSV UTF-8' (or load the .xlsx itself)"],
            ) from e
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    for n, row in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1):
        yield n, list(row)


# -- values -----------------------------------------------------------------------------------------------
def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.strftime("%Y%m%d")
    return re.sub(r"\s+", " ", str(value)).strip()


_DATE_FORMS = (
    (re.compile(r"^(\d{4})(\d{2})(\d{2})(\d{4})?$"), "ymd"),  # 20250701, 202507010800 (the claims' form)
    (re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$"), "dmy"),
    (re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2})?)?$"), "ymd"),
)


def parse_date(value: Any) -> date:
    """A date as catalogue files write it; ValueError saying which forms are accepted."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 20000 <= value <= 80000:  # a spreadsheet serial number (1954 … 2119)
            return _EXCEL_EPOCH + timedelta(days=int(value))
        text = _text(value)
    else:
        text = str(value).strip()
    for pattern, order in _DATE_FORMS:
        m = pattern.match(text)
        if m:
            a, b, c = (int(x) for x in m.groups()[:3])
            try:
                return date(a, b, c) if order == "ymd" else date(c, b, a)
            except ValueError as e:
                raise ValueError(f"{text!r} is not a real date ({e})") from e
    raise ValueError(f"{text!r} is not a date (yyyymmdd, dd/mm/yyyy or yyyy-mm-dd)")


_THOUSANDS = re.compile(r"^\d{1,3}([.,])\d{3}(\1\d{3})*$")  # 95.000 / 1,234,567 (one separator, repeated)


def parse_money(value: Any) -> Decimal:
    """An amount in VND, exactly; ValueError when it is not one."""
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not an amount")
    if isinstance(value, int | Decimal):
        result = Decimal(value)
    elif isinstance(value, float):
        result = Decimal(repr(value))
    else:
        text = re.sub(r"\s|đ|VNĐ|VND", "", str(value), flags=re.IGNORECASE)
        if _THOUSANDS.match(text):
            text = re.sub(r"[.,]", "", text)
        elif re.match(r"^\d{1,3}(\.\d{3})+,\d+$", text):  # 1.234.567,5 (Vietnamese)
            text = text.replace(".", "").replace(",", ".")
        elif re.match(r"^\d{1,3}(,\d{3})+\.\d+$", text):  # 1,234,567.5 (English)
            text = text.replace(",", "")
        if not re.match(r"^\d+(\.\d+)?$", text):
            raise ValueError(f"{str(value).strip()!r} is not an amount in VND")
        result = Decimal(text)
    if result < 0:
        raise ValueError(f"{value!r} is negative")
    if result != result.quantize(Decimal("0.001")):
        raise ValueError(f"{value!r} has more than 3 decimals")
    return result.quantize(Decimal("0.001"))


def parse_int(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = str(value).strip().replace(".", "").replace(",", "")
    if not re.match(r"^-?\d+$", text):
        raise ValueError(f"{str(value).strip()!r} is not a whole number")
    return int(text)


def convert(column: Column, value: Any) -> Any:
    if column.type in ("code", "text"):
        return _text(value)
    if column.type == "date":
        return parse_date(value)
    if column.type == "money":
        return parse_money(value)
    return parse_int(value)


# -- the file ---------------------------------------------------------------------------------------------
def _match_header(kind: Kind, cells: list[Any]) -> dict[str, int]:
    """Column name -> position, for the kind's columns found in a header row."""
    names = {normalize(c.name): c.name for c in kind.columns}
    for c in kind.columns:
        for alias in c.aliases:
            names.setdefault(normalize(alias), c.name)
    found: dict[str, int] = {}
    for i, cell in enumerate(cells):
        if _blank(cell):
            continue
        name = names.get(normalize(str(cell)))
        if name and name not in found:
            found[name] = i
    return found


def read_catalog(kind: Kind, path: Path) -> tuple[pa.Table, list[str]]:
    """The rows of ``path`` as a typed table of ``kind`` (column ``source_row`` = the row number in the file),
    and the header names that were ignored. Raises :class:`CatalogFileError` listing every problem."""
    path = Path(path)
    if not path.is_file():
        raise CatalogFileError(path, [f"no such file: {path}"])
    rows = raw_rows(path)
    required = [c.name for c in kind.columns if c.header]
    header: dict[str, int] = {}
    header_cells: list[Any] = []
    seen = []
    for n, cells in rows:
        seen.append(n)
        found = _match_header(kind, cells)
        if all(r in found for r in required):
            header, header_cells = found, cells
            break
        if len(seen) >= HEADER_SEARCH_ROWS:
            break
        if not header_cells or len(found) > len(_match_header(kind, header_cells)):
            header_cells = cells
    if not header:
        best = _match_header(kind, header_cells)
        missing = [r for r in required if r not in best]
        raise CatalogFileError(
            path,
            [
                f"no header row with the columns of a '{kind.name}' catalogue in the first "
                f"{HEADER_SEARCH_ROWS} rows; missing: {', '.join(m.upper() for m in missing)} "
                f"(expected layout: {kind.title})"
            ],
        )
    ignored = [
        _text(cell) for i, cell in enumerate(header_cells) if not _blank(cell) and i not in header.values()
    ]
    columns: dict[str, list[Any]] = {"source_row": []} | {c.name: [] for c in kind.columns}
    problems: list[str] = []
    keys: dict[tuple[Any, ...], int] = {}
    for n, cells in rows:
        if all(_blank(c) for c in cells):
            continue
        values: dict[str, Any] = {}
        bad = False
        for col in kind.columns:
            pos = header.get(col.name)
            raw = cells[pos] if pos is not None and pos < len(cells) else None
            where = f"row {n}, column {_text(header_cells[pos]) if pos is not None else col.name.upper()}"
            if _blank(raw):
                if col.required:
                    problems.append(f"{where}: empty, a '{kind.name}' entry needs {col.name.upper()}")
                    bad = True
                values[col.name] = None
                continue
            try:
                values[col.name] = convert(col, raw)
            except ValueError as e:
                problems.append(f"{where}: {e}")
                bad = True
        if kind.valid_from and kind.valid_to and not bad:
            start, end = values.get(kind.valid_from), values.get(kind.valid_to)
            if start and end and end < start:
                problems.append(
                    f"row {n}, column {kind.valid_to.upper()}: {end:%d/%m/%Y} is before "
                    f"{kind.valid_from.upper()} {start:%d/%m/%Y}"
                )
                bad = True
        if bad:
            continue
        key = tuple(values[k] for k in kind.key)
        if key in keys:
            problems.append(
                f"row {n}: the same entry ({', '.join(k.upper() for k in kind.key)} = "
                f"{', '.join('' if v is None else str(v) for v in key)}) is already on row {keys[key]}"
            )
            continue
        keys[key] = n
        columns["source_row"].append(n)
        for name, v in values.items():
            columns[name].append(v)
    if problems:
        raise CatalogFileError(path, problems)
    if not columns["source_row"]:
        raise CatalogFileError(path, ["the file has a header but no entries"])
    return pa.table(columns, schema=kind.schema()), ignored
