"""Writing a payment form as filed (``--layout form``) and a data list as exchanged (``--layout portal``).

The layouts are data (:mod:`pipelines.marts.forms`); this module only lays them out on a sheet:

* a form: one sheet per facility, A4 landscape fitted to the page width, the header rows repeated on every
  page. Rows 1-2 hold the header block (facility name and code on the left, the form code and the text that
  issues it on the right), then the title, the period, the note, "Đơn vị: đồng"; then the multi-level column
  headers (merged cells), the row of column codes (A, B ... (1), (2) ...), the lines (section and group
  headings, claims or items, subtotals, the grand total), the grand total of the form's ``words_column`` in
  Vietnamese words, the date line and the signature block. Money is written as whole-đồng numbers
  (``#,##0``); a subtotal is the sum of its printed lines, which the rendering test checks on the sheet.
* a portal list: row 1 the tag names, one record per row, times as ``yyyyMMddHHmm`` text, money as whole
  numbers; as ``.xlsx`` or as ``.csv`` (UTF-8 without byte-order mark, comma-separated: a file for programs).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from copy import copy
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from pipelines.marts.forms import FormColumn, FormLayout, PortalLayout, amount_in_words, header_merges

MONEY_FORMAT = "#,##0"
QUANTITY_FORMAT = "#,##0.###"
DATE_FORMAT = "dd/mm/yyyy"
#: the row kinds of a form's lines that are totals (bold, their summed columns filled)
TOTAL_KINDS = ("group_total", "section_total", "grand_total")
HEADING_KINDS = ("section", "group")
GRAND_TOTAL_LABEL = "Tổng cộng"
PAPER_A4 = 9  # the SpreadsheetML paper size code of A4

_THIN = Side(style="thin")
_BOX = Border(top=_THIN, bottom=_THIN, left=_THIN, right=_THIN)
_BOLD = Font(bold=True)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


@dataclass(frozen=True)
class FormLine:
    """One printed line: its kind (``claim``/``item``, a heading or a total), its label and its values."""

    kind: str
    values: dict[str, Any]
    label: str | None = None


@dataclass(frozen=True)
class FormSheet:
    """The content of one facility's sheet."""

    facility: str
    lines: list[FormLine]
    period_label: str
    facility_name: str | None = None
    subtitle: str = ""


def _letter(index: int) -> str:
    return str(get_column_letter(index))


def _range(first_row: int, first_col: int, last_row: int, last_col: int) -> str:
    return f"{_letter(first_col)}{first_row}:{_letter(last_col)}{last_row}"


def _value(column: FormColumn, value: Any) -> Any:
    if value is None:
        return None
    if column.format == "year":
        text = str(value).strip()
        return int(text) if text.isdigit() else text
    if column.format == "date" and isinstance(value, datetime):
        return value.date()
    if column.format in ("money", "quantity", "price", "percent") and isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else value
    return value


def _number_format(column: FormColumn, value: Any) -> str | None:
    if column.format == "money":
        return MONEY_FORMAT
    if column.format in ("quantity", "price"):
        whole = isinstance(value, int) or (isinstance(value, Decimal) and value == value.to_integral_value())
        return MONEY_FORMAT if whole else QUANTITY_FORMAT
    if column.format in ("int", "year", "percent"):
        return "0"
    if column.format == "date":
        return DATE_FORMAT
    if column.format == "datetime":
        return "dd/mm/yyyy hh:mm"
    return None


def write_form(path: Path, form: FormLayout, sheets: Sequence[FormSheet]) -> None:
    """Write ``sheets`` (one per facility) as the printed form ``form`` to the ``.xlsx`` file ``path``."""
    wb = Workbook(write_only=True)
    for sheet in sheets:
        _form_sheet(wb.create_sheet(sheet.facility[:31] or "Biểu"), form, sheet)
    wb.save(path)


