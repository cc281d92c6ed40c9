"""Reports run on the analytics copy are for publication: forms 19/20/21 print no row counting fewer than k
claims (small cells merged into a ``*`` row, totals exact), the per-claim lists are refused; on the full
warehouse nothing changes."""

from __future__ import annotations

import argparse
import csv
from decimal import Decimal

import duckdb
import pytest

from pipelines.marts import COPIED_TABLES, derived_builders
from pipelines.marts.report import (
    CLAIM_COUNT,
    FORMS,
    REPORTS,
    SMALL_CELLS_LABEL,
    Selection,
    add_report_parser,
    analytics_k,
    fetch_rows,
    parse_period,
    write_report,
)
from pipelines.warehouse.analytics import build_analytics
from pipelines.warehouse.identity import privacy_setting, pseudonym_key

ITEM_FORMS = ["m19", "m20", "m21"]
CLAIM_LISTS = ["c79a", "c80a", "7980a"]
MONEY = ("thanh_tien_bv", "thanh_tien_bh", "t_nguonkhac", "t_bntt", "t_bncct", "t_bhtt")


@pytest.fixture(scope="module")
def copy(payment_wh, tmp_path_factory):
    """The analytics copy (identity.toml's profile and k) of the edited payment warehouse."""
    target = tmp_path_factory.mktemp("copy") / "warehouse-analytics.duckdb"
    build_analytics(
        payment_wh.path,
        target,
        key=pseudonym_key(None, payment_wh.root / "lake"),
        run_id="small-cells-test",
        derived=derived_builders(),
        copied=COPIED_TABLES,
    )
    return target


def period_text(payment_wh) -> str:
    return "{}-{:02d}".format(*payment_wh.period)


def run_cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bhyt-etl")
    add_report_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


def view_rows(payment_wh, name: str) -> list[dict]:
    """The view's rows of the fixture's month on the full warehouse, as they are (not suppressed)."""
    con = payment_wh.connect()
    cur = con.execute(
        f"SELECT * FROM {REPORTS[name].view} WHERE nam_qt = ? AND thang_qt = ?",  # noqa: S608
        list(payment_wh.period),
    )
    names = [d[0] for d in cur.description]
    out = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    con.close()
    return out


def _rows(path, name: str, period: str, k: int | None) -> list[dict]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return fetch_rows(con, REPORTS[name], Selection(parse_period(period)), FORMS[name], k=k)
    finally:
        con.close()


def _sums(rows: list[dict]) -> dict[str, Decimal]:
    return {c: sum((r[c] for r in rows), Decimal(0)) for c in (*MONEY, "so_luong", CLAIM_COUNT)}


def test_the_copy_is_known_by_ops_privacy_and_the_full_warehouse_is_not(payment_wh, copy):
    for path, expected in ((payment_wh.path, None), (copy, privacy_setting()[1])):
        con = duckdb.connect(str(path), read_only=True)
        try:
            assert analytics_k(con) == expected
        finally:
            con.close()


@pytest.mark.parametrize("name", ITEM_FORMS)
@pytest.mark.parametrize("k", [2, None])  # 2: some items kept, some merged; None: identity.toml's k
def test_every_published_row_counts_k_claims_or_is_a_merged_row_and_the_totals_are_exact(
    payment_wh, copy, name, k
):
    k = k or privacy_setting()[1]
    period = period_text(payment_wh)
    plain = _rows(copy, name, period, None)
    published = _rows(copy, name, period, k)
    label = REPORTS[name].label_column
    assert published and any(r[CLAIM_COUNT] < k for r in plain)  # the fixture has small cells to merge
    for r in published:
        merged = r["ma_nhom"] == "*"
        assert r[CLAIM_COUNT] >= k or r[REPORTS[name].facility_column] == "*", r
        assert merged == (r[label] == SMALL_CELLS_LABEL.format(k=k))
        assert r["so_luong_ngoaitru"] + r["so_luong_noitru"] == r["so_luong"]  # the form's identity holds
    assert any(r["ma_nhom"] == "*" for r in published)
    assert _sums(published) == _sums(plain)
    item = ["macskcb", *FORMS[name].regroup_keys]
    kept = [tuple(r[c] for c in item) for r in published if r["ma_nhom"] != "*"]
    assert kept == [tuple(r[c] for c in item) for r in plain if r[CLAIM_COUNT] >= k]  # same rows, same order
    if k == 2 and name != "m19":  # the fixture's supplies are each on one claim only
        assert kept
    for facility in {r["macskcb"] for r in published}:  # stt numbered again per facility, merged row last
        lines = [r for r in published if r["macskcb"] == facility]
        assert [r["stt"] for r in lines] == list(range(1, len(lines) + 1))
        assert [r["ma_nhom"] == "*" for r in lines] == sorted(r["ma_nhom"] == "*" for r in lines)


