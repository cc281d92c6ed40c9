"""The payment views add up to the accepted source lines, leave withdrawn claims out, and are documented."""

from __future__ import annotations

import csv
import re
import shutil
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

import duckdb
import pytest

from pipelines.common.paths import catalog_dir
from pipelines.common.sqlheader import SqlFileError, parse_text
from pipelines.marts.payment import SQL_DIR, create_payment_objects, payment_objects, sql_literal
from pipelines.warehouse import dictionary
from pipelines.warehouse.sqlfiles import create

# The documented MA_NHOM → 7980a bucket mapping, written out again here on purpose.
BUCKETS = {
    "t_xn": {1},
    "t_cdha": {2, 3},
    "t_thuoc": {4},
    "t_mau": {7, 17},
    "t_pttt": {8, 18},
    "t_vtyt": {10},
    "t_dvkt_tyle": {9},
    "t_thuoc_tyle": {5, 6},
    "t_vtyt_tyle": {11},
    "t_kham": {13},
    "t_giuong": {14, 15, 16},
    "t_vchuyen": {12},
}
MONEY_7980A = (
    "t_tongchi_bh",
    *BUCKETS,
    "t_khac",
    "t_nguoibenh",
    "t_bhtt",
    "t_bhtt_gdv",
    "t_nguonkhac_bh",
    "t_nguonkhac",
    "t_bntt",
)
# legacy MA_LYDO_VVIEN from the QĐ 3276 MA_DOITUONG_KCB, written out again here on purpose
THONG_TUYEN = {"1.2", "1.11", "1.12", "1.13", "1.14", "1.15", "1.18"}


def lydo(ma_doituong_kcb: str | None) -> str:
    code = (ma_doituong_kcb or "").strip()
    if code == "2":
        return "2"
    if code.split(".")[0] == "3":
        return "3"
    return "4" if code in THONG_TUYEN else "1"


def half_up(value: Decimal | None) -> Decimal:
    return (value or Decimal(0)).quantize(Decimal(1), rounding=ROUND_HALF_UP)


LINE_MONEY = ("thanh_tien_bv", "thanh_tien_bh", "t_nguonkhac", "t_bntt", "t_bncct", "t_bhtt")


def bucket_of(ma_nhom: str | None) -> str:
    code = int(ma_nhom) if ma_nhom and ma_nhom.strip().isdigit() else None
    for bucket, codes in BUCKETS.items():
        if code in codes:
            return bucket
    return "t_khac"


def inpatient_types() -> set[str]:
    with open(catalog_dir() / "ma_loai_kcb.csv", encoding="utf-8") as fh:
        return {r["ma_loai_kcb"] for r in csv.DictReader(fh) if r["inpatient"] == "1"}


def expected_section(
    ma_dkbd: str | None, ma_the: str | None, facility: str, managed: set[tuple[str, str]] = frozenset()
) -> str:
    dkbd = (ma_dkbd or "").split(";")[0].strip()
    if dkbd and (dkbd == facility or (facility, dkbd) in managed):
        return "A"
    card = (ma_the or "").split(";")[0].strip()
    province = card[3:5] if re.fullmatch(r"[A-Z]{2}[1-5]\d{12}", card) else dkbd[:2]
    return "B" if province and province == facility[:2] else "C"


def rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def scoped_claims(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], dict]:
    """Expected scope computed from core.xml1 in Python: every claim but the withdrawn ones."""
    return {
        (r["macskcb"], r["ma_lk"]): r
        for r in rows(con, "SELECT * FROM core.xml1")
        if (r["ma_doituong_kcb"] or "").strip() != "8"
    }


# -- headers and the data dictionary ---------------------------------------------------------------------


