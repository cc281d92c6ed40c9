"""Payment reports out of the warehouse: forms, exchange lists and tables for accountants (`bhyt-etl report`).

``write_report`` opens the warehouse read-only and writes one report for a period (a settlement month; for
forms 19/20/21 also a quarter or whole months), one facility or all, in one of three layouts:

* ``form`` (the default of C79a, C80a, 19, 20, 21; ``.xlsx``): the form as filed, one sheet per facility. The
  layout is data (``pipelines/marts/forms/*.toml``, :mod:`pipelines.marts.forms`), the sheet is laid out by
  :mod:`pipelines.marts.formwriter`. C79a/C80a print the view's lines as they come (sections, route
  sub-groups, subtotals: ``payment.c79a_c80a``); forms 19/20/21 add each item up over the setting, section and
  months selected and get a heading and a money subtotal per group (MA_NHOM).
* ``portal`` (7980a; ``.xlsx`` or ``.csv``): the exchanged list, the tag names on row 1.
* ``table`` (every report; ``.xlsx`` or ``.csv``): the view's rows under the Vietnamese titles its SQL header
  declares (``-- title t_bhtt: Đề nghị BHXH thanh toán | money``; grammar in ``docs/sql-files.md``;
  ``REPORTS`` holds one :class:`~pipelines.common.sqlheader.ReportLayout` per report):

  * ``.xlsx``: a title block (report name, facility, period), Vietnamese headers frozen above the data,
    money as ``#,##0``, quantities and unit prices as ``#,##0.###`` (``#,##0`` when the value is whole, so
    Excel shows no dangling decimal point), column widths from the content, an autofilter, landscape
    fit-to-width printing with the header repeated, and a bold totals row.
  * ``.csv``: UTF-8 with a byte-order mark (without it Excel reads UTF-8 as the ANSI code page and garbles
    Vietnamese), comma-separated, one header row of Vietnamese headers, then the rows and the totals row;
    numbers are plain (``1234567.50``, ``.`` as decimal point, no grouping) and times ISO
    (``2026-10-03 08:15``) so that the file stays machine-readable.

  The totals row sums the ``money`` and ``count`` columns of the detail rows. The C79a/C80a views carry
  their own subtotals and grand total per facility; their tables get an extra all-facility total row only
  when they span several facilities.

**On the analytics copy** (a warehouse file with ``ops.privacy``, which only
:func:`pipelines.warehouse.analytics.build_analytics` writes) reports are for publication: forms 19/20/21
(form and table) print only rows that count at least k claims (``so_luot``; k of the copy's latest build,
or identity.toml's ``[privacy] k`` when larger): the items below k are merged by
:func:`pipelines.warehouse.privacy.small_cells_sql` into one ``*`` row per facility (then one overall ``*``
row), so every total is the unsuppressed one. The per-claim lists (C79a, C80a, 7980a) are refused there
(exit 2): they are filed from the full warehouse.

Money is already in whole đồng in the views (rounded per claim, docs/payment-forms.md "Rounding"), so every
printed total is the sum of the printed lines. The file is written next to its target and renamed over it,
so a failed run never leaves half a report.
"""

from __future__ import annotations

import argparse
import calendar
import csv
import os
import re
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
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
from pipelines.marts.forms import FormLayout, form_layouts, portal_layouts
from pipelines.marts.formwriter import FormLine, FormSheet, portal_rows, write_form, write_portal
from pipelines.marts.payment import report_layouts
from pipelines.warehouse.identity import privacy_setting
from pipelines.warehouse.privacy import small_cells_sql

MONEY_FORMAT = "#,##0"
QUANTITY_FORMAT = "#,##0.###"
WHOLE_FORMAT = "#,##0"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"