def test_m20_from_the_copy_has_the_full_warehouses_totals_and_no_small_row(payment_wh, copy, tmp_path):
    k = privacy_setting()[1]
    period = period_text(payment_wh)
    out = tmp_path / "m20.csv"
    assert run_cli(["report", "m20", "--warehouse", str(copy), "--period", period, "--out", str(out)]) == 0
    with open(out, encoding="utf-8-sig", newline="") as fh:
        lines = list(csv.reader(fh))
    header, body, totals = lines[0], lines[1:-1], lines[-1]
    spec = REPORTS["m20"]
    assert any(SMALL_CELLS_LABEL.format(k=k) in line for line in body)
    assert not any(r[CLAIM_COUNT] < k for r in _rows(copy, "m20", period, k) if r["macskcb"] != "*")
    full = {
        c.name: sum((r[c.name] for r in view_rows(payment_wh, "m20")), Decimal(0))
        for c in spec.columns
        if c.total
    }
    for col in spec.columns:
        if col.total:  # the full warehouse's totals, not suppressed
            i = header.index(col.title)
            assert Decimal(totals[i]) == full[col.name], col.name
            assert sum(Decimal(line[i]) for line in body) == full[col.name], col.name


def test_the_form_from_the_copy_foots_per_facility(payment_wh, copy, tmp_path):
    out = tmp_path / "m20.xlsx"
    write_report(copy, "m20", period_text(payment_wh), None, out)
    plain = _rows(copy, "m20", period_text(payment_wh), None)
    published = _rows(copy, "m20", period_text(payment_wh), privacy_setting()[1])
    facilities = {r["macskcb"] for r in published}
    if "*" not in facilities:  # every facility's small cells reach k: each sheet keeps its own total
        for facility in facilities:
            assert _sums([r for r in published if r["macskcb"] == facility]) == _sums(
                [r for r in plain if r["macskcb"] == facility]
            )
    assert out.is_file()


@pytest.mark.parametrize("name", CLAIM_LISTS)
def test_a_per_claim_list_on_the_copy_is_refused_with_exit_2(payment_wh, copy, tmp_path, capsys, name):
    out = tmp_path / f"{name}.xlsx"
    argv = ["report", name, "--warehouse", str(copy), "--period", period_text(payment_wh), "--out", str(out)]
    assert run_cli(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("bhyt-etl report: ")
    assert f"report {name} lists claims one by one" in err and "analytics copy" in err
    assert "aggregates only" in err
    assert not out.exists()


@pytest.mark.parametrize("name", [*ITEM_FORMS, *CLAIM_LISTS])
def test_on_the_full_warehouse_nothing_is_merged_or_refused(payment_wh, tmp_path, name):
    out = tmp_path / f"{name}.csv"
    n = write_report(payment_wh.path, name, period_text(payment_wh), None, out, layout="table")
    form = FORMS.get(name)
    view = view_rows(payment_wh, name)
    lines = (
        len({(r["macskcb"], *(r[c] for c in form.regroup_keys)) for r in view})
        if form and form.regroup_keys
        else len(view)
    )
    assert n == lines
    text = out.read_text(encoding="utf-8-sig")
    assert SMALL_CELLS_LABEL.split("{")[0] not in text


@pytest.mark.parametrize("name", ITEM_FORMS)
def test_filters_and_quarters_on_the_copy_keep_the_totals(payment_wh, copy, tmp_path, name):
    k = privacy_setting()[1]
    year, _ = payment_wh.period
    selection = Selection(parse_period(f"{year}-Q4"), payment_wh.facility, "ngoai-tru")
    con = duckdb.connect(str(copy), read_only=True)
    try:
        plain = fetch_rows(con, REPORTS[name], selection, FORMS[name])
        published = fetch_rows(con, REPORTS[name], selection, FORMS[name], k=k)
    finally:
        con.close()
    assert plain or name == "m19"  # the facility's outpatients used no supply in the fixture
    assert _sums(published) == _sums(plain)
    assert all(r[CLAIM_COUNT] >= k or "*" in (r["ma_nhom"], r["macskcb"]) for r in published)
    out = tmp_path / f"{name}.xlsx"
    argv = ["report", name, "--warehouse", str(copy), "--period", f"{year}-Q4", "--out", str(out)]
    assert run_cli([*argv, "--facility", payment_wh.facility, "--setting", "ngoai-tru"]) == 0
    assert out.is_file()
