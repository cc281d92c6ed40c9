"""The forms as written: each workbook is opened and checked on the sheet itself.

Merged header cells, the row of column codes, print settings (A4 landscape, fitted to the width, header
rows repeated), one sheet per facility, and the sums: on every printed line the parts of (1) add up to (1)
and (1) = patient co-payment + social insurance + other sources inside the scope, every subtotal is the sum
of the lines above it up to its heading, every total the sum of its subtotals, the amount in words is the
grand total.
"""

from __future__ import annotations

import csv
import re
from datetime import datetime

import pytest
from openpyxl import load_workbook

from pipelines.marts.forms import amount_in_words
from pipelines.marts.formwriter import PAPER_A4
from pipelines.marts.report import FORMS, PORTALS, ReportError, write_report

# The identities of the settlement forms by column code, written out again here on purpose:
# (whole, parts that add up to it, payers that add up to it)
IDENTITIES = {
    "c79a": ("(1)", [f"({i})" for i in range(2, 13)] + ["(17)", "(18)"], ["(13)", "(14)", "(16)"]),
    "c80a": ("(1)", [f"({i})" for i in range(2, 14)] + ["(18)"], ["(14)", "(15)", "(17)"]),
}
# the money columns of forms 19/20/21 (quantities of different items are not added up)
ITEM_SUMS = {"m19": ["(6)", "(7)", "(8)"], "m20": ["(5)", "(6)", "(7)"], "m21": ["(6)", "(7)", "(8)"]}


def period_text(payment_wh) -> str:
    return "{}-{:02d}".format(*payment_wh.period)


def code_row(ws) -> int:
    for row in ws.iter_rows(min_row=1, max_row=20):
        if row[0].value == "A" and row[1].value == "B":
            return row[0].row
    raise AssertionError("no row of column codes")


def sheet_lines(ws, codes: dict[str, int], first: int) -> list[tuple[str, str | None, dict[str, float]]]:
    """(kind, label, values by code) of the printed lines below the code row, up to the blank line."""
    lines = []
    for row in ws.iter_rows(min_row=first):
        values = [c.value for c in row]
        if all(v is None for v in values):
            break
        head = values[0]
        numbers = {code: values[i] or 0 for code, i in codes.items() if isinstance(values[i], (int, float))}
        if isinstance(head, int):
            lines.append(("line", None, numbers))
        elif isinstance(head, str) and (head.startswith("Cộng") or head.startswith("Tổng cộng")):
            lines.append(("total", head, numbers))
        else:
            lines.append(("heading", head, {}))
    return lines