TOTAL_LABEL = "Tổng cộng"
#: the label of a row of forms 19/20/21 on the analytics copy that merges the items below k claims
SMALL_CELLS_LABEL = "Các mục dưới {k} lượt KCB (gộp để bảo vệ thông tin người bệnh)"
#: the claim count of a row of forms 19/20/21 (``so_luot`` of the views m19, m20, m21)
CLAIM_COUNT = "so_luot"
ALL_FACILITIES_TOTAL_LABEL = "Tổng cộng các cơ sở"


class ReportError(ValueError):
    """A report cannot be produced; the message is one line for the operator."""

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code


#: the reports, by name, as the payment views' headers declare them (title, order, shown columns with their
#: Vietnamese titles and formats: ``pipelines/sql/payment/*.sql``, grammar in docs/sql-files.md)
REPORTS: dict[str, ReportLayout] = {layout.name: layout for layout in report_layouts()}

#: the printed forms (``pipelines/marts/forms/*.toml``) and the exchange layouts, by report name
FORMS: dict[str, FormLayout] = form_layouts()
PORTALS = portal_layouts()
LAYOUTS = ("form", "portal", "table")
#: --setting values and the noi_tru they select
SETTINGS = {"ngoai-tru": False, "noi-tru": True}
SECTIONS = ("A", "B", "C")

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")
_FACILITY = re.compile(r"^[0-9A-Za-z]{5}$")
_ROMAN = ("I", "II", "III", "IV")


@dataclass(frozen=True)
class Period:
    """The settlement months a report covers (NAM_QT/THANG_QT) and how the form names them."""

    months: tuple[tuple[int, int], ...]
    label: str

    @property
    def keys(self) -> list[int]:
        return [y * 100 + m for y, m in self.months]


def report_spec(name: str) -> ReportLayout:
    """The report called ``name`` (case-insensitive), or the report of the view called ``name``
    (``payment.report_7980a``, ``report_7980a``); a form number alone (``19``) names form ``m19``."""
    key = name.strip().lower().removeprefix("payment.")
    by_view = {layout.view.removeprefix("payment."): n for n, layout in REPORTS.items()}
    key = by_view.get(key, f"m{key}" if key.isdigit() else key)
    if key not in REPORTS:
        raise ReportError(f"unknown report {name!r}; valid names: {', '.join(REPORTS)}")
    return REPORTS[key]


def _months(first: date, last: date) -> tuple[tuple[int, int], ...]:
    out = []
    y, m = first.year, first.month
    while (y, m) <= (last.year, last.month):
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return tuple(out)


def parse_period(period: str) -> Period:
    """``YYYY-MM`` (a month), ``YYYY-Qn`` (a quarter) or ``YYYY-MM-DD..YYYY-MM-DD`` (whole months).

    Claims are settled by month (NAM_QT/THANG_QT), so a date range must run from the first day of a month to
    the last day of a month."""
    text = period.strip()
    bad = f"bad period {period!r}: expected a settlement month YYYY-MM (2026-10), a quarter YYYY-Qn (2026-Q4)"
    bad += " or whole months YYYY-MM-DD..YYYY-MM-DD (2026-10-01..2026-12-31)"
    if m := _MONTH.match(text):
        year, month = int(m.group(1)), int(m.group(2))
        if not 1 <= month <= 12 or year < 1900:
            raise ReportError(bad)
        return Period(((year, month),), f"Tháng {month:02d} năm {year}")
    if m := _QUARTER.match(text):
        year, quarter = int(m.group(1)), int(m.group(2))
        if year < 1900:
            raise ReportError(bad)
        months = tuple((year, 3 * (quarter - 1) + i) for i in (1, 2, 3))
        return Period(months, f"Quý {_ROMAN[quarter - 1]} năm {year}")
    if m := _RANGE.match(text):
        try:
            first, last = date.fromisoformat(m.group(1)), date.fromisoformat(m.group(2))
        except ValueError as exc:
            raise ReportError(bad) from exc
        month_end = calendar.monthrange(last.year, last.month)[1]
        if first.day != 1 or last.day != month_end or last < first or first.year < 1900:
            raise ReportError(
                f"bad period {period!r}: claims are settled by month (NAM_QT/THANG_QT), so a range must run "
                "from the first day of a month to the last day of a month, e.g. 2026-10-01..2026-12-31"
            )
        return Period(_months(first, last), f"Từ ngày {first:%d/%m/%Y} đến ngày {last:%d/%m/%Y}")
    raise ReportError(bad)


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