def test_every_sql_file_has_a_regular_header_matching_its_view(payment_wh):
    objects = payment_objects()
    assert {o.path.name for o in objects} == {p.name for p in SQL_DIR.glob("*.sql")}
    con = payment_wh.connect()
    docs = {d.name: d for d in dictionary.sql_docs()}
    for obj in objects:
        assert obj.name.startswith("payment.") and obj.grain and obj.description, obj.name
        actual = [r[0] for r in con.execute(f"DESCRIBE {obj.name}").fetchall()]
        assert actual == list(obj.columns), obj.name
        assert all(obj.columns.values()), obj.name
        # the data dictionary reads the same header the same way
        doc = docs[obj.name]
        assert (doc.name, doc.grain, doc.description, doc.columns) == (
            obj.name,
            obj.grain,
            obj.description,
            obj.columns,
        )
    con.close()


@pytest.mark.parametrize(
    "header, message",
    [
        ("-- object: payment.x\n-- grain g\n-- description: d\n-- column a: A\n", r"x\.sql:2: not a header"),
        ("-- object: payment.x\n-- grain: g\n-- descripton: d\n-- column a: A\n", r"x\.sql:3: unknown key"),
        ("-- object: payment.x\n-- grain: g\n-- column a: A\n", r"x\.sql: header lacks description"),
        ("-- object: payment.y\n-- grain: g\n-- description: d\n-- column a: A\n", "creates payment.x"),
        ("-- object: payment.x\n-- grain: g\n-- description: d\n-- column a: A\n-- column a: B\n", "twice"),
    ],
)
def test_a_malformed_header_is_refused(header, message):
    with pytest.raises(SqlFileError, match=message):
        body = "CREATE OR REPLACE VIEW payment.x AS SELECT 1 AS a\n"
        parse_text(header + body, SQL_DIR / "x.sql", "object")


def test_a_view_whose_columns_differ_from_its_header_is_refused(payment_wh, tmp_path, monkeypatch):
    folder = tmp_path / "sql"
    shutil.copytree(SQL_DIR, folder)
    path = folder / "m20.sql"
    text = path.read_text(encoding="utf-8")
    for line in ("-- column ham_luong: strength (HAM_LUONG)\n", "-- title ham_luong: Hàm lượng\n"):
        assert line in text
        text = text.replace(line, "")  # the view still has the column, its header no longer documents it
    path.write_text(text, encoding="utf-8")
    monkeypatch.setattr("pipelines.marts.payment.SQL_DIR", folder)
    copy = tmp_path / "w.duckdb"
    shutil.copy(payment_wh.path, copy)
    con = duckdb.connect(str(copy))
    with pytest.raises(SqlFileError, match=r"m20\.sql: payment\.m20 has columns .*ham_luong"):
        create_payment_objects(con)
    con.close()


# -- scope and classifications -------------------------------------------------------------------------


def test_claims_in_scope_are_the_accepted_ones_that_are_not_withdrawn(payment_wh):
    con = payment_wh.connect()
    expected = scoped_claims(con)
    got = {(r["macskcb"], r["ma_lk"]): r for r in rows(con, "SELECT * FROM payment.claims")}
    assert set(got) == set(expected)
    assert payment_wh.withdrawn and not payment_wh.withdrawn & set(got)
    inpatient = inpatient_types()
    assert inpatient == {"03", "04", "09"}
    for key, claim in got.items():
        src = expected[key]
        assert claim["noi_tru"] == (src["ma_loai_kcb"] in inpatient), key
        section = expected_section(src["ma_dkbd"], src["ma_the_bhyt"], key[0], payment_wh.managed_pairs)
        assert claim["phan_nhom"] == section, key
        assert claim["ma_lydo_vvien"] == lydo(src["ma_doituong_kcb"]) and claim["ma_lydo_vvien"] in "1234"
        assert claim["tuyen"] == ("II" if claim["ma_lydo_vvien"] == "3" else "I")
        assert (claim["nam_qt"], claim["thang_qt"]) == (src["nam_qt"], src["thang_qt"])
    assert {c["phan_nhom"] for c in got.values()} == {"A", "B", "C"}
    assert {c["noi_tru"] for c in got.values()} == {True, False}
    assert {c["tuyen"] for c in got.values()} == {"I", "II"}
    # the managed registration facility puts its patients in section A
    (managed,) = payment_wh.managed_pairs
    managed_claims = [
        c
        for k, c in got.items()
        if k[0] == managed[0] and (expected[k]["ma_dkbd"] or "").startswith(managed[1])
    ]
    assert managed_claims and all(c["phan_nhom"] == "A" for c in managed_claims)
    con.close()