@pytest.mark.parametrize("name", ["c79a", "c80a", "m19", "m20", "m21"])
def test_each_form_renders_as_the_form_and_foots_on_the_sheet(payment_wh, tmp_path, name):
    form = FORMS[name]
    out = tmp_path / f"{name}.xlsx"
    written = write_report(payment_wh.path, name, period_text(payment_wh), None, out)  # the default: the form
    assert written > 0
    wb = load_workbook(out)
    con = payment_wh.connect()
    view = (
        "c79a_c80a WHERE noi_tru = " + ("true" if name == "c80a" else "false")
        if name.startswith("c")
        else name
    )
    facilities = sorted(
        r[0]
        for r in con.execute(
            f"SELECT DISTINCT macskcb FROM payment.{view} {'AND' if 'WHERE' in view else 'WHERE'} "  # noqa: S608
            "nam_qt = ? AND thang_qt = ?",
            list(payment_wh.period),
        ).fetchall()
    )
    con.close()
    assert wb.sheetnames == facilities and len(facilities) > 1  # one sheet per facility
    for ws in wb.worksheets:
        # header block
        assert ws["A1"].value.startswith("Tên cơ sở KCB") and ws["A2"].value == f"Mã cơ sở KCB: {ws.title}"
        right = [c.value for c in ws[1] if c.value and str(c.value).startswith("Mẫu số")]
        assert right == [f"Mẫu số: {form.form_code}"]
        assert any(form.issued_under == c.value for c in ws[2])
        assert ws["A4"].value == form.title and ws["A5"].value.startswith("Tháng")
        assert any(c.value == "Đơn vị: đồng" for c in ws[7])
        # merged multi-level header and the code row
        row = code_row(ws)
        codes_printed = [c.value for c in ws[row]]
        assert codes_printed == [c.code for c in form.printed]
        codes = {code: i for i, code in enumerate(codes_printed)}
        merged = {str(m) for m in ws.merged_cells.ranges}
        first_header = row - form.depth
        assert f"A{first_header}:A{row - 1}" in merged  # STT spans every header row
        if name.startswith("c"):
            letter = {code: ws.cell(row, i + 1).column_letter for code, i in codes.items()}
            assert ws[f"{letter['C']}{first_header}"].value == "Năm sinh"
            assert f"{letter['C']}{first_header}:{letter['D']}{first_header}" in merged
            last_cost = "(12)" if name == "c79a" else "(13)"
            assert ws[f"{letter['(1)']}{first_header}"].value == "Tổng chi phí khám, chữa bệnh BHYT"
            assert f"{letter['(1)']}{first_header}:{letter[last_cost]}{first_header}" in merged
            assert ws[f"{letter['(2)']}{first_header + 1}"].value == "Không áp dụng tỷ lệ thanh toán"
            assert f"{letter['(2)']}{first_header + 1}:{letter['(7)']}{first_header + 1}" in merged
            assert ws[f"{letter['(8)']}{first_header + 1}"].value == "Thanh toán theo tỷ lệ"
        else:
            letter = {code: ws.cell(row, i + 1).column_letter for code, i in codes.items()}
            assert ws[f"{letter['(1)']}{first_header}"].value == "Số lượng"
            assert f"{letter['(1)']}{first_header}:{letter['(2)']}{first_header}" in merged
        # print settings
        assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == PAPER_A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
        assert ws.print_title_rows == f"${first_header}:${row}"
        # the sums, on the sheet
        lines = sheet_lines(ws, codes, row + 1)
        assert lines[-1][0] == "total" and lines[-1][1].startswith("Tổng cộng")
        if name.startswith("c"):
            _check_settlement_sheet(name, lines)
            words_code = "(14)" if name == "c79a" else "(15)"
        else:
            _check_item_sheet(name, lines)
            words_code = {"m19": "(8)", "m20": "(7)", "m21": "(8)"}[name]
        grand = lines[-1][2]
        words_row = [c.value for c in ws[row + len(lines) + 2] if c.value]
        assert words_row == [f"{form.words_label}: {amount_in_words(int(grand[words_code]))}"]
        tail = [c.value for r in ws.iter_rows(min_row=row + len(lines) + 3) for c in r if c.value]
        assert any("ngày ..... tháng" in v for v in tail) and {s[0] for s in form.signatures} <= set(tail)


def _check_settlement_sheet(name: str, lines: list) -> None:
    whole, parts, payers = IDENTITIES[name]
    claims = 0
    for kind, label, values in lines:
        if kind == "heading":
            continue
        claims += kind == "line"
        assert values[whole] == sum(values.get(p, 0) for p in parts), (name, label)
        assert values[whole] == sum(values.get(p, 0) for p in payers), (name, label)
    assert claims > 0
    summed = [c for c in {whole, *parts, *payers}]
    group: list[dict] = []
    section: list[dict] = []
    sections: list[dict] = []
    for kind, label, values in lines:
        if kind == "line":
            group.append(values)
        elif kind == "total" and re.match(r"Cộng [ABC]\.I", label):
            for c in summed:
                assert values.get(c, 0) == sum(v.get(c, 0) for v in group), (label, c)
            section.append(values)
            group = []
        elif kind == "total" and re.match(r"Cộng [ABC] ", label):
            for c in summed:
                assert values.get(c, 0) == sum(v.get(c, 0) for v in section), (label, c)
            sections.append(values)
            section = []
        elif kind == "total":
            assert len(sections) == 3
            for c in summed:
                assert values.get(c, 0) == sum(v.get(c, 0) for v in sections), (label, c)