def _form_sheet(ws: Any, form: FormLayout, sheet: FormSheet) -> None:
    columns = form.printed
    ncols = len(columns)
    depth = form.depth
    right = max(ncols - 6, form.label_columns + 1)  # first column of the right-hand header block
    header_first = 8
    code_row = header_first + depth
    for i, col in enumerate(columns, start=1):
        ws.column_dimensions[_letter(i)].width = col.width
    ws.row_dimensions[2].height = 30
    for r in range(header_first, code_row):
        ws.row_dimensions[r].height = 42 if r == code_row - 1 else 30
    ws.freeze_panes = f"{_letter(form.label_columns + 1)}{code_row + 1}"
    ws.print_title_rows = f"{header_first}:{code_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = PAPER_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.3
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    merges: list[str] = []

    def cell(
        value: Any, *, font: Font | None = None, align: Alignment | None = None, fmt: str | None = None
    ) -> Cell:
        c = WriteOnlyCell(ws, value=value)
        if font is not None:
            c.font = font
        if align is not None:
            c.alignment = align
        if fmt:
            c.number_format = fmt
        return c

    def row_with(
        left: Any, right_text: Any = None, *, font: Font | None = None, right_font: Font | None = None
    ) -> list:
        cells: list[Any] = [None] * ncols
        if left is not None:
            cells[0] = cell(left, font=font)
        if right_text is not None:
            cells[right - 1] = cell(
                right_text, font=right_font, align=Alignment(horizontal="center", wrap_text=True)
            )
        return cells

    name = sheet.facility_name or "........................................"
    ws.append(row_with(f"Tên cơ sở KCB: {name}", f"Mẫu số: {form.form_code}", font=_BOLD, right_font=_BOLD))
    merges += [_range(1, 1, 1, right - 1), _range(1, right, 1, ncols)]
    ws.append(row_with(f"Mã cơ sở KCB: {sheet.facility}", form.issued_under, right_font=Font(italic=True)))
    merges += [_range(2, 1, 2, right - 1), _range(2, right, 2, ncols)]
    ws.append([])
    for r, (text, font) in enumerate(
        (
            (form.title, Font(bold=True, size=14)),
            (sheet.period_label + (f" — {sheet.subtitle}" if sheet.subtitle else ""), _BOLD),
            (form.note, Font(italic=True)),
        ),
        start=4,
    ):
        ws.append([cell(text or None, font=font, align=Alignment(horizontal="center"))])
        merges.append(_range(r, 1, r, ncols))
    unit_row: list[Any] = [None] * ncols
    unit_row[ncols - 1] = cell(form.unit, font=Font(italic=True), align=Alignment(horizontal="right"))
    ws.append(unit_row)

    # the multi-level header, then the row of column codes
    grid: list[list[Any]] = [[None] * ncols for _ in range(depth)]
    for r0, c0, r1, c1, text in header_merges(form.header_paths()):
        grid[r0][c0] = text
        if (r0, c0) != (r1, c1):
            merges.append(_range(header_first + r0, c0 + 1, header_first + r1, c1 + 1))
    for level in range(depth):
        header_cells = [cell(v, font=_BOLD, align=_CENTER) for v in grid[level]]
        for c in header_cells:
            c.border = _BOX
        ws.append(header_cells)
    codes = [cell(c.code, font=Font(italic=True, bold=True), align=_CENTER) for c in columns]
    for c in codes:
        c.border = _BOX
    ws.append(codes)

    row = code_row
    # Setting a style on a cell makes openpyxl hash the style objects: done once per (bold, number format)
    # on a first cell, whose style the other cells copy, a 10,000-line form takes seconds instead of minutes.
    styles: dict[tuple[bool, str | None], Any] = {}

    def body_cell(value: Any, bold: bool, fmt: str | None) -> Cell:
        c: Any = WriteOnlyCell(ws, value=value)  # Any: the stubs do not know the cell's style array
        if (bold, fmt) not in styles:
            c.font = _BOLD if bold else Font()
            c.border = _BOX
            if fmt:
                c.number_format = fmt
            styles[(bold, fmt)] = c._style
        else:
            c._style = copy(styles[(bold, fmt)])
        cell_: Cell = c
        return cell_

    for line in sheet.lines:
        row += 1
        bold = line.kind not in ("claim", "item")
        cells = []
        for i, col in enumerate(columns):
            if line.kind in HEADING_KINDS:
                value = line.label if i == 0 else None
            elif line.kind in TOTAL_KINDS:
                value = (
                    line.label
                    if i == 0
                    else (_value(col, line.values.get(col.column)) if col.summed else None)
                )
            else:
                value = _value(col, line.values.get(col.column))
            cells.append(body_cell(value, bold, _number_format(col, value) if value is not None else None))
        ws.append(cells)
        if line.kind in HEADING_KINDS:
            merges.append(_range(row, 1, row, ncols))
        elif line.label is not None and form.label_columns > 1:
            merges.append(_range(row, 1, row, form.label_columns))

    grand = next((line for line in reversed(sheet.lines) if line.kind == "grand_total"), None)
    total = grand.values.get(form.words_column) if grand else Decimal(0)
    ws.append([])
    words_row = row + 2
    ws.append(
        [cell(f"{form.words_label}: {amount_in_words(int(total or 0))}", font=Font(italic=True, bold=True))]
    )
    merges.append(_range(words_row, 1, words_row, ncols))
    ws.append([])
    date_row = words_row + 2
    ws.append(row_with(None, "......, ngày ..... tháng ..... năm ......", right_font=Font(italic=True)))
    merges.append(_range(date_row, right, date_row, ncols))
    blocks = _signature_blocks(ncols, len(form.signatures))
    titles: list[Any] = [None] * ncols
    notes: list[Any] = [None] * ncols
    for (first, last), (title, note) in zip(blocks, form.signatures, strict=True):
        titles[first - 1] = cell(title, font=_BOLD, align=Alignment(horizontal="center"))
        notes[first - 1] = cell(note, font=Font(italic=True), align=Alignment(horizontal="center"))
        merges.append(_range(date_row + 1, first, date_row + 1, last))
        merges.append(_range(date_row + 2, first, date_row + 2, last))
    ws.append(titles)
    ws.append(notes)
    for ref in merges:
        ws.merged_cells.add(ref)