# (ma_lk, MA_DKBD, MA_THE_BHYT, MA_DOITUONG_KCB) -> (section, legacy MA_LYDO_VVIEN, route sub-group);
# facility 79001 manages 79009
SECTION_CASES = {
    ("a1", "79001", "DN4790123456789", "1.1"): ("A", "1", "I"),
    ("a2", "79009", "DN4790123456789", "1.3"): ("A", "1", "I"),  # a managed registration facility
    ("b1", "01002", "DN4790123456789", "2"): ("B", "2", "I"),  # the card's province, not MA_DKBD's
    ("b2", "79002", "hash-of-a-card", "1.2"): ("B", "4", "I"),  # analytics copy: MA_DKBD's province
    ("c1", "79002", "DN4010123456789", "3.2"): ("C", "3", "II"),
    ("c2", None, "hash-of-a-card", "1.11"): ("C", "4", "I"),
    ("c3", "01002", "DN4010123456789", "7.1"): ("C", "1", "I"),
    ("c4", "79002;01002", "GD4010123456789;DN4790123456789", "10"): ("C", "1", "I"),  # first card decides
}


def test_sections_and_route_come_from_the_card_the_managed_list_and_the_visit_code(tmp_path):
    """payment.claims on a hand-made XML1: the rules of docs/payment-forms.md "Sections", code by code."""
    managed = tmp_path / "managed.csv"
    managed.write_text("macskcb,ma_dkbd,ghi_chu\n79001,79009,trạm y tế xã\n", encoding="utf-8")
    con = duckdb.connect()
    con.execute("CREATE SCHEMA core")
    con.execute(
        "CREATE TABLE core.xml1 (macskcb VARCHAR, ma_lk VARCHAR, source_sha256 VARCHAR, version INTEGER, "
        "nam_qt INTEGER, thang_qt INTEGER, ma_doituong_kcb VARCHAR, ma_loai_kcb VARCHAR, ma_dkbd VARCHAR, "
        "ma_the_bhyt VARCHAR)"
    )
    for ma_lk, dkbd, card, code in SECTION_CASES:
        con.execute(
            "INSERT INTO core.xml1 VALUES ('79001', ?, 'x', 1, 2026, 10, ?, '01', ?, ?)",
            [ma_lk, code, dkbd, card],
        )
    files = {f.path.name: f for f in payment_objects()}
    con.execute("CREATE SCHEMA payment")
    create(con, files["managed_facilities.sql"], {"managed_file": sql_literal(str(managed))})
    create(con, files["claims.sql"])
    got = {
        r[0]: r[1:]
        for r in con.execute("SELECT ma_lk, phan_nhom, ma_lydo_vvien, tuyen FROM payment.claims").fetchall()
    }
    assert got == {case[0]: expected for case, expected in SECTION_CASES.items()}
    con.close()


# -- 7980a ---------------------------------------------------------------------------------------------