def _check_item_sheet(name: str, lines: list) -> None:
    items: list[dict] = []
    groups: list[dict] = []
    for kind, label, values in lines:
        if kind == "heading":
            assert label.startswith("Nhóm ")
            items = []
        elif kind == "line":
            items.append(values)
        elif label.startswith("Cộng nhóm"):
            assert items and values.get("(1)") is None  # no sum of quantities
            for c in ITEM_SUMS[name]:
                assert values.get(c, 0) == pytest.approx(sum(v.get(c, 0) for v in items)), (label, c)
            groups.append(values)
        else:
            for c in ITEM_SUMS[name]:
                assert values.get(c, 0) == pytest.approx(sum(v.get(c, 0) for v in groups)), (label, c)
    assert groups


def test_a_quarter_of_form_20_adds_the_months_and_filters_the_setting(payment_wh, tmp_path):
    year = payment_wh.period[0]
    quarter = (payment_wh.period[1] - 1) // 3 + 1
    out = tmp_path / "m20.xlsx"
    write_report(payment_wh.path, "m20", f"{year}-Q{quarter}", payment_wh.facility, out, setting="noi-tru")
    ws = load_workbook(out).active
    assert (
        ws["A5"].value.startswith(f"Quý {'I II III IV'.split()[quarter - 1]} năm {year}")
        and "Nội trú" in ws["A5"].value
    )
    row = code_row(ws)
    codes = {c.value: i for i, c in enumerate(ws[row])}
    lines = sheet_lines(ws, codes, row + 1)
    assert all(v.get("(1)", 0) == 0 for k, _, v in lines if k == "line")  # no outpatient quantity
    assert any(v.get("(2)", 0) > 0 for k, _, v in lines if k == "line")
    con = payment_wh.connect()
    (expected,) = con.execute(
        "SELECT sum(thanh_tien_bv) FROM payment.m20 WHERE macskcb = ? AND noi_tru AND nam_qt = ? "
        "AND thang_qt BETWEEN ? AND ?",
        [payment_wh.facility, year, 3 * quarter - 2, 3 * quarter],
    ).fetchall()[0]
    con.close()
    assert lines[-1][2]["(5)"] == expected > 0


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_7980a_exchange_list_has_the_tags_on_row_1_and_dates_as_text(payment_wh, tmp_path, suffix):
    portal = PORTALS["7980a"]
    out = tmp_path / f"7980a.{suffix}"
    n = write_report(
        payment_wh.path, "7980a", period_text(payment_wh), None, out, layout="portal", fmt=suffix
    )
    if suffix == "csv":
        raw = out.read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf")
        with open(out, encoding="utf-8", newline="") as fh:
            table = list(csv.reader(fh))
    else:
        ws = load_workbook(out).active
        table = [[c.value for c in row] for row in ws.iter_rows()]
        ngay_vao = [c for c in next(ws.iter_cols(min_col=16, max_col=16, min_row=2))]
        assert all(c.data_type == "s" for c in ngay_vao)
    tags, body = table[0], table[1:]
    assert tags == [c.tag for c in portal.columns] and len(body) == n > 0
    index = {t: i for i, t in enumerate(tags)}
    con = payment_wh.connect()
    view = {
        r[0]: r[1:]
        for r in con.execute(
            "SELECT ma_lk, ngay_vao, t_khac, t_nguonkhac_bh FROM payment.report_7980a "
            "WHERE nam_qt = ? AND thang_qt = ?",
            list(payment_wh.period),
        ).fetchall()
    }
    con.close()
    buckets = [
        "T_XN",
        "T_CDHA",
        "T_THUOC",
        "T_MAU",
        "T_PTTT",
        "T_VTYT",
        "T_DVKT_TYLE",
        "T_THUOC_TYLE",
        "T_VTYT_TYLE",
        "T_KHAM",
        "T_GIUONG",
        "T_VCHUYEN",
    ]
    for r in body:
        ngay_vao, t_khac, nk_bh = view[str(r[index["MA_LK"]])]
        assert str(r[index["NGAY_VAO"]]) == ngay_vao.strftime("%Y%m%d%H%M") and re.fullmatch(
            r"\d{12}", str(r[index["NGAY_RA"]])
        )
        assert str(r[index["MA_LYDO_VVIEN"]]) in {"1", "2", "3", "4"}
        total = int(r[index["T_TONGCHI"]])
        # MA_NHOM 19 has no 7980a column: the exchanged buckets miss exactly the view's t_khac
        assert total == sum(int(r[index[b]]) for b in buckets) + t_khac
        assert total == int(r[index["T_BNTT"]]) + int(r[index["T_BHTT"]]) + nk_bh


