"""k-anonymity of the analytics copy: the suppression ladder on claims made to need each step, what a step
removes removed in every table that holds the claim, ``ops.privacy``, and small cells of published
aggregates."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import duckdb
import pytest

from pipelines.warehouse.privacy import (
    SUPPRESSION_ORDER,
    measure_and_suppress,
    privacy_rows,
    record,
    small_cells_sql,
)

OCT = datetime(2026, 10, 1)


def _claims(con, rows):
    """core.xml1 with the quasi-identifier columns of the de-identified copy, a referral paper (XML13) and a
    core.referrals row for every claim."""
    con.execute("CREATE SCHEMA core")
    con.execute(
        "CREATE TABLE core.xml1 (macskcb VARCHAR, ma_lk VARCHAR, tuoi INTEGER, nhom_tuoi VARCHAR, "
        "gioi_tinh VARCHAR, matinh_cu_tru VARCHAR, ngay_vao TIMESTAMP, ma_benh_chinh VARCHAR, "
        "ma_benh_kt VARCHAR, ma_benh_yhct VARCHAR, t_bhtt DECIMAL(18,2))"
    )
    for i, (tuoi, band, sex, province, month, icd) in enumerate(rows):
        con.execute(
            "INSERT INTO core.xml1 VALUES ('79101', ?, ?, ?, ?, ?, ?, ?, 'I10', NULL, 100)",
            [f"LK{i:03d}", tuoi, band, sex, province, month, icd],
        )
    con.execute("CREATE TABLE core.xml13 AS SELECT macskcb, ma_lk, gioi_tinh, ma_benh_chinh FROM core.xml1")
    con.execute(
        "CREATE TABLE core.referrals AS SELECT macskcb AS from_macskcb, ma_lk AS from_ma_lk, ma_benh_chinh "
        "FROM core.xml1"
    )


@pytest.fixture
def con():
    c = duckdb.connect()
    yield c
    c.close()


def test_each_claim_goes_down_the_ladder_only_as_far_as_its_group_needs(con):
    crowd = [(40, "40-44", "1", "79", OCT, "J18.9")] * 20  # a big group: nothing removed
    ages = [(a, "35-39", "2", "79", OCT, "J06.9") for a in (35, 36, 37, 38, 39)]  # unique ages, band of 5
    elsewhere = [
        (50 + i, "50-54", "1", p, OCT, "K35.8") for i, p in enumerate(("01", "48", "92", "31", "08"))
    ]
    sexes = [
        (60, "60-64", s, p, OCT, "N39.0")
        for s, p in (("1", "01"), ("2", "48"), ("1", "92"), ("2", "31"), ("2", "08"))
    ]
    # each alone in its band and chapter: they only meet once age band and diagnosis are gone (step 5)
    bands = [
        (72, "70-74", "1", "33", OCT, "N40"),
        (81, "80-84", "2", "56", OCT, "S72.0"),
        (12, "10-14", "1", "01", OCT, "A09"),
        (3, "00-04", "2", "79", OCT, "P07.3"),
        (90, "90+", "1", "79", OCT, "C50.9"),
    ]
    _claims(con, crowd + ages + elsewhere + sexes + bands)
    got = measure_and_suppress(con, profile="deidentified", k=5)
    assert got["k_achieved"] >= 5 and got["below_k"] == 0
    assert got["records"] == 40 and got["generalised"] == 40
    steps = dict(con.execute("SELECT ma_lk, step FROM _privacy_qi").fetchall())
    assert {steps[f"LK{i:03d}"] for i in range(20)} == {0}
    assert {steps[f"LK{i:03d}"] for i in range(20, 25)} == {1}  # only the exact age goes
    assert {steps[f"LK{i:03d}"] for i in range(25, 30)} == {2}  # and the province
    assert {steps[f"LK{i:03d}"] for i in range(30, 35)} == {3}  # and sex
    assert {steps[f"LK{i:03d}"] for i in range(35, 40)} == {len(SUPPRESSION_ORDER)}
    assert got["suppressed"] == 20
    assert got["suppressed_by"] == {
        "tuoi": 20,
        "matinh_cu_tru": 15,
        "gioi_tinh": 10,
        "nhom_tuoi": 5,
        "ma_benh_chinh": 5,
    }
    assert list(got["suppressed_by"]) == [name for name, _ in SUPPRESSION_ORDER]
    # the crowd keeps everything; a suppressed claim lost its values in every table that holds it
    assert con.execute("SELECT count(*) FROM core.xml1 WHERE tuoi IS NOT NULL").fetchone()[0] == 20
    assert con.execute(
        "SELECT tuoi, nhom_tuoi, matinh_cu_tru FROM core.xml1 WHERE ma_lk = 'LK020'"
    ).fetchone() == (None, "35-39", "79")
    deepest = [lk for lk, s in steps.items() if s == len(SUPPRESSION_ORDER)]
    for lk in deepest:
        assert con.execute(
            "SELECT ma_benh_chinh, ma_benh_kt, gioi_tinh, matinh_cu_tru, nhom_tuoi FROM core.xml1 "
            "WHERE ma_lk = ?",
            [lk],
        ).fetchone() == (None, None, None, None, None)
        assert con.execute(
            "SELECT gioi_tinh, ma_benh_chinh FROM core.xml13 WHERE ma_lk = ?", [lk]
        ).fetchone() == (None, None)
        assert con.execute(
            "SELECT ma_benh_chinh FROM core.referrals WHERE from_ma_lk = ?", [lk]
        ).fetchone() == (None,)
    # measured again on what the copy now shows, every group has at least k claims
    again = measure_and_suppress(con, profile="deidentified", k=5)
    assert again["k_achieved"] >= 5


def test_a_month_with_fewer_than_k_claims_is_reported_as_it_is(con):
    _claims(
        con,
        [(40, "40-44", "1", "79", OCT, "J18.9")] * 6
        + [(40, "40-44", "1", "79", datetime(2026, 9, 1), "J18.9")] * 2,
    )
    got = measure_and_suppress(con, profile="deidentified", k=5)
    assert got["k_achieved"] == 2 and got["below_k"] == 2


def test_limited_measures_and_suppresses_nothing(con):
    con.execute("CREATE SCHEMA core")
    con.execute(
        "CREATE TABLE core.xml1 AS SELECT '79101' AS macskcb, 'LK' || i AS ma_lk, "
        "CAST(1950 + i AS VARCHAR) || '0101' AS ngay_sinh, '1' AS gioi_tinh, '74' AS matinh_cu_tru, "
        "TIMESTAMP '2026-10-05 08:00' AS ngay_vao, "
        "'J18.9' AS ma_benh_chinh FROM range(1, 8) t(i)"
    )
    got = measure_and_suppress(con, profile="limited", k=5)
    assert got["suppressed"] == 0 and got["generalised"] == 0
    assert got["k_achieved"] == 1  # every claim has its own age in years: measured, not enforced
    record(con, "run-1", got)
    (row,) = privacy_rows(con)
    assert (row["run_id"], row["profile"], row["k"], row["k_achieved"]) == ("run-1", "limited", 5, 1)


def test_small_cells_are_merged_until_every_row_counts_k_claims_and_totals_foot(con):
    con.execute(
        "CREATE TABLE agg AS SELECT * FROM (VALUES "
        "('79', 'J', 12, 1200.00), ('79', 'K', 3, 300.50), ('79', 'N', 1, 10.00), "
        "('01', 'J', 7, 700.00), ('01', 'K', 2, 20.00), ('48', 'J', 1, 5.00)) "
        "t(province, chapter, claims, t_bhtt)"
    )
    sql = small_cells_sql(
        "SELECT * FROM agg", keys=["province", "chapter"], count="claims", sums=["t_bhtt"], k=5
    )
    rows = con.execute(sql).fetchall()
    assert all(n >= 5 for _, _, n, _ in rows), rows
    assert sum(n for *_, n, _ in rows) == 26
    assert sum(m for *_, m in rows) == Decimal("2235.50")
    assert ("79", "J", 12, Decimal("1200.00")) in rows and ("01", "J", 7, Decimal("700.00")) in rows
    assert ("79", "*", 4, Decimal("310.50")) not in rows  # 4 < 5: merged further
    tiny = con.execute(
        small_cells_sql(
            "SELECT * FROM agg WHERE claims < 4",
            keys=["province", "chapter"],
            count="claims",
            sums=["t_bhtt"],
            k=50,
        )
    ).fetchall()
    assert tiny == [("*", "*", 7, Decimal("335.50"))]  # below k even together: one row, reported by its count
