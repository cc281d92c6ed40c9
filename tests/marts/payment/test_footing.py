"""Every payment form foots: on every line, every subtotal and the grand total, in whole đồng.

The identities (docs/payment-forms.md "Footing"):

* (1) = (13) + (14) + other sources inside the scope: t_tongchi_bh = t_nguoibenh + t_bhtt + t_nguonkhac_bh;
* the parts of (1) add up to (1): the cost buckets sum to t_tongchi_bh;
* a subtotal is the sum of its lines, a section the sum of its sub-groups, the grand total the sum of the
  sections;
* forms 19/20/21: outpatient + inpatient quantity = total quantity.

The fixture's data holds the cases that broke them before: out-of-scope self-pay (T_BNTT) beside other-source
money, other-source money inside the scope, a drug at TYLE_TT_BH 50 % and half-đồng amounts.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import duckdb
import pytest

BUCKET_COLUMNS = (
    "t_xn", "t_cdha", "t_thuoc", "t_mau", "t_pttt", "t_vtyt", "t_dvkt_tyle", "t_thuoc_tyle", "t_vtyt_tyle",
    "t_kham", "t_giuong", "t_vchuyen", "t_khac",
)  # fmt: skip

PAYERS = ("t_nguoibenh", "t_bhtt", "t_nguonkhac_bh")
SUMMED = ("so_luot", "t_tongchi_bh", *BUCKET_COLUMNS, *PAYERS, "t_bhtt_gdv", "t_nguonkhac", "t_bntt")


def rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def foots(line: dict) -> bool:
    whole = line["t_tongchi_bh"]
    return whole == sum(line[b] for b in BUCKET_COLUMNS) and whole == sum(line[p] for p in PAYERS)


def test_every_7980a_line_foots_and_is_whole_dong(payment_wh):
    con = payment_wh.connect()
    lines = {(r["macskcb"], r["ma_lk"]): r for r in rows(con, "SELECT * FROM payment.report_7980a")}
    con.close()
    assert lines
    for key, line in lines.items():
        assert foots(line), key
        assert all(line[m] == line[m].to_integral_value() for m in SUMMED if m != "so_luot"), key
    # the cases that break a careless form are in the data, and foot
    assert sum(1 for r in lines.values() if r["t_bntt"] > 0 and r["t_nguonkhac"] > 0) > 0
    assert lines[payment_wh.special["other_source_in_scope"]]["t_nguonkhac_bh"] > 0
    assert lines[payment_wh.special["reduced_rate"]]["t_bntt"] > 0


def test_half_dong_parts_round_to_the_rounded_whole(payment_wh):
    """Two buckets of x.5 đ and two payers of x.5 đ: half-up on each part would print one đồng too many."""
    con = payment_wh.connect()
    key = payment_wh.special["half_dong"]
    (exact_total, exact_bncct, exact_bhtt) = con.execute(
        "SELECT t_tongchi_bh, t_bncct, t_bhtt FROM core.xml1 WHERE macskcb = ? AND ma_lk = ?", list(key)
    ).fetchall()[0]
    (line,) = rows(con, "SELECT * FROM payment.report_7980a WHERE macskcb = ? AND ma_lk = ?", list(key))
    con.close()
    assert exact_bncct % 1 == Decimal("0.5") and exact_bhtt % 1 == Decimal("0.5") and exact_total % 1 == 0
    assert line["t_tongchi_bh"] == exact_total
    # the remainders tie: the first part by name (t_bhtt) gets the đồng, t_nguoibenh is rounded down
    assert (line["t_bhtt"], line["t_nguoibenh"]) == (
        exact_bhtt + Decimal("0.5"),
        exact_bncct - Decimal("0.5"),
    )
    assert foots(line)


@pytest.mark.parametrize("form", ["c79a", "c80a"])
def test_settlement_forms_foot_on_every_line_subtotal_and_total(payment_wh, form):
    con = payment_wh.connect()
    printed = rows(con, f"SELECT * FROM payment.{form} ORDER BY macskcb, nam_qt, thang_qt, row_order")  # noqa: S608
    con.close()
    sheets: dict[tuple, list[dict]] = defaultdict(list)
    for p in printed:
        sheets[(p["macskcb"], p["nam_qt"], p["thang_qt"])].append(p)
    assert sheets
    for key, lines in sheets.items():
        group: list[dict] = []
        section: list[dict] = []
        sections: list[dict] = []
        for p in lines:
            kind = p["row_kind"]
            if kind in ("section", "group"):
                continue
            assert foots(p), (form, key, p["dien_giai"] or p["ma_lk"])
            if kind == "claim":
                group.append(p)
            elif kind == "group_total":
                for m in SUMMED:
                    assert p[m] == sum((g[m] for g in group), Decimal(0)), (form, key, p["dien_giai"], m)
                section.append(p)
                group = []
            elif kind == "section_total":
                for m in SUMMED:
                    assert p[m] == sum((g[m] for g in section), Decimal(0)), (form, key, p["dien_giai"], m)
                sections.append(p)
                section = []
            else:
                assert kind == "grand_total"
                for m in SUMMED:
                    assert p[m] == sum((s[m] for s in sections), Decimal(0)), (form, key, m)
        assert lines[-1]["row_kind"] == "grand_total" and len(sections) == 3


@pytest.mark.parametrize("form", ["m19", "m20", "m21"])
def test_item_forms_split_quantities_that_add_up_in_whole_dong(payment_wh, form):
    con = payment_wh.connect()
    lines = rows(con, f"SELECT * FROM payment.{form}")  # noqa: S608
    con.close()
    assert lines
    for line in lines:
        assert line["so_luong_ngoaitru"] + line["so_luong_noitru"] == line["so_luong"]
        assert (line["so_luong_ngoaitru"] == 0) == line["noi_tru"] or line["so_luong"] == 0
        for m in ("thanh_tien_bv", "thanh_tien_bh", "t_nguonkhac", "t_bntt", "t_bncct", "t_bhtt"):
            assert line[m] == line[m].to_integral_value()
