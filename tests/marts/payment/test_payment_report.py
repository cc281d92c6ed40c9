"""Report files: CSV and XLSX written from the warehouse, read back, Vietnamese headers, totals right."""

from __future__ import annotations

import argparse
import csv
import hashlib
from decimal import Decimal

import duckdb
import pytest
from openpyxl import load_workbook

from pipelines.marts.payment import report_layouts
from pipelines.marts.report import (
    ALL_FACILITIES_TOTAL_LABEL,
    FORMS,
    MONEY_FORMAT,
    QUANTITY_FORMAT,
    REPORTS,
    TOTAL_LABEL,
    WHOLE_FORMAT,
    add_report_parser,
    report_spec,
    write_report,
)

VIETNAMESE = set("ạảãáàâấầẩẫậăắằẳẵặđẹẻẽéèêếềểễệịỉĩíìọỏõóòôốồổỗộơớờởỡợụủũúùưứừửữựỵỷỹýỳ")


def period_text(payment_wh) -> str:
    return "{}-{:02d}".format(*payment_wh.period)


def view_rows(payment_wh, name: str, facility: str | None) -> list[dict]:
    spec = REPORTS[name]
    con = payment_wh.connect()
    where, params = "nam_qt = ? AND thang_qt = ?", list(payment_wh.period)
    if facility:
        where += " AND macskcb = ?"
        params.append(facility)
    cur = con.execute(f"SELECT * FROM {spec.view} WHERE {where}", params)  # noqa: S608
    names = [d[0] for d in cur.description]
    out = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    con.close()
    return out


def expected_totals(payment_wh, name: str, facility: str | None) -> dict[str, Decimal]:
    spec = REPORTS[name]
    detail = [
        r
        for r in view_rows(payment_wh, name, facility)
        if not spec.kind_column or r[spec.kind_column] == "claim"
    ]
    return {c.name: sum((r[c.name] for r in detail), Decimal(0)) for c in spec.columns if c.total}


def expected_lines(payment_wh, name: str, facility: str | None) -> int:
    """Rows of the table: the view's rows, or for forms 19/20/21 one per item (the view splits it further)."""
    form = FORMS.get(name)
    if form is None or not form.regroup_keys:
        return len(view_rows(payment_wh, name, facility))
    keys = {tuple(r[k] for k in form.regroup_keys) for r in view_rows(payment_wh, name, facility)}
    return len(keys)


def run_cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bhyt-etl")
    add_report_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


@pytest.mark.parametrize("name", list(REPORTS))
def test_csv_is_utf8_with_bom_vietnamese_headers_and_a_right_totals_row(payment_wh, tmp_path, name):
    spec = REPORTS[name]
    out = tmp_path / f"{name}.csv"
    n = write_report(payment_wh.path, name, period_text(payment_wh), payment_wh.facility, out, layout="table")
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with open(out, encoding="utf-8-sig", newline="") as fh:
        table = list(csv.reader(fh))
    header, body = table[0], table[1:]
    assert header == spec.headers and VIETNAMESE & set("".join(header))
    view = view_rows(payment_wh, name, payment_wh.facility)
    assert n == expected_lines(payment_wh, name, payment_wh.facility) > 0
    index = {c.name: i for i, c in enumerate(spec.columns)}
    totals = expected_totals(payment_wh, name, payment_wh.facility)
    if spec.totals_in_view:  # one facility: its own "Tổng cộng A + B + C" line closes the file
        assert len(body) == n
        last = body[-1]
        assert last[index["dien_giai"]] == "Tổng cộng A + B + C"
    else:
        assert len(body) == n + 1
        last = body[-1]
        assert last[index[spec.label_column]] == TOTAL_LABEL
    for column, value in totals.items():
        assert Decimal(last[index[column]]) == value, column
    # data rows are the view's rows in the report's order, numbers written plainly
    money = next(c.name for c in spec.columns if c.format == "money")
    assert sum(Decimal(r[index[money]] or 0) for r in body[:n]) == sum(r[money] or 0 for r in view)


