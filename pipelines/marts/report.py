"""Payment reports out of the warehouse: CSV or Excel files for accountants (`bhyt-etl report`).

What a report shows is data, in the header of its ``payment.*`` view (``pipelines/sql/payment/``, grammar in
``docs/sql-files.md``): its name and title, the row order, the shown columns in order with their Vietnamese
titles and formats (``text``, ``int``, ``count``, ``money``, ``quantity``, ``price``, ``percent``,
``datetime``), where the total line writes its label. ``REPORTS`` holds them (one
:class:`~pipelines.common.sqlheader.ReportLayout` per report); this module only renders. Rows are filtered by
settlement month (``nam_qt``/``thang_qt``) and facility (``macskcb``). ``write_report`` opens the warehouse
read-only and writes one report for one settlement month, for one facility or for all:

* ``.xlsx``: a title block (report name, facility, period), Vietnamese headers frozen above the data,
  money as ``#,##0``, quantities and unit prices as ``#,##0.###`` (``#,##0`` when the value is whole, so
  Excel shows no dangling decimal point), column widths from the content, an autofilter, landscape
  fit-to-width printing with the header repeated, and a bold totals row.
* ``.csv``: UTF-8 with a byte-order mark (without it Excel reads UTF-8 as the ANSI code page and garbles
  Vietnamese), comma-separated, one header row of Vietnamese headers, then the rows and the totals row;
  numbers are plain (``1234567.50``, ``.`` as decimal point, no grouping) and times ISO
  (``2026-10-03 08:15``) so that the file stays machine-readable. Accountants who want Excel formatting use
  the ``.xlsx``.

The totals row sums the ``money`` and ``count`` columns of the detail rows. The C79a/C80a views carry their
own section subtotals and grand total per facility; their files get an extra all-facility total row only
when they span several facilities.

The file is written next to its target and renamed over it, so a failed run never leaves half a report.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import sys
import time
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from pipelines.common.sqlheader import ReportLayout
from pipelines.marts.payment import report_layouts

MONEY_FORMAT = "#,##0"
QUANTITY_FORMAT = "#,##0.###"
WHOLE_FORMAT = "#,##0"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"

TOTAL_LABEL = "Tổng cộng"
ALL_FACILITIES_TOTAL_LABEL = "Tổng cộng các cơ sở"


class ReportError(ValueError):
    """A report cannot be produced; the message is one line for the operator."""

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code


#: the reports, by name, as the payment views' headers declare them (title, order, shown columns with their
#: Vietnamese titles and formats: ``pipelines/sql/payment/*.sql``, grammar in docs/sql-files.md)
REPORTS: dict[str, ReportLayout] = {layout.name: layout for layout in report_layouts()}

_PERIOD = re.compile(r"^(\d{4})-(\d{2})$")
_FACILITY = re.compile(r"^[0-9A-Za-z]{5}$")


def report_spec(name: str) -> ReportLayout:
    """The report called ``name`` (case-insensitive), or the report of the view called ``name``
    (``payment.report_7980a``, ``report_7980a``); a form number alone (``19``) names form ``m19``."""
    key = name.strip().lower().removeprefix("payment.")
    by_view = {layout.view.removeprefix("payment."): n for n, layout in REPORTS.items()}
    key = by_view.get(key, f"m{key}" if key.isdigit() else key)
    if key not in REPORTS:
        raise ReportError(f"unknown report {name!r}; valid names: {', '.join(REPORTS)}")
    return REPORTS[key]


def parse_period(period: str) -> tuple[int, int]:
    """``YYYY-MM`` → (year, month)."""
    m = _PERIOD.match(period.strip())
    if not m or not 1 <= int(m.group(2)) <= 12 or int(m.group(1)) < 1900:
        raise ReportError(f"bad period {period!r}: expected the settlement month as YYYY-MM, e.g. 2026-10")
    return int(m.group(1)), int(m.group(2))


def _connect(warehouse: Path) -> duckdb.DuckDBPyConnection:
    """Read-only connection; a short bounded retry while another process holds a write lock."""
    if not warehouse.is_file():
        raise ReportError(f"warehouse {warehouse} does not exist")
    attempts = 5
    for attempt in range(attempts):
        try:
            return duckdb.connect(str(warehouse), read_only=True)
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or attempt == attempts - 1:
                raise ReportError(f"cannot open warehouse {warehouse}: {exc}".splitlines()[0], 1) from exc
            time.sleep(0.5 * (attempt + 1))
    raise AssertionError("unreachable")


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def fetch_report(
    con: duckdb.DuckDBPyConnection, spec: ReportLayout, year: int, month: int, facility: str | None
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """(fetched column names, rows) of one report: the shown columns, then the helper columns needed."""
    names = [c.name for c in spec.columns]
    for helper in (spec.kind_column, spec.facility_column):
        if helper and helper not in names:
            names.append(helper)
    where = [f"{_quote(spec.year_column)} = ?", f"{_quote(spec.month_column)} = ?"]
    params: list[Any] = [year, month]
    if facility is not None:
        where.append(f"{_quote(spec.facility_column)} = ?")
        params.append(facility)
    sql = (
        f"SELECT {', '.join(map(_quote, names))} FROM {spec.view} "  # noqa: S608 (identifiers from REPORTS)
        f"WHERE {' AND '.join(where)} ORDER BY {', '.join(map(_quote, spec.order_by))}"
    )
    try:
        rows = con.execute(sql, params).fetchall()
    except duckdb.CatalogException as exc:
        raise ReportError(
            f"the warehouse has no {spec.view} (built before the payment reports existed?): "
            "rebuild it with `bhyt-etl ingest`",
            exit_code=1,
        ) from exc
    return names, rows


def _totals(spec: ReportLayout, names: list[str], rows: list[tuple[Any, ...]]) -> list[Any] | None:
    """The totals row (values in shown-column order), or None when the view's own totals suffice."""
    index = {n: i for i, n in enumerate(names)}
    detail = rows
    if spec.kind_column:
        k = index[spec.kind_column]
        detail = [r for r in rows if r[k] == "claim"]
    label = TOTAL_LABEL
    if spec.totals_in_view:
        f = index[spec.facility_column]
        if len({r[f] for r in rows}) <= 1:
            return None
        label = ALL_FACILITIES_TOTAL_LABEL
    values: list[Any] = []
    for col in spec.columns:
        if col.total:
            i = index[col.name]
            values.append(
                sum((r[i] for r in detail if r[i] is not None), Decimal(0) if col.format == "money" else 0)
            )
        elif col.name == spec.label_column:
            values.append(label)
        else:
            values.append(None)
    return values


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _write_csv(path: Path, spec: ReportLayout, rows: list[list[Any]], totals: list[Any] | None) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(spec.headers)
        for row in rows:
            writer.writerow([_csv_value(v) for v in row])
        if totals is not None:
            writer.writerow([_csv_value(v) for v in totals])