def test_layout_and_period_mistakes_are_one_line_errors(payment_wh, tmp_path):
    cases = [
        (dict(name="7980a", layout="form"), "has no printed form"),
        (dict(name="c79a", layout="portal"), "has no exchange layout"),
        (dict(name="c79a", out="c.csv", layout="form"), "a form is printed from Excel"),
        (dict(name="c79a", period="2026-Q4"), "settled month by month"),
        (dict(name="m20", period="2026-10-05..2026-12-31"), "first day of a month"),
        (dict(name="c79a", setting="noi-tru"), "--setting does not apply to report c79a"),
        (dict(name="m20", out="m.csv", fmt="xlsx"), "--format xlsx but --out m.csv"),
    ]
    for change, message in cases:
        args = {"name": "m20", "period": period_text(payment_wh), "out": "r.xlsx"} | change
        with pytest.raises(ReportError, match=re.escape(message)):
            write_report(
                payment_wh.path,
                args["name"],
                args["period"],
                None,
                tmp_path / args["out"],
                layout=args.get("layout"),
                fmt=args.get("fmt"),
                setting=args.get("setting"),
            )
    assert not list(tmp_path.iterdir())


def test_a_csv_without_a_layout_is_the_table_as_before(payment_wh, tmp_path):
    """The command line's contract (`--out FILE.csv|FILE.xlsx`) holds: a CSV of C79a is its table."""
    out = tmp_path / "c79a.csv"
    n = write_report(payment_wh.path, "c79a", period_text(payment_wh), payment_wh.facility, out)
    with open(out, encoding="utf-8-sig", newline="") as fh:
        table = list(csv.reader(fh))
    assert table[0][:4] == ["Nhóm", "Tuyến", "STT", "Diễn giải"] and len(table) - 1 == n


def test_periods_read_as_the_forms_name_them():
    from pipelines.marts.report import parse_period

    assert parse_period("2026-10").months == ((2026, 10),)
    assert parse_period("2026-Q4").label == "Quý IV năm 2026" and parse_period("2026-q1").months[-1] == (
        2026,
        3,
    )
    whole = parse_period("2025-11-01..2026-02-28")
    assert whole.months == ((2025, 11), (2025, 12), (2026, 1), (2026, 2))
    assert whole.label == "Từ ngày 01/11/2025 đến ngày 28/02/2026"
    with pytest.raises(ReportError):
        parse_period("2026-Q5")


def test_settlement_form_of_one_facility_without_claims_is_an_empty_form(payment_wh, tmp_path):
    out = tmp_path / "c80a.xlsx"
    assert (
        write_report(
            payment_wh.path, "c80a", "2025-01", payment_wh.facility, out, facility_name="Bệnh viện X"
        )
        == 0
    )
    ws = load_workbook(out).active
    assert ws.title == payment_wh.facility and ws["A1"].value == "Tên cơ sở KCB: Bệnh viện X"
    row = code_row(ws)
    assert ws.cell(row + 1, 1).value.startswith("Tổng cộng A + B + C")
    assert any(c.value and "Không đồng" in str(c.value) for c in ws[row + 3])


def test_dates_on_the_forms_are_dates(payment_wh, tmp_path):
    out = tmp_path / "c80a.xlsx"
    write_report(payment_wh.path, "c80a", period_text(payment_wh), payment_wh.facility, out)
    ws = load_workbook(out).active
    row = code_row(ws)
    codes = {c.value: i for i, c in enumerate(ws[row])}
    claim_rows = [r for r in ws.iter_rows(min_row=row + 1) if isinstance(r[0].value, int)]
    assert claim_rows
    for r in claim_rows:
        assert isinstance(r[codes["I"]].value, datetime) and r[codes["I"]].number_format == "dd/mm/yyyy"
        assert isinstance(r[codes["C"]].value or r[codes["D"]].value, int)  # the birth year under Nam or Nữ