def _signature_blocks(ncols: int, n: int) -> list[tuple[int, int]]:
    """``n`` column ranges (1-based, inclusive) spread over ``ncols`` columns for the signature block."""
    width = max(ncols // max(n, 1), 1)
    blocks = []
    for i in range(n):
        first = i * width + 1
        last = ncols if i == n - 1 else min(first + width - 1, ncols)
        blocks.append((first, max(first, last)))
    return blocks


# -- the exchange layout ----------------------------------------------------------------------------------


def portal_value(fmt: str, value: Any) -> Any:
    """A value as the exchanged list writes it."""
    if value is None:
        return ""
    if fmt == "datetime12":
        if isinstance(value, datetime):
            return value.strftime("%Y%m%d%H%M")
        return str(value)
    if fmt == "date8" and isinstance(value, date):
        return value.strftime("%Y%m%d")
    if fmt == "money":
        return int(value) if isinstance(value, Decimal) and value == value.to_integral_value() else value
    if fmt == "int":
        text = str(value).strip()
        return int(text) if text.lstrip("-").isdigit() else text
    return str(value) if not isinstance(value, str) else value


def portal_rows(layout: PortalLayout, rows: Iterable[dict[str, Any]]) -> list[list[Any]]:
    return [[portal_value(c.format, r.get(c.column)) for c in layout.columns] for r in rows]


def write_portal(path: Path, layout: PortalLayout, rows: list[list[Any]], csv_file: bool) -> None:
    """Row 1 the tag names, then the rows; ``.csv`` (UTF-8, no BOM) or ``.xlsx`` (text cells stay text)."""
    tags = [c.tag for c in layout.columns]
    if csv_file:
        with open(path, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(tags)
            writer.writerows(
                ["" if v is None else (format(v, "f") if isinstance(v, Decimal) else v) for v in r]
                for r in rows
            )
        return
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(layout.report)
    ws.append(tags)
    for values in rows:
        cells = []
        for v in values:
            c = WriteOnlyCell(ws, value=v)
            if isinstance(v, str):
                c.number_format = "@"
            cells.append(c)
        ws.append(cells)
    wb.save(path)