@dataclass(frozen=True)
class Selection:
    """Which rows of a report's view: the months, one facility or all, the setting and the section."""

    period: Period
    facility: str | None = None
    setting: str | None = None
    section: str | None = None

    @property
    def subtitle(self) -> str:
        parts = []
        if self.setting:
            parts.append("Ngoại trú" if self.setting == "ngoai-tru" else "Nội trú")
        if self.section:
            parts.append(f"Nhóm {self.section}")
        return ", ".join(parts)


def analytics_k(con: duckdb.DuckDBPyConnection) -> int | None:
    """The k below which published cells are merged when ``con`` is the analytics copy, None on the full
    warehouse. The copy is known by ``ops.privacy``: every build of the copy records its profile and k there
    and the full warehouse never has it, whatever the file is called. k is the copy's latest build's, or
    identity.toml's ``[privacy] k`` when that is larger (never publish below either)."""
    try:
        row = con.execute("SELECT k FROM ops.privacy ORDER BY built_at DESC LIMIT 1").fetchone()
    except duckdb.CatalogException:
        return None
    configured = privacy_setting()[1]
    recorded = int(row[0]) if row is not None and row[0] is not None else configured
    return max(recorded, configured)


def _view_columns(con: duckdb.DuckDBPyConnection, view: str) -> list[str]:
    try:
        return [d[0] for d in con.execute(f"SELECT * FROM {view} LIMIT 0").description]  # noqa: S608
    except duckdb.CatalogException as exc:
        raise ReportError(
            f"the warehouse has no {view} (built before the payment reports existed?): "
            "rebuild it with `bhyt-etl ingest`",
            exit_code=1,
        ) from exc