def test_7980a_money_is_xml1_rounded_to_whole_dong_per_claim(payment_wh):
    con = payment_wh.connect()
    scope = scoped_claims(con)
    got = rows(con, "SELECT * FROM payment.report_7980a")
    assert {(r["macskcb"], r["ma_lk"]) for r in got} == set(scope)
    counts: dict[tuple, int] = defaultdict(int)
    for r in got:
        x = scope[(r["macskcb"], r["ma_lk"])]
        counts[(r["macskcb"], r["nam_qt"], r["thang_qt"])] += 1
        for name in ("t_tongchi_bh", "t_tongchi_bv", "t_nguonkhac", "t_bntt", "t_bhtt_gdv"):
            assert r[name] == half_up(x[name]), (r["ma_lk"], name)
        assert r["t_bncct"] == x["t_bncct"]
        # the payers are rounded by the largest remainder: at most one đồng from their own half-up value
        assert (
            abs(r["t_nguoibenh"] - half_up(x["t_bncct"])) <= 1
            and abs(r["t_bhtt"] - half_up(x["t_bhtt"])) <= 1
        )
        assert all(r[m] == r[m].to_integral_value() for m in MONEY_7980A), r["ma_lk"]
        assert r["ma_lydo_vvien"] == lydo(x["ma_doituong_kcb"])
    for key, n in counts.items():
        (last,) = con.execute(
            "SELECT max(stt) FROM payment.report_7980a WHERE macskcb = ? AND nam_qt = ? AND thang_qt = ?",
            list(key),
        ).fetchall()[0]
        assert last == n
    # the generator's other-source money reaches the report, and so does the out-of-scope self-pay
    assert sum(r["t_nguonkhac"] for r in got) > 0 and sum(r["t_bntt"] for r in got) > 0
    con.close()


def test_7980a_patient_column_is_the_in_scope_co_payment_only(payment_wh):
    """7980a T_BNTT (C79a/C80a "Người bệnh cùng chi trả") is T_BNCCT, without the out-of-scope self-pay."""
    con = payment_wh.connect()
    mixed = [r for r in rows(con, "SELECT * FROM payment.report_7980a") if r["t_bntt"] > 0]
    assert mixed, "the generated data has claims with out-of-scope self-pay"
    for r in mixed:
        assert abs(r["t_nguoibenh"] - r["t_bncct"]) < 1
        assert r["t_tongchi_bh"] == r["t_nguoibenh"] + r["t_bhtt"] + r["t_nguonkhac_bh"]
    con.close()


def test_7980a_cost_buckets_are_the_claims_lines_by_ma_nhom(payment_wh):
    with open(catalog_dir() / "ma_nhom.csv", encoding="utf-8") as fh:
        codes = [int(r["ma_nhom"]) for r in csv.DictReader(fh)]
    mapped = [c for bucket in BUCKETS.values() for c in bucket]
    assert sorted(mapped) == sorted(set(mapped)), "a code in two buckets"
    assert set(codes) - set(mapped) == {19}, "every catalogue code but 19 (t_khac) has a bucket"

    con = payment_wh.connect()
    scope = scoped_claims(con)
    expected: dict[tuple, dict] = defaultdict(lambda: defaultdict(Decimal))
    for table in ("xml2", "xml3"):
        for line in rows(con, f"SELECT macskcb, ma_lk, ma_nhom, thanh_tien_bh FROM core.{table}"):
            key = (line["macskcb"], line["ma_lk"])
            if key in scope:
                expected[key][bucket_of(line["ma_nhom"])] += line["thanh_tien_bh"]
                expected[key]["lines"] += line["thanh_tien_bh"]
    report = {(r["macskcb"], r["ma_lk"]): r for r in rows(con, "SELECT * FROM payment.report_7980a")}
    assert set(report) == set(scope)
    used = set()
    for key, r in report.items():
        for bucket in (*BUCKETS, "t_khac"):
            assert abs(r[bucket] - expected[key][bucket]) < 1, (key, bucket)
            used |= {bucket} if r[bucket] else set()
        assert sum(r[b] for b in (*BUCKETS, "t_khac")) == half_up(expected[key]["lines"])
    assert used == {*BUCKETS, "t_khac"}, "the fixture puts money in every bucket"
    con.close()


def test_7980a_takes_the_first_card_and_the_route_group(payment_wh):
    con = payment_wh.connect()
    scope = scoped_claims(con)
    for r in rows(con, "SELECT * FROM payment.report_7980a"):
        src = scope[(r["macskcb"], r["ma_lk"])]
        assert r["ma_the_bhyt"] == src["ma_the_bhyt"].split(";")[0]
        assert r["ma_cskcb"] == src["ma_cskcb"] and r["ma_noi_di"] == src["ma_noi_di"]
        assert src["ngay_sinh"].startswith(r["ngay_sinh"]) and len(r["ngay_sinh"]) in (4, 8)
    con.close()


