"""Payment reports out of the warehouse: CSV or Excel files for accountants (`bhyt-etl report`).

``REPORTS`` maps a report name to its ``payment.*`` view (pipelines/sql/payment/), the columns shown with
their Vietnamese headers and number kinds, and how rows are filtered (settlement month ``nam_qt``/
``thang_qt`` and facility ``macskcb``) and ordered. ``write_report`` opens the warehouse read-only and writes
one report for one settlement month, for one facility or for all:

* ``.xlsx``: a title block (report name, facility, period), Vietnamese headers frozen above the data,
  money as ``#,##0``, quantities and unit prices as ``#,##0.###`` (``#,##0`` when the value is whole, so
  Excel shows no dangling decimal point), column widths from the content, an autofilter, landscape
  fit-to-width printing with the header repeated, and a bold totals row.
* ``.csv``: UTF-8 with a byte-order mark (without it Excel reads UTF-8 as the ANSI code page and garbles
  Vietnamese), comma-separated, one header row of Vietnamese headers, then the rows and the totals row;
  numbers are plain (``1234567.50``, ``.`` as decimal point, no grouping) and times ISO
  (``2026-10-03 08:15``) so that the file stays machine-readable. Accountants who want Excel formatting use
  the ``.xlsx``.

The totals row sums the money columns (and counts) of the detail rows. The C79a/C80a views carry their own
section subtotals and grand total per facility; their files get an extra all-facility total row only when
they span several facilities.

The file is written next to its target and renamed over it, so a failed run never leaves half a report.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

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


@dataclass(frozen=True)
class Column:
    """One shown column: view column, Vietnamese header, kind of value, summed in the totals row or not.

    Kinds: ``text``, ``int`` (counts, numbers shown as is), ``money`` (VND, ``#,##0``), ``quantity`` and
    ``price`` (up to 3 decimals, ``#,##0.###``), ``percent`` (a whole number), ``datetime``.
    """

    name: str
    header: str
    kind: str = "text"
    total: bool = False


@dataclass(frozen=True)
class ReportSpec:
    name: str
    view: str
    title: str
    columns: tuple[Column, ...]
    order_by: tuple[str, ...]
    label_column: str  # where the totals row writes its label
    frozen_columns: int = 1  # columns kept in view when scrolling right
    year_column: str = "nam_qt"
    month_column: str = "thang_qt"
    facility_column: str = "macskcb"
    kind_column: str | None = None  # a view column telling detail rows (value "claim") from printed totals
    totals_in_view: bool = False  # the view has its own subtotal/total rows per facility

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]


def _money(name: str, header: str) -> Column:
    return Column(name, header, "money", total=True)


_BUCKETS = (
    _money("t_xn", "Xét nghiệm"),
    _money("t_cdha", "CĐHA, TDCN"),
    _money("t_thuoc", "Thuốc"),
    _money("t_mau", "Máu"),
    _money("t_pttt", "PTTT"),
    _money("t_vtyt", "VTYT"),
    _money("t_dvkt_tyle", "DVKT tỷ lệ"),
    _money("t_thuoc_tyle", "Thuốc tỷ lệ"),
    _money("t_vtyt_tyle", "VTYT tỷ lệ"),
    _money("t_kham", "Tiền khám"),
    _money("t_giuong", "Tiền giường"),
    _money("t_vchuyen", "Vận chuyển"),
)

_7980A = ReportSpec(
    name="7980a",
    view="payment.report_7980a",
    title="Hồ sơ 79a/80a: danh sách người bệnh KCB BHYT đề nghị thanh toán",
    order_by=("macskcb", "stt"),
    label_column="ho_ten",
    frozen_columns=4,
    columns=(
        Column("stt", "STT", "int"),
        Column("ma_lk", "Mã liên kết"),
        Column("ma_bn", "Mã người bệnh"),
        Column("ho_ten", "Họ và tên"),
        Column("ngay_sinh", "Ngày sinh"),
        Column("gioi_tinh", "Giới tính"),
        Column("dia_chi", "Địa chỉ"),
        Column("ma_the_bhyt", "Mã thẻ BHYT"),
        Column("ma_dkbd", "Mã ĐKBĐ"),
        Column("gt_the_tu", "Giá trị thẻ từ"),
        Column("gt_the_den", "Giá trị thẻ đến"),
        Column("ma_benh_chinh", "Mã bệnh chính"),
        Column("ma_benh_kt", "Mã bệnh kèm theo"),
        Column("ma_lydo_vvien", "Lý do vào viện"),
        Column("ma_noi_di", "Mã nơi chuyển"),
        Column("ngay_vao", "Ngày vào", "datetime"),
        Column("ngay_ra", "Ngày ra", "datetime"),
        Column("so_ngay_dtri", "Số ngày điều trị", "int"),
        Column("ket_qua_dtri", "Kết quả điều trị"),
        Column("ma_loai_rv", "Tình trạng ra viện"),
        _money("t_tongchi_bh", "Tổng chi phí BHYT"),
        *_BUCKETS,
        _money("t_nguoibenh", "Người bệnh trả"),
        _money("t_bhtt", "Đề nghị BHXH thanh toán"),
        _money("t_bhtt_gdv", "Ngoài định suất"),
        Column("ma_khoa", "Mã khoa"),
        Column("nam_qt", "Năm quyết toán", "int"),
        Column("thang_qt", "Tháng quyết toán", "int"),
        Column("ma_khuvuc", "Mã khu vực"),
        Column("ma_loai_kcb", "Mã loại KCB"),
        Column("ma_cskcb", "Mã CSKCB"),
        _money("t_nguonkhac", "Nguồn khác chi trả"),
        _money("t_khac", "Chi phí khác"),
        Column("ma_doituong_kcb", "Mã đối tượng KCB"),
    ),
)


def _settlement_form(name: str, title: str) -> ReportSpec:
    return ReportSpec(
        name=name,
        view=f"payment.{name}",
        title=title,
        order_by=("macskcb", "row_order"),
        label_column="dien_giai",
        frozen_columns=5,
        kind_column="row_kind",
        totals_in_view=True,
        columns=(
            Column("phan_nhom", "Nhóm"),
            Column("stt", "STT", "int"),
            Column("dien_giai", "Diễn giải"),
            Column("ma_lk", "Mã liên kết"),
            Column("ho_ten", "Họ và tên"),
            Column("ngay_sinh", "Ngày sinh"),
            Column("gioi_tinh", "Giới tính"),
            Column("ma_the_bhyt", "Mã thẻ BHYT"),
            Column("ma_dkbd", "Mã ĐKBĐ"),
            Column("ma_benh_chinh", "Mã bệnh chính"),
            Column("ma_benh_kt", "Mã bệnh kèm theo"),
            Column("ma_lydo_vvien", "Lý do vào viện"),
            Column("ngay_vao", "Ngày vào", "datetime"),
            Column("ngay_ra", "Ngày ra", "datetime"),
            Column("so_ngay_dtri", "Số ngày điều trị", "int"),
            Column("so_luot", "Số lượt", "int", total=True),
            _money("t_tongchi_bh", "Tổng chi phí BHYT"),
            *_BUCKETS,
            _money("t_khac", "Chi phí khác"),
            _money("t_nguoibenh", "Người bệnh trả"),
            _money("t_bhtt", "Đề nghị BHXH thanh toán"),
            _money("t_bhtt_gdv", "Ngoài định suất"),
            _money("t_nguonkhac", "Nguồn khác chi trả"),
            Column("ma_khoa", "Mã khoa"),
            Column("ma_doituong_kcb", "Mã đối tượng KCB"),
            Column("macskcb", "Mã CSKCB"),
        ),
    )


_AMOUNTS = (
    Column("so_luong_ngoaitru", "Số lượng ngoại trú", "quantity"),
    Column("so_luong_noitru", "Số lượng nội trú", "quantity"),
    Column("so_luong", "Tổng số lượng", "quantity"),
    _money("thanh_tien_bv", "Thành tiền BV"),
    _money("thanh_tien_bh", "Thành tiền BHYT"),
    _money("t_nguonkhac", "Nguồn khác chi trả"),
    _money("t_bntt", "Người bệnh tự trả"),
    _money("t_bncct", "Người bệnh cùng chi trả"),
    _money("t_bhtt", "Đề nghị BHXH thanh toán"),
    Column("ma_nhom", "Mã nhóm"),
    Column("macskcb", "Mã CSKCB"),
)


def _item_form(
    name: str, title: str, code: Column, item_name: Column, middle: Sequence[Column]
) -> ReportSpec:
    return ReportSpec(
        name=name,
        view=f"payment.{name}",
        title=title,
        order_by=("macskcb", "stt"),
        label_column=item_name.name,
        frozen_columns=3,
        columns=(Column("stt", "STT", "int"), code, item_name, *middle, *_AMOUNTS),
    )


_XML3_PRICES = (
    Column("don_vi_tinh", "Đơn vị tính"),
    Column("don_gia_bv", "Đơn giá BV", "price"),
    Column("don_gia_bh", "Đơn giá BHYT", "price"),
    Column("tyle_tt_dv", "Tỷ lệ thanh toán DV (%)", "percent"),
)

REPORTS: dict[str, ReportSpec] = {
    spec.name: spec
    for spec in (
        _7980A,
        _settlement_form(
            "c79a", "Mẫu C79a-HD: danh sách người bệnh BHYT khám, chữa bệnh ngoại trú đề nghị thanh toán"
        ),
        _settlement_form(
            "c80a", "Mẫu C80a-HD: danh sách người bệnh BHYT điều trị nội trú đề nghị thanh toán"
        ),
        _item_form(
            "m19",
            "Mẫu 19/BHYT: thống kê vật tư y tế thanh toán BHYT",
            Column("ma_vat_tu", "Mã vật tư"),
            Column("ten_vat_tu", "Tên vật tư"),
            _XML3_PRICES,
        ),
        _item_form(
            "m20",
            "Mẫu 20/BHYT: thống kê thuốc thanh toán BHYT",
            Column("ma_thuoc", "Mã thuốc"),
            Column("ten_thuoc", "Tên thuốc"),
            (
                Column("ham_luong", "Hàm lượng"),
                Column("duong_dung", "Đường dùng"),
                Column("so_dang_ky", "Số đăng ký"),
                Column("don_vi_tinh", "Đơn vị tính"),
                Column("don_gia", "Đơn giá", "price"),
            ),
        ),
        _item_form(
            "m21",
            "Mẫu 21/BHYT: thống kê dịch vụ kỹ thuật thanh toán BHYT",
            Column("ma_dich_vu", "Mã dịch vụ"),
            Column("ten_dich_vu", "Tên dịch vụ"),
            _XML3_PRICES,
        ),
    )
}

_ALIASES = {"report_7980a": "7980a", "19": "m19", "20": "m20", "21": "m21"}
_PERIOD = re.compile(r"^(\d{4})-(\d{2})$")
_FACILITY = re.compile(r"^[0-9A-Za-z]{5}$")


def report_spec(name: str) -> ReportSpec:
    """The report called ``name`` (case-insensitive; ``19``/``20``/``21`` and view names also accepted)."""
    key = name.strip().lower().removeprefix("payment.")
    key = _ALIASES.get(key, key)
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
    con: duckdb.DuckDBPyConnection, spec: ReportSpec, year: int, month: int, facility: str | None
) -> tuple[list[str], list[tuple]]:
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


def _totals(spec: ReportSpec, names: list[str], rows: list[tuple]) -> list[Any] | None:
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
                sum((r[i] for r in detail if r[i] is not None), Decimal(0) if col.kind == "money" else 0)
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


def _write_csv(path: Path, spec: ReportSpec, rows: list[list[Any]], totals: list[Any] | None) -> None:
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
    if kind in ("int", "percent"):
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
    return get_column_letter(index)


def _write_xlsx(
    path: Path,
    spec: ReportSpec,
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
        content = max((_display_width(col.kind, r[i]) for r in rows[:2000]), default=0)
        if totals is not None:
            content = max(content, _display_width(col.kind, totals[i]))
        header_need = max(len(w) for w in col.header.split()) if col.header else 0
        header_need = max(header_need, (len(col.header) + 1) // 2)
        width = min(max(content, header_need, 4) + 2, 60)
        ws.column_dimensions[_column_letter(i + 1)].width = width
        header_lines = max(header_lines, _wrapped_lines(col.header, width - 2))
    ws.freeze_panes = f"{_column_letter(spec.frozen_columns + 1)}{first_data}"
    ws.auto_filter.ref = f"A{header_row}:{_column_letter(ncols)}{max(header_row, last_row)}"
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True

    bold = Font(bold=True)
    thin = Side(style="thin")
    header_fill = PatternFill("solid", fgColor="DDEBF7")

    def cell(value: Any, kind: str | None = None, *, font: Font | None = None) -> WriteOnlyCell:
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
        h = WriteOnlyCell(ws, value=col.header)
        h.font = bold
        h.fill = header_fill
        h.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        h.border = Border(top=thin, bottom=thin, left=thin, right=thin)
        headers.append(h)
    ws.append(headers)
    for row, kind in zip(rows, kinds, strict=True):
        font = bold if kind not in (None, "claim") else None
        ws.append([cell(v, c.kind, font=font) for v, c in zip(row, spec.columns, strict=True)])
    if totals is not None:
        cells = []
        for v, c in zip(totals, spec.columns, strict=True):
            t = cell(v, c.kind, font=bold)
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


def add_report_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register ``report NAME --warehouse FILE --period YYYY-MM [--facility CODE] --out FILE.csv|.xlsx``."""
    p = subparsers.add_parser(
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