def fetch_rows(
    con: duckdb.DuckDBPyConnection,
    spec: ReportLayout,
    selection: Selection,
    form: FormLayout | None = None,
    *,
    k: int | None = None,
) -> list[dict[str, Any]]:
    """The view's rows for ``selection``, in the report's order, as dicts.

    A form with ``regroup_keys`` (19, 20, 21) adds up the rows of one item over the setting, section and
    months selected (the view keeps them apart so that they can be filtered): quantities and money are summed,
    ``stt`` is numbered again per facility. With ``k`` (the analytics copy) the items counting fewer than k
    claims are merged (:func:`_small_cells_sql`).
    """
    available = _view_columns(con, spec.view)
    where = [
        f"({_quote(spec.year_column)} * 100 + {_quote(spec.month_column)}) IN "
        f"({', '.join('?' for _ in selection.period.months)})"
    ]
    params: list[Any] = list(selection.period.keys)
    if selection.facility is not None:
        where.append(f"{_quote(spec.facility_column)} = ?")
        params.append(selection.facility)
    filters = (
        ("--setting", "noi_tru", selection.setting, SETTINGS.get(selection.setting or "")),
        ("--section", "phan_nhom", selection.section, selection.section),
    )
    for option, column, given, value in filters:
        if given is None:
            continue
        if column not in available or spec.kind_column:
            raise ReportError(f"{option} does not apply to report {spec.name}")
        where.append(f"{column} = ?")
        params.append(value)
    condition = " AND ".join(where)
    if form is not None and form.regroup_keys:
        summed = [c for c in available if c.startswith(("so_luong", "thanh_tien", "t_"))]
        keys = [spec.facility_column, *form.regroup_keys]
        if k is not None:
            if CLAIM_COUNT not in available:
                raise ReportError(
                    f"{spec.view} of {spec.name} has no claim count ({CLAIM_COUNT}), so its small cells "
                    "cannot be merged: rebuild the analytics copy with this version (`bhyt-etl ingest`)",
                    exit_code=1,
                )
            cur = con.execute(_small_cells_sql(spec, form, condition, summed, k), params)
            names = [d[0] for d in cur.description]
            return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
        summed += [CLAIM_COUNT] if CLAIM_COUNT in available else []
        order = ", ".join(["try_cast(ma_nhom AS INTEGER)", *map(_quote, form.regroup_keys)])
        facility = _quote(spec.facility_column)
        sql = (
            f"SELECT row_number() OVER (PARTITION BY {facility} ORDER BY {order})::INTEGER "  # noqa: S608
            f"AS stt, {', '.join(map(_quote, keys))}, "
            + ", ".join(f"sum({_quote(c)}) AS {_quote(c)}" for c in summed)
            + f" FROM {spec.view} WHERE {condition} GROUP BY {', '.join(map(_quote, keys))} "  # noqa: S608
            f"ORDER BY {_quote(spec.facility_column)}, stt"
        )
    else:
        sql = (
            f"SELECT * FROM {spec.view} WHERE {condition} "  # noqa: S608 (identifiers from REPORTS)
            f"ORDER BY {', '.join(map(_quote, spec.order_by))}"
        )
    cur = con.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def _small_cells_sql(spec: ReportLayout, form: FormLayout, condition: str, summed: list[str], k: int) -> str:
    """Forms 19/20/21 for publication from the analytics copy: the items of the selection added up as
    :func:`fetch_rows` does, with their claim count ``so_luot``; those below ``k`` claims merged by
    :func:`small_cells_sql` into one row per facility (``ma_nhom`` ``*``, labelled :data:`SMALL_CELLS_LABEL`,
    printed last), what is still below k into one row of facility ``*``. Each item is one key ``_item`` for
    small_cells_sql, so the item's columns keep their types; sums and counts are exact, so the form foots."""
    facility, group, label = spec.facility_column, form.group_by or "ma_nhom", spec.label_column
    keys = [facility, *form.regroup_keys]
    key_list = ", ".join(map(_quote, keys))
    measures = [CLAIM_COUNT, *summed]
    items = (
        f"SELECT CAST(row_number() OVER (ORDER BY {key_list}) AS VARCHAR) AS _item, {key_list}, "  # noqa: S608
        + ", ".join(f"sum({_quote(c)}) AS {_quote(c)}" for c in measures)
        + f" FROM {spec.view} WHERE {condition} GROUP BY {key_list}"
    )
    merged = small_cells_sql(
        f"SELECT {_quote(facility)}, _item, {', '.join(map(_quote, measures))} FROM _items",  # noqa: S608
        keys=[facility, "_item"],
        count=CLAIM_COUNT,
        sums=summed,
        k=k,
    )
    star = "s._item = '*'"
    item_columns = []
    for c in form.regroup_keys:
        if c == group:
            item_columns.append(f"CASE WHEN {star} THEN '*' ELSE i.{_quote(c)} END AS {_quote(c)}")
        elif c == label:
            text = SMALL_CELLS_LABEL.format(k=k).replace("'", "''")
            item_columns.append(f"CASE WHEN {star} THEN '{text}' ELSE i.{_quote(c)} END AS {_quote(c)}")
        else:
            item_columns.append(f"i.{_quote(c)}")
    order = ", ".join(
        [f"{_quote(group)} = '*'", f"try_cast({_quote(group)} AS INTEGER)", *map(_quote, keys[1:])]
    )
    return (
        f"WITH _items AS MATERIALIZED ({items}), "  # noqa: S608 (identifiers from REPORTS and FORMS)
        f"_merged AS (SELECT s.{_quote(facility)}, {', '.join(item_columns)}, "
        + ", ".join(f"s.{_quote(c)}" for c in measures)
        + f" FROM ({merged}) s LEFT JOIN _items i ON {star} IS NOT TRUE AND i._item = s._item) "  # noqa: S608
        f"SELECT row_number() OVER (PARTITION BY {_quote(facility)} ORDER BY {order})::INTEGER AS stt, * "
        f"FROM _merged ORDER BY {_quote(facility)} = '*', {_quote(facility)}, stt"
    )