def _number_format(kind: str, value: Any) -> str | None:
    if kind == "money":
        return MONEY_FORMAT
    if kind in ("quantity", "price"):
        whole = isinstance(value, int) or (isinstance(value, Decimal) and value == value.to_integral_value())
        return WHOLE_FORMAT if whole else QUANTITY_FORMAT
    if kind in ("int", "count", "percent"):
        return "0"
    if kind == "datetime":
        return DATETIME_FORMAT
    return None


def _display_width(kind: str, value: Any) -> int:
    if value is None:
        return 0
    if kind == "money":
        return len(f"{round(value):,}")
    if kind in ("quantity", "price") and isinstance(value, Decimal):
        return len(f"{value.normalize():,f}")
    if kind == "datetime":
        return 16
    return len(str(value))


def _wrapped_lines(text: str, width: int) -> int:
    """Lines ``text`` takes when Excel wraps it at word boundaries in a column ``width`` characters wide."""
    lines, current = 1, 0
    for word in text.split():
        if current and current + 1 + len(word) > width:
            lines, current = lines + 1, len(word)
        else:
            current += (1 if current else 0) + len(word)
    return lines


def _column_letter(index: int) -> str:
    return str(get_column_letter(index))


def _write_xlsx(
    path: Path,
    spec: ReportLayout,
    rows: list[list[Any]],
    kinds: list[str | None],
    totals: list[Any] | None,
    subtitle: str,
) -> None:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(spec.name)
    ncols = len(spec.columns)
    header_row = 4
    first_data = header_row + 1
    last_row = header_row + len(rows) + (1 if totals is not None else 0)

    # widths from the header (wrapped over up to two lines) and the content (first 2,000 rows suffice)
    header_lines = 1
    for i, col in enumerate(spec.columns):
        content = max((_display_width(col.format, r[i]) for r in rows[:2000]), default=0)
        if totals is not None:
            content = max(content, _display_width(col.format, totals[i]))
        header_need = max(len(w) for w in col.title.split()) if col.title else 0
        header_need = max(header_need, (len(col.title) + 1) // 2)
        width = min(max(content, header_need, 4) + 2, 60)
        ws.column_dimensions[_column_letter(i + 1)].width = width
        header_lines = max(header_lines, _wrapped_lines(col.title, width - 2))
    ws.freeze_panes = f"{_column_letter(spec.frozen_columns + 1)}{first_data}"
    ws.auto_filter.ref = f"A{header_row}:{_column_letter(ncols)}{max(header_row, last_row)}"
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True

    bold = Font(bold=True)
    thin = Side(style="thin")
    header_fill = PatternFill("solid", fgColor="DDEBF7")

    # types-openpyxl declares WriteOnlyCell as a function, so the cells are typed as the Cell it returns
    def cell(value: Any, kind: str | None = None, *, font: Font | None = None) -> Cell:
        c = WriteOnlyCell(ws, value=value)
        fmt = _number_format(kind or "text", value) if value is not None else None
        if fmt:
            c.number_format = fmt
        if font is not None:
            c.font = font
        return c

    ws.append([cell(spec.title, font=Font(bold=True, size=14))])
    ws.append([cell(subtitle, font=Font(italic=True))])
    ws.append([])
    ws.row_dimensions[header_row].height = 15 * header_lines + 3  # must be set before the row is streamed
    headers = []
    for col in spec.columns:
        h = WriteOnlyCell(ws, value=col.title)
        h.font = bold
        h.fill = header_fill
        h.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        h.border = Border(top=thin, bottom=thin, left=thin, right=thin)
        headers.append(h)
    ws.append(headers)
    for row, kind in zip(rows, kinds, strict=True):
        font = bold if kind not in (None, "claim") else None
        ws.append([cell(v, c.format, font=font) for v, c in zip(row, spec.columns, strict=True)])
    if totals is not None:
        cells = []
        for v, c in zip(totals, spec.columns, strict=True):
            t = cell(v, c.format, font=bold)
            t.border = Border(top=thin, bottom=Side(style="double"))
            cells.append(t)
        ws.append(cells)
    wb.save(path)


def write_report(warehouse: Path, name: str, period: str, facility: str | None, out: Path) -> int:
    """Write report ``name`` for settlement month ``period`` (YYYY-MM), one facility or all (None), to
    ``out`` (``.csv`` or ``.xlsx``); returns the number of view rows written (without the added totals row).
    """
    spec = report_spec(name)
    year, month = parse_period(period)
    if facility is not None and not _FACILITY.match(facility):
        raise ReportError(f"bad facility code {facility!r}: expected the 5-character MACSKCB")
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ReportError(f"cannot tell the format of {out}: --out must end in .csv or .xlsx")
    con = _connect(Path(warehouse))
    try:
        names, fetched = fetch_report(con, spec, year, month, facility)
    finally:
        con.close()
    shown = len(spec.columns)
    rows = [list(r[:shown]) for r in fetched]
    kinds: list[str | None] = (
        [r[names.index(spec.kind_column)] for r in fetched] if spec.kind_column else [None] * len(rows)
    )
    totals = _totals(spec, names, fetched)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.{os.getpid()}.partial")
    try:
        if suffix == ".csv":
            _write_csv(partial, spec, rows, totals)
        else:
            subtitle = f"Cơ sở KCB: {facility or 'tất cả'}    Kỳ quyết toán: tháng {month:02d}/{year}"
            _write_xlsx(partial, spec, rows, kinds, totals, subtitle)
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    return len(rows)


def _cmd_report(args: argparse.Namespace) -> int:
    try:
        n = write_report(Path(args.warehouse), args.name, args.period, args.facility, Path(args.out))
    except ReportError as exc:
        print(f"bhyt-etl report: {exc}", file=sys.stderr)
        return exc.exit_code
    spec = report_spec(args.name)
    where = f"facility {args.facility}" if args.facility else "all facilities"
    print(f"wrote {n} rows of {spec.name} ({where}, {args.period}) to {args.out}")
    return 0


def add_report_parser(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
) -> argparse.ArgumentParser:
    """Register ``report NAME --warehouse FILE --period YYYY-MM [--facility CODE] --out FILE.csv|.xlsx``."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "report",
        help="write a payment report (7980a, C79a, C80a, forms 19/20/21) as CSV or Excel",
        description="Write one payment report for one settlement month from the warehouse "
        f"(opened read-only). Reports: {', '.join(REPORTS)}.",
    )
    p.add_argument("name", help=f"report: {', '.join(REPORTS)}")
    p.add_argument("--warehouse", required=True, help="the DuckDB warehouse file")
    p.add_argument("--period", required=True, help="settlement month YYYY-MM (NAM_QT/THANG_QT)")
    p.add_argument("--facility", help="facility code (MACSKCB); default: all facilities")
    p.add_argument("--out", required=True, help="output file: .csv (UTF-8 with BOM) or .xlsx")
    p.set_defaults(func=_cmd_report)
    return p