# -- C79a / C80a ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("form, inpatient", [("c79a", False), ("c80a", True)])
def test_settlement_form_totals_equal_7980a_split_by_setting(payment_wh, form, inpatient):
    con = payment_wh.connect()
    money = ", ".join(f"sum({m}) AS {m}" for m in MONEY_7980A if m != "t_tongchi_bv")
    by_form = {
        (r["macskcb"], r["nam_qt"], r["thang_qt"]): r
        for r in rows(
            con,
            f"SELECT macskcb, nam_qt, thang_qt, count(*) AS so_luot, {money} FROM payment.report_7980a "
            "WHERE noi_tru = ? GROUP BY ALL",
            [inpatient],
        )
    }
    assert by_form
    lines = rows(con, f"SELECT * FROM payment.{form} ORDER BY macskcb, nam_qt, thang_qt, row_order")
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for line in lines:
        groups[(line["macskcb"], line["nam_qt"], line["thang_qt"])].append(line)
    assert set(groups) == set(by_form)
    for key, printed in groups.items():
        assert [p["row_order"] for p in printed] == list(range(1, len(printed) + 1))
        kinds = [p["row_kind"] for p in printed]
        assert kinds.count("section") == kinds.count("section_total") == 3 and kinds[-1] == "grand_total"
        assert kinds.count("group") == kinds.count("group_total") == 6 and kinds.count("grand_total") == 1
        grand = printed[-1]
        assert grand["dien_giai"] == "Tổng cộng A + B + C"
        for m in ("so_luot", *(m for m in MONEY_7980A if m != "t_tongchi_bv")):
            assert grand[m] == by_form[key][m], (form, key, m)
            sections = sum(p[m] for p in printed if p["row_kind"] == "section_total")
            groups_ = sum(p[m] for p in printed if p["row_kind"] == "group_total")
            claims = sum(p[m] for p in printed if p["row_kind"] == "claim")
            assert sections == groups_ == claims == grand[m], (form, key, m)
        # every claim line sits under the headings of its own section and sub-group, numbered from 1
        section = group = None
        for p in printed:
            if p["row_kind"] == "section":
                section = p["phan_nhom"]
            elif p["row_kind"] == "group":
                group, expected_stt = p["tuyen"], 1
                assert p["phan_nhom"] == section
            elif p["row_kind"] == "claim":
                assert (p["phan_nhom"], p["tuyen"], p["stt"]) == (section, group, expected_stt)
                expected_stt += 1
    con.close()


# -- forms 19, 20, 21 ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "form, table, condition",
    [
        ("m20", "xml2", "TRUE"),
        ("m19", "xml3", "nullif(trim(ma_vat_tu), '') IS NOT NULL"),
        ("m21", "xml3", "nullif(trim(ma_dich_vu), '') IS NOT NULL AND nullif(trim(ma_vat_tu), '') IS NULL"),
    ],
)
def test_item_forms_equal_the_lines_of_the_claims_in_scope(payment_wh, form, table, condition):
    con = payment_wh.connect()
    scope = scoped_claims(con)
    expected: dict[tuple, dict] = defaultdict(lambda: defaultdict(Decimal))
    withdrawn_lines = 0
    for line in rows(con, f"SELECT * FROM core.{table} WHERE {condition}"):  # noqa: S608
        claim = scope.get((line["macskcb"], line["ma_lk"]))
        if claim is None:
            withdrawn_lines += 1
            continue
        e = expected[(line["macskcb"], claim["nam_qt"], claim["thang_qt"])]
        e["so_luong"] += line["so_luong"] or 0
        for name in LINE_MONEY:
            e[name] += half_up(line[name])
    sums = ", ".join(
        f"sum({n}) AS {n}" for n in ("so_luong", "so_luong_ngoaitru", "so_luong_noitru", *LINE_MONEY)
    )
    got = rows(
        con, f"SELECT macskcb, nam_qt, thang_qt, count(*) AS n, {sums} FROM payment.{form} GROUP BY ALL"
    )
    assert {(r["macskcb"], r["nam_qt"], r["thang_qt"]) for r in got} == set(expected)
    for r in got:
        e = expected[(r["macskcb"], r["nam_qt"], r["thang_qt"])]
        for name in ("so_luong", *LINE_MONEY):
            assert r[name] == e[name], (form, r["macskcb"], name)
        assert r["so_luong_ngoaitru"] + r["so_luong_noitru"] == r["so_luong"]
    if form == "m20":
        assert withdrawn_lines > 0, "the withdrawn claims had drug lines, and they were left out"
    con.close()