def _nhom_names(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """MA_NHOM → its name (ref.ma_nhom), for the group headings of forms 19/20/21; empty without it."""
    try:
        return {
            str(k).strip(): str(v)
            for k, v in con.execute("SELECT ma_nhom, ten_nhom FROM ref.ma_nhom").fetchall()
        }
    except duckdb.Error:
        return {}


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


def default_layout(name: str, out: Path | str = "report.xlsx") -> str:
    """``form`` for an Excel file of a report whose printed form is its default, else ``table`` (a form is
    printed from Excel, so ``--out x.csv`` without ``--layout`` keeps giving the table, as it always did)."""
    spec = report_spec(name)
    form = FORMS.get(spec.name)
    excel = Path(out).suffix.lower() == ".xlsx"
    return "form" if form is not None and form.default and excel else "table"


def _item_lines(form: FormLayout, rows: list[dict[str, Any]], nhom_names: dict[str, str]) -> list[FormLine]:
    """Items under a heading per group (MA_NHOM), a subtotal per group and the grand total."""
    summed = [c.column for c in form.columns if c.summed]

    def sums(items: list[dict[str, Any]]) -> dict[str, Any]:
        return {c: sum((r.get(c) or Decimal(0) for r in items), Decimal(0)) for c in summed}

    key = form.group_by or "ma_nhom"
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        groups[str(r.get(key) or "").strip()].append(r)

    def order(code: str) -> tuple[int, str]:
        return (int(code), code) if code.isdigit() else (10**6, code)

    lines: list[FormLine] = []
    for code in sorted(groups, key=order):
        name = nhom_names.get(code, "")
        lines.append(FormLine("group", {}, f"{form.group_label} {code}" + (f": {name}" if name else "")))
        lines += [FormLine("item", r) for r in groups[code]]
        lines.append(FormLine("group_total", sums(groups[code]), f"Cộng {form.group_label.lower()} {code}"))
    lines.append(FormLine("grand_total", sums(rows), "Tổng cộng"))
    return lines


def _settlement_lines(rows: list[dict[str, Any]]) -> list[FormLine]:
    """The C79a/C80a view's printed lines, as they come (headings, claims, subtotals, grand total)."""
    lines = []
    for r in rows:
        kind = r["row_kind"]
        label = r.get("dien_giai")
        if kind in ("group_total", "section_total", "grand_total"):
            label = f"{label} ({r['so_luot']} lượt)"
        lines.append(FormLine(kind, r, label if kind != "claim" else None))
    return lines


def _empty_settlement() -> list[FormLine]:
    """A facility without claims of the setting in the month: the form with a grand total of 0."""
    zero: dict[str, Any] = defaultdict(lambda: Decimal(0))
    return [FormLine("grand_total", zero, "Tổng cộng A + B + C (0 lượt)")]


def write_report(
    warehouse: Path,
    name: str,
    period: str,
    facility: str | None,
    out: Path,
    *,
    layout: str | None = None,
    fmt: str | None = None,
    setting: str | None = None,
    section: str | None = None,
    facility_name: str | None = None,
) -> int:
    """Write report ``name`` for ``period`` (a month, a quarter or whole months), one facility or all (None),
    to ``out``; returns the number of rows written: the view's rows for a table (its own headings and totals
    included, the added totals row not), the claims or items for a form or an exchange list.

    ``layout``: ``form`` (the printed form, .xlsx, one sheet per facility), ``portal`` (the exchanged list:
    tag names on row 1), ``table`` (the view's rows under Vietnamese titles); default :func:`default_layout`.
    ``fmt``: ``xlsx`` or ``csv``, default from the suffix of ``out``. ``setting`` (``ngoai-tru``/``noi-tru``)
    and ``section`` (A/B/C) filter the reports whose view has those columns (7980a, 19, 20, 21).
    """
    spec = report_spec(name)
    layout = layout or default_layout(spec.name, out)
    if layout not in LAYOUTS:
        raise ReportError(f"unknown layout {layout!r}; valid layouts: {', '.join(LAYOUTS)}")
    selection = Selection(parse_period(period), facility, setting, section)
    if facility is not None and not _FACILITY.match(facility):
        raise ReportError(f"bad facility code {facility!r}: expected the 5-character MACSKCB")
    if setting is not None and setting not in SETTINGS:
        raise ReportError(f"bad setting {setting!r}: expected {' or '.join(SETTINGS)}")
    if section is not None and section not in SECTIONS:
        raise ReportError(f"bad section {section!r}: expected A, B or C")
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ReportError(f"cannot tell the format of {out}: --out must end in .csv or .xlsx")
    if fmt is not None and f".{fmt}" != suffix:
        raise ReportError(f"--format {fmt} but --out {out.name}: give a file ending in .{fmt}")
    form = FORMS.get(spec.name)
    portal = PORTALS.get(spec.name)
    if layout == "form" and form is None:
        raise ReportError(f"report {spec.name} has no printed form; use --layout table or portal")
    if layout == "form" and suffix != ".xlsx":
        raise ReportError(
            "a form is printed from Excel: --out must end in .xlsx (or use --layout table for CSV)"
        )
    if layout == "portal" and portal is None:
        raise ReportError(f"report {spec.name} has no exchange layout; use --layout form or table")
    if len(selection.period.months) > 1 and (form is None or form.single_month):
        raise ReportError(
            f"report {spec.name} is settled month by month: give one month (YYYY-MM); quarters and ranges "
            "are for forms 19, 20 and 21"
        )
    con = _connect(Path(warehouse))
    try:
        k = analytics_k(con)
        if k is not None and (form is None or not form.regroup_keys):
            raise ReportError(
                f"report {spec.name} lists claims one by one (per patient) and is filed from the full "
                f"warehouse; {Path(warehouse).name} is the analytics copy (it has ops.privacy), which "
                "publishes aggregates only: forms 19, 20 and 21, with cells below k claims merged"
            )
        rows = fetch_rows(con, spec, selection, form if layout in ("form", "table") else None, k=k)
        nhom_names = _nhom_names(con) if layout == "form" else {}
    finally:
        con.close()
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.{os.getpid()}.partial")
    detail = [r for r in rows if not spec.kind_column or r[spec.kind_column] == "claim"]
    try:
        if layout == "portal":
            assert portal is not None
            for column, allowed in portal.checks.items():
                wrong = sorted({str(r[column]) for r in rows if str(r[column]) not in allowed})
                if wrong:
                    raise ReportError(
                        f"{column} outside its code list {', '.join(allowed)}: {', '.join(wrong)}", 1
                    )
            write_portal(partial, portal, portal_rows(portal, rows), csv_file=suffix == ".csv")
        elif layout == "form":
            assert form is not None
            _write_form_file(partial, form, spec, selection, rows, nhom_names, facility_name)
        else:
            _write_table(partial, spec, selection, rows, suffix)
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    return len(rows) if layout == "table" else len(detail)


def _write_form_file(
    path: Path,
    form: FormLayout,
    spec: ReportLayout,
    selection: Selection,
    rows: list[dict[str, Any]],
    nhom_names: dict[str, str],
    facility_name: str | None,
) -> None:
    by_facility: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        by_facility[r[spec.facility_column]].append(r)
    if not by_facility:
        by_facility[selection.facility or "Khong co du lieu"] = []
    sheets = []
    for facility, facility_rows in sorted(by_facility.items()):
        if spec.kind_column:
            lines = _settlement_lines(facility_rows) if facility_rows else _empty_settlement()
        else:
            lines = _item_lines(form, facility_rows, nhom_names)
        name = facility_name if facility_name and len(by_facility) == 1 else None
        sheets.append(FormSheet(facility, lines, selection.period.label, name, selection.subtitle))
    write_form(path, form, sheets)


def _write_table(
    path: Path, spec: ReportLayout, selection: Selection, rows: list[dict[str, Any]], suffix: str
) -> None:
    names = [c.name for c in spec.columns]
    for helper in (spec.kind_column, spec.facility_column):
        if helper and helper not in names:
            names.append(helper)
    fetched = [tuple(r.get(n) for n in names) for r in rows]
    shown = len(spec.columns)
    table = [list(r[:shown]) for r in fetched]
    kinds: list[str | None] = (
        [r[names.index(spec.kind_column)] for r in fetched] if spec.kind_column else [None] * len(table)
    )
    totals = _totals(spec, names, fetched)
    if suffix == ".csv":
        _write_csv(path, spec, table, totals)
    else:
        where = selection.facility or "tất cả"
        subtitle = f"Cơ sở KCB: {where}    Kỳ quyết toán: {selection.period.label.lower()}"
        if selection.subtitle:
            subtitle += f"    {selection.subtitle}"
        _write_xlsx(path, spec, table, kinds, totals, subtitle)


def _cmd_report(args: argparse.Namespace) -> int:
    try:
        n = write_report(
            Path(args.warehouse),
            args.name,
            args.period,
            args.facility,
            Path(args.out),
            layout=args.layout,
            fmt=args.format,
            setting=args.setting,
            section=args.section,
            facility_name=args.facility_name,
        )
        spec = report_spec(args.name)
        layout = args.layout or default_layout(spec.name, args.out)
    except ReportError as exc:
        print(f"bhyt-etl report: {exc}", file=sys.stderr)
        return exc.exit_code
    where = f"facility {args.facility}" if args.facility else "all facilities"
    print(f"wrote {n} rows of {spec.name} as {layout} ({where}, {args.period}) to {args.out}")
    return 0


def add_report_parser(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
) -> argparse.ArgumentParser:
    """Register ``report NAME --warehouse FILE --period P [--facility CODE] [--layout L] --out FILE``."""
    forms = ", ".join(n for n, f in FORMS.items() if f.default)
    p: argparse.ArgumentParser = subparsers.add_parser(
        "report",
        help="write a payment report (7980a, C79a, C80a, forms 19/20/21): a form, an exchange list, a table",
        description="Write one payment report from the warehouse (opened read-only). "
        f"Reports: {', '.join(REPORTS)}. Printed forms (the default layout of {forms}) are .xlsx; "
        "the exchange list of 7980a (--layout portal) and tables are .xlsx or .csv.",
    )
    p.add_argument("name", help=f"report: {', '.join(REPORTS)}")
    p.add_argument("--warehouse", required=True, help="the DuckDB warehouse file")
    p.add_argument(
        "--period",
        required=True,
        help="settlement month YYYY-MM; for forms 19/20/21 also a quarter YYYY-Qn or whole months "
        "YYYY-MM-DD..YYYY-MM-DD",
    )
    p.add_argument("--facility", help="facility code (MACSKCB); default: all facilities (one sheet each)")
    p.add_argument("--out", required=True, help="output file: .xlsx, or .csv (tables and exchange lists)")
    p.add_argument(
        "--layout", choices=LAYOUTS, help=f"form (default for {forms} to .xlsx), portal (7980a) or table"
    )
    p.add_argument("--format", choices=("xlsx", "csv"), help="file format; default from the --out suffix")
    p.add_argument(
        "--setting", choices=tuple(SETTINGS), help="only outpatient or inpatient claims (7980a, 19-21)"
    )
    p.add_argument("--section", choices=SECTIONS, help="only the claims of section A, B or C (7980a, 19-21)")
    p.add_argument("--facility-name", help="the facility's name for the form's header block (one facility)")
    p.set_defaults(func=_cmd_report)
    return p