@pytest.mark.parametrize("name", list(REPORTS))
def test_xlsx_has_title_frozen_vietnamese_headers_formats_and_totals(payment_wh, tmp_path, name):
    spec = REPORTS[name]
    out = tmp_path / f"{name}.xlsx"
    n = write_report(payment_wh.path, name, period_text(payment_wh), payment_wh.facility, out, layout="table")
    ws = load_workbook(out)[spec.name]
    year, month = payment_wh.period
    assert ws["A1"].value == spec.title and ws["A1"].font.b
    assert payment_wh.facility in ws["A2"].value and f"tháng {month:02d} năm {year}" in ws["A2"].value
    assert [c.value for c in ws[4]] == spec.headers
    assert all(c.font.b for c in ws[4])
    assert ws.freeze_panes.endswith("5") and ws.freeze_panes != "A5"
    widths = [ws.column_dimensions[c.column_letter].width for c in ws[4]]
    assert all(w and 4 <= w <= 62 for w in widths)
    data = list(ws.iter_rows(min_row=5, max_row=4 + n))
    for j, col in enumerate(spec.columns):
        cells = [row[j] for row in data if row[j].value is not None]
        if col.format == "money":
            assert cells and all(c.number_format == MONEY_FORMAT for c in cells), col.name
        elif col.format in ("quantity", "price"):
            assert cells and all(c.number_format in (WHOLE_FORMAT, QUANTITY_FORMAT) for c in cells), col.name
            assert all(
                c.number_format == (WHOLE_FORMAT if float(c.value).is_integer() else QUANTITY_FORMAT)
                for c in cells
            )
    index = {c.name: i for i, c in enumerate(spec.columns)}
    totals = expected_totals(payment_wh, name, payment_wh.facility)
    last = list(ws.iter_rows(min_row=ws.max_row, max_row=ws.max_row))[0]
    if spec.totals_in_view:
        assert ws.max_row == 4 + n and last[index["dien_giai"]].value == "Tổng cộng A + B + C"
    else:
        assert ws.max_row == 5 + n and last[index[spec.label_column]].value == TOTAL_LABEL
    assert last[index[spec.label_column]].font.b
    for column, value in totals.items():
        assert Decimal(str(last[index[column]].value)) == value, column


def test_settlement_form_for_all_facilities_ends_with_an_all_facility_total(payment_wh, tmp_path):
    out = tmp_path / "c79a.csv"
    n = write_report(payment_wh.path, "c79a", period_text(payment_wh), None, out, layout="table")
    with open(out, encoding="utf-8-sig", newline="") as fh:
        body = list(csv.reader(fh))[1:]
    spec = REPORTS["c79a"]
    index = {c.name: i for i, c in enumerate(spec.columns)}
    assert len(body) == n + 1
    assert len({r[index["macskcb"]] for r in body[:n]}) > 1
    assert body[-1][index["dien_giai"]] == ALL_FACILITIES_TOTAL_LABEL
    grand = [r for r in body[:n] if r[index["dien_giai"]] == "Tổng cộng A + B + C"]
    for column in ("so_luot", "t_tongchi_bh", "t_bhtt"):
        assert Decimal(body[-1][index[column]]) == sum(Decimal(r[index[column]]) for r in grand)
        assert Decimal(body[-1][index[column]]) == expected_totals(payment_wh, "c79a", None)[column]


def test_a_month_without_claims_gives_headers_and_a_zero_total(payment_wh, tmp_path):
    out = tmp_path / "m20.xlsx"
    assert write_report(payment_wh.path, "m20", "2025-01", None, out, layout="table") == 0
    ws = load_workbook(out).active
    assert [c.value for c in ws[4]] == REPORTS["m20"].headers
    label = REPORTS["m20"].headers.index("Tên thuốc thành phẩm") + 1
    assert ws.max_row == 5 and ws.cell(5, label).value == TOTAL_LABEL