def test_supplies_and_services_split_xml3_between_them(payment_wh):
    con = payment_wh.connect()
    (total, neither) = con.execute(
        "SELECT sum(round(l.thanh_tien_bh)), sum(round(l.thanh_tien_bh)) FILTER ("
        "WHERE nullif(trim(l.ma_vat_tu), '') IS NULL AND nullif(trim(l.ma_dich_vu), '') IS NULL) "
        "FROM core.xml3 l JOIN payment.claims c "
        "USING (macskcb, ma_lk, source_sha256)"
    ).fetchall()[0]
    (m19,) = con.execute("SELECT sum(thanh_tien_bh) FROM payment.m19").fetchall()[0]
    (m21,) = con.execute("SELECT sum(thanh_tien_bh) FROM payment.m21").fetchall()[0]
    assert m19 > 0 and m21 > 0 and m19 + m21 + (neither or 0) == total
    con.close()


# -- periods, and the analytics copy ---------------------------------------------------------------------


def test_a_claim_is_reported_in_its_settlement_month_only(payment_wh):
    con = payment_wh.connect()
    macskcb, ma_lk = payment_wh.moved
    periods = con.execute(
        "SELECT DISTINCT nam_qt, thang_qt FROM payment.report_7980a WHERE macskcb = ? AND ma_lk = ?",
        [macskcb, ma_lk],
    ).fetchall()
    assert periods == [payment_wh.next_period]
    (rows_next,) = con.execute(
        "SELECT count(*) FROM payment.c79a_c80a WHERE nam_qt = ? AND thang_qt = ? AND row_kind = 'claim'",
        list(payment_wh.next_period),
    ).fetchall()[0]
    assert rows_next == 1
    (in_period,) = con.execute(
        "SELECT count(*) FROM payment.m20 WHERE macskcb = ? AND nam_qt = ? AND thang_qt = ?",
        [macskcb, *payment_wh.period],
    ).fetchall()[0]
    assert in_period > 0
    con.close()


def test_the_analytics_copy_gives_the_same_money(generated_root, tmp_path):
    """The same views on the copy without identities (card numbers hashed, names NULL) give the same sums."""
    sums = {}
    for name in ("warehouse.duckdb", "warehouse-analytics.duckdb"):
        copy = tmp_path / name
        shutil.copy(generated_root / name, copy)
        con = duckdb.connect(str(copy))
        create_payment_objects(con)
        sums[name] = con.execute(
            "SELECT (SELECT sum(t_bhtt) FROM payment.report_7980a), "
            "(SELECT list(phan_nhom ORDER BY macskcb, ma_lk) FROM payment.claims), "
            "(SELECT sum(t_bhtt) FROM payment.c80a WHERE row_kind = 'grand_total'), "
            "(SELECT sum(thanh_tien_bh) FROM payment.m21)"
        ).fetchall()[0]
        con.close()
    assert sums["warehouse.duckdb"] == sums["warehouse-analytics.duckdb"]
    assert sums["warehouse.duckdb"][0] > 0