def test_the_warehouse_is_only_read(payment_wh, tmp_path):
    before = hashlib.sha256(payment_wh.path.read_bytes()).hexdigest()
    holder = duckdb.connect(str(payment_wh.path), read_only=True)  # an analyst reading at the same time
    try:
        write_report(payment_wh.path, "7980a", period_text(payment_wh), None, tmp_path / "a.xlsx")
    finally:
        holder.close()
    assert hashlib.sha256(payment_wh.path.read_bytes()).hexdigest() == before


# -- command line --------------------------------------------------------------------------------------


def test_the_reports_are_what_the_payment_views_headers_declare():
    assert REPORTS == {layout.name: layout for layout in report_layouts()}
    assert list(REPORTS) == ["7980a", "c79a", "c80a", "m19", "m20", "m21"]
    c79a = REPORTS["c79a"]
    assert (c79a.view, c79a.kind_column, c79a.label_column, c79a.frozen_columns) == (
        "payment.c79a",
        "row_kind",
        "dien_giai",
        5,
    )
    assert c79a.headers[:4] == ["Nhóm", "Tuyến", "STT", "Diễn giải"] and c79a.headers[-1] == "Mã CSKCB"


@pytest.mark.parametrize(
    "given, name",
    [
        ("7980A", "7980a"),
        ("report_7980a", "7980a"),
        ("payment.c79a", "c79a"),
        ("19", "m19"),
        (" m21 ", "m21"),
    ],
)
def test_a_report_is_named_by_its_name_its_view_or_its_form_number(given, name):
    assert report_spec(given).name == name


def test_cli_writes_the_report(payment_wh, tmp_path, capsys):
    out = tmp_path / "sub" / "m21.xlsx"
    argv = ["report", "m21", "--warehouse", str(payment_wh.path), "--period", period_text(payment_wh)]
    assert run_cli([*argv, "--facility", payment_wh.facility, "--out", str(out)]) == 0
    assert out.is_file() and "m21" in capsys.readouterr().out
    assert not list(out.parent.glob(".*partial"))


@pytest.mark.parametrize(
    "change, expect",
    [
        ({"name": "c99"}, "unknown report 'c99'; valid names: 7980a, c79a, c80a, m19, m20, m21"),
        ({"period": "2026-13"}, "bad period '2026-13'"),
        ({"period": "10/2026"}, "bad period '10/2026'"),
        ({"out": "report.pdf"}, "--out must end in .csv or .xlsx"),
        ({"facility": "1102"}, "bad facility code '1102'"),
        ({"warehouse": "missing.duckdb"}, "does not exist"),
    ],
)
def test_cli_refuses_bad_arguments_in_one_line_with_exit_2(payment_wh, tmp_path, capsys, change, expect):
    args = {
        "name": "m20",
        "warehouse": str(payment_wh.path),
        "period": period_text(payment_wh),
        "facility": payment_wh.facility,
        "out": "report.xlsx",
    } | change
    for key in ("warehouse", "out"):
        if not args[key].startswith("/"):
            args[key] = str(tmp_path / args[key])
    argv = ["report", args["name"], "--warehouse", args["warehouse"], "--period", args["period"]]
    argv += ["--facility", args["facility"], "--out", args["out"]]
    assert run_cli(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("bhyt-etl report: ") and expect in err
    assert not (tmp_path / "report.xlsx").exists()


def test_a_warehouse_without_payment_views_is_a_clear_error(tmp_path, capsys):
    empty = tmp_path / "old.duckdb"
    duckdb.connect(str(empty)).close()
    argv = [
        "report",
        "7980a",
        "--warehouse",
        str(empty),
        "--period",
        "2026-10",
        "--out",
        str(tmp_path / "a.csv"),
    ]
    assert run_cli(argv) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "payment.report_7980a" in err and "bhyt-etl ingest" in err
