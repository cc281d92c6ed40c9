"""The analytics copy under both profiles: no identity of the full warehouse in either; under
``deidentified`` no date below the month, no geography below the province, no free text, ages in years;
``ops.privacy`` kept per build; the same person gets the same pseudonym."""

from __future__ import annotations

import json
import shutil
import stat
from datetime import datetime

import duckdb
import pytest
from support.columns import distinct_values
from support.nights import COMMON_NIGHT, copy_of

from pipelines.marts import COPIED_TABLES, derived_builders
from pipelines.marts.examples import example_queries
from pipelines.run.ledger import Ledger
from pipelines.standard import load_registry
from pipelines.standard.registry import ENVELOPE_TABLES
from pipelines.warehouse.analytics import build_analytics
from pipelines.warehouse.identity import (
    DATE_TYPES,
    FREE_TEXT_TYPE,
    PROFILES,
    identity_policy,
    privacy_setting,
    province_2025,
    pseudonym_key,
)

#: objects that describe runs or reference lists, not people: their times are not patients' dates
NOT_PATIENT_DATES = {("ops", "runs"), ("ops", "privacy")}
#: the k the limited copy is built with, given (not identity.toml's): ``ops.privacy`` records the k given
LIMITED_K = 3


@pytest.fixture(scope="module")
def built(nights, tmp_path_factory):
    """A night on generated data (its copy: the default profile), and the limited copy of the same night
    (the shared night of support/nights.py, copied: the limited copy is written beside it). Both copies are
    built incrementally, as the night builds its copy (``lake`` and ``parts``): what each first build
    reported is kept in ``first-builds.json`` for the incremental test, which carries on from them. The
    limited copy is built with a k of its own (:data:`LIMITED_K`)."""
    pristine = nights.ingested(**COMMON_NIGHT)
    root = copy_of(pristine, tmp_path_factory.mktemp("analytics") / "root")
    limited = build_analytics(
        root / "warehouse.duckdb",
        root / "warehouse-analytics-limited.duckdb",
        key=pseudonym_key(None, root / "lake"),
        run_id="limited-test",
        derived=derived_builders(),
        copied=COPIED_TABLES,
        profile="limited",
        k=LIMITED_K,
        lake=root / "lake",
        parts=_parts(root),
    )
    first = {"deidentified": nights.summary(pristine)["warehouse"]["analytics"], "limited": limited}
    (root / "first-builds.json").write_text(json.dumps({p: first[p]["parts"] for p in PROFILES}))
    return root


def _name(profile):
    return "warehouse-analytics.duckdb" if profile == "deidentified" else "warehouse-analytics-limited.duckdb"


def _copy(built, profile):
    return duckdb.connect(str(built / _name(profile)), read_only=True)


@pytest.mark.parametrize("profile", PROFILES)
def test_the_copy_holds_no_identity_of_the_full_warehouse(built, profile):
    full = duckdb.connect(str(built / "warehouse.duckdb"), read_only=True)
    secrets = set()
    for lh, fields in identity_policy(profile).items():
        for tag, treatment in fields.items():
            if treatment in ("drop", "pseudo") and tag in (
                "HO_TEN",
                "SO_CCCD",
                "MA_THE_BHYT",
                "DIA_CHI",
                "DIEN_THOAI",
                "MA_BN",
                "MA_HSBA",
            ):
                secrets |= {
                    v
                    for (v,) in full.execute(
                        f"SELECT DISTINCT {tag.lower()} FROM core.{lh.lower()}"
                    ).fetchall()
                    if v and len(str(v)) >= 4
                }
    full.close()
    assert len(secrets) > 50
    copy = _copy(built, profile)
    text_columns = copy.execute(
        "SELECT schema_name, table_name, column_name FROM duckdb_columns() WHERE data_type = 'VARCHAR' "
        "AND NOT internal"
    ).fetchall()
    seen = set()
    for values in distinct_values(copy, text_columns).values():
        seen |= set(values)
    assert not (seen & secrets)
    assert (
        copy.execute(
            "SELECT count(*) FROM core.xml1 "
            "WHERE ho_ten IS NOT NULL OR dia_chi IS NOT NULL OR dien_thoai IS NOT NULL"
        ).fetchone()[0]
        == 0
    )
    copy.close()


def test_limited_keeps_birth_years_and_deidentified_ages_at_admission(built):
    full = duckdb.connect(str(built / "warehouse.duckdb"), read_only=True)
    births = dict(full.execute("SELECT macskcb || ma_lk, ngay_sinh FROM core.xml1").fetchall())
    admitted = dict(full.execute("SELECT macskcb || ma_lk, ngay_vao FROM core.xml1").fetchall())
    full.close()
    limited = _copy(built, "limited")
    assert dict(limited.execute("SELECT macskcb || ma_lk, ngay_sinh FROM core.xml1").fetchall()) == {
        c: b[:4] for c, b in births.items()
    }
    limited.close()
    copy = _copy(built, "deidentified")
    rows = copy.execute("SELECT macskcb || ma_lk, ngay_sinh, tuoi, nhom_tuoi FROM core.xml1").fetchall()
    copy.close()
    shown = 0
    for claim, ngay_sinh, tuoi, band in rows:
        assert ngay_sinh is None
        born = datetime.strptime(births[claim][:8], "%Y%m%d").date()
        on = admitted[claim].date()
        years = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
        if tuoi is not None:  # the exact age is suppressed first when a group is small
            shown += 1
            assert tuoi == min(years, 90)
        if band is not None:
            low = min(years, 90) // 5 * 5
            assert band == ("90+" if years >= 90 else f"{low:02d}-{low + 4:02d}")
    assert rows


def test_deidentified_has_no_date_below_the_month_no_place_below_the_province_and_no_free_text(built):
    copy = _copy(built, "deidentified")
    dated = copy.execute(
        "SELECT schema_name, table_name, column_name FROM duckdb_columns() WHERE NOT internal "
        "AND (data_type LIKE 'DATE%' OR data_type LIKE 'TIMESTAMP%')"
    ).fetchall()
    checked = 0
    patient_dated = [
        (schema, table, column)
        for schema, table, column in dated
        if not ((schema, table) in NOT_PATIENT_DATES or (schema == "ref" and table != "eligibility"))
    ]
    for (schema, table, column), values in distinct_values(copy, patient_dated).items():
        for value in values:
            if value is None:
                continue
            checked += 1
            assert value.day == 1, (schema, table, column)
            if isinstance(value, datetime):
                assert (value.hour, value.minute, value.second) == (0, 0, 0) or value.tzinfo, (table, column)
    assert checked > 10
    registry = load_registry()
    text_dates = 0
    for lh in ENVELOPE_TABLES:
        for f in registry.table_columns(lh):
            if f.xsd_type in DATE_TYPES and f.xsd_type not in ("Date", "DateTime"):
                for (value,) in copy.execute(f"SELECT DISTINCT {f.column} FROM core.{lh.lower()}").fetchall():
                    if value:
                        text_dates += 1
                        assert all(len(part) <= 6 for part in value.split(";")), (lh, f.tag)
    assert text_dates
    provinces = set(province_2025().values())
    for lh in ("XML1", "XML6", "XML9"):
        t = f"core.{lh.lower()}"
        assert (
            copy.execute(
                f"SELECT count(*) FROM {t} WHERE maxa_cu_tru IS NOT NULL OR mahuyen_cu_tru IS NOT NULL"
            ).fetchone()[0]
            == 0
        )
        assert {
            v for (v,) in copy.execute(f"SELECT DISTINCT matinh_cu_tru FROM {t}").fetchall()
        } <= provinces | {None}
    policy = identity_policy("deidentified")
    for lh in ENVELOPE_TABLES:
        for f in registry.table_columns(lh):
            if f.xsd_type == FREE_TEXT_TYPE and policy[lh][f.tag] == "drop":
                assert (
                    copy.execute(
                        f"SELECT count(*) FROM core.{lh.lower()} WHERE {f.column} IS NOT NULL"
                    ).fetchone()[0]
                    == 0
                ), (lh, f.tag)
    assert copy.execute("SELECT count(*) FROM review.findings WHERE value IS NOT NULL").fetchone()[0] == 0
    copy.close()


def test_ops_privacy_keeps_one_row_per_build(built):
    """The first build's row of each copy: identity.toml's profile and k, or the k given (the limited copy);
    the rows of the next builds are checked where the incremental test makes them."""
    copy = _copy(built, "deidentified")
    (row,) = copy.execute("SELECT profile, k, records, generalised, suppressed FROM ops.privacy").fetchall()
    claims = copy.execute("SELECT count(*) FROM core.xml1").fetchone()[0]
    copy.close()
    assert privacy_setting() == ("deidentified", 5)
    assert row == ("deidentified", 5, claims, claims, row[4]) and row[4] > 0
    copy = _copy(built, "limited")
    assert copy.execute("SELECT run_id, profile, k, records, suppressed FROM ops.privacy").fetchall() == [
        ("limited-test", "limited", LIMITED_K, claims, 0)
    ]
    copy.close()


def test_the_same_card_gets_the_same_pseudonym_and_the_full_warehouse_is_private(built):
    full = duckdb.connect(str(built / "warehouse.duckdb"), read_only=True)
    copy = _copy(built, "deidentified")
    pairs = dict(full.execute("SELECT macskcb || ma_lk, ma_the_bhyt FROM core.xml1").fetchall())
    hashed = dict(copy.execute("SELECT macskcb || ma_lk, ma_the_bhyt FROM core.xml1").fetchall())
    by_card: dict[str, set] = {}
    for claim, card in pairs.items():
        by_card.setdefault(card, set()).add(hashed[claim])
    assert all(len(h) == 1 for h in by_card.values())
    assert len({next(iter(h)) for h in by_card.values()}) == len(by_card)
    assert stat.S_IMODE((built / "warehouse.duckdb").stat().st_mode) == 0o640
    assert stat.S_IMODE((built / "lake").stat().st_mode) == 0o750
    assert stat.S_IMODE((built / "lake" / ".pseudonym_key").stat().st_mode) == 0o600


def _parts(root):
    ledger = Ledger(root / "lake" / "ledger.sqlite")
    try:
        return ledger.parts()
    finally:
        ledger.close()


@pytest.mark.parametrize("profile", PROFILES)
def test_the_incremental_copy_over_treated_parts_answers_as_the_rebuilt_copy(built, tmp_path, profile):
    """Each lake part treated once into Parquet beside the copy, views over them: every table and view of the
    copy holds the same rows as the copy rebuilt from the full warehouse.

    The incremental copy is the fixture's (the night's own for the default profile): its first build is
    checked from what it reported, then a copy of it, with its treated parts, is built again twice."""
    key = pseudonym_key(None, built / "lake")
    common = {"key": key, "derived": derived_builders(), "copied": COPIED_TABLES, "profile": profile}
    common["k"] = LIMITED_K if profile == "limited" else None  # as the fixture built it
    rebuilt, incremental = tmp_path / "rebuilt.duckdb", tmp_path / "incremental.duckdb"
    build_analytics(built / "warehouse.duckdb", rebuilt, run_id="r", **common)
    parts = _parts(built)
    name = _name(profile)
    shutil.copy2(built / name, incremental)
    shutil.copytree(built / name.replace(".duckdb", ".parts"), tmp_path / "incremental.parts")
    first = {"parts": json.loads((built / "first-builds.json").read_text())[profile]}
    claim_parts = sum(t in ENVELOPE_TABLES for _, t, _ in parts)
    assert first["parts"]["lake_parts"] == claim_parts > 5
    assert first["parts"]["treated"] == first["parts"]["files"] > 5  # one file per run and table
    a, b = duckdb.connect(str(rebuilt), read_only=True), duckdb.connect(str(incremental), read_only=True)
    objects = a.execute(
        "SELECT schema_name || '.' || table_name FROM duckdb_tables() WHERE schema_name <> 'ops' UNION ALL "
        "SELECT schema_name || '.' || view_name FROM duckdb_views() "
        "WHERE NOT internal AND schema_name <> 'ops'"
    ).fetchall()
    assert len(objects) > 30
    for (obj,) in objects:
        columns = [c for (c,) in a.execute(f"SELECT column_name FROM (DESCRIBE {obj})").fetchall()]
        sql = f"SELECT {', '.join(columns)} FROM {obj} ORDER BY ALL"
        assert a.execute(sql).fetchall() == b.execute(sql).fetchall(), obj
    assert (
        a.execute("SELECT * EXCLUDE (run_id, built_at, seconds) FROM ops.privacy").fetchall()
        == b.execute("SELECT * EXCLUDE (run_id, built_at, seconds) FROM ops.privacy").fetchall()
    )
    a.close()
    b.close()
    # the next night with nothing new treats nothing; a part gone from the ledger is gone from the copy
    again = build_analytics(
        built / "warehouse.duckdb", incremental, run_id="i2", lake=built / "lake", parts=parts, **common
    )
    assert (again["parts"]["treated"], again["parts"]["removed"]) == (0, 0)
    treated = list((tmp_path / "incremental.parts").rglob("*.parquet"))
    assert len(treated) == first["parts"]["files"]
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o644 for p in treated)
    # a run whose lake parts changed (bhyt-etl rebuild) is treated again (when it still has parts of that
    # table); its old file goes
    fewer = [p for p in parts if not (p[1] == "XML2" and p == max(q for q in parts if q[1] == "XML2"))]
    third = build_analytics(
        built / "warehouse.duckdb", incremental, run_id="i3", lake=built / "lake", parts=fewer, **common
    )
    assert third["parts"]["removed"] == 1 and third["parts"]["treated"] <= 1
    assert third["parts"]["lake_parts"] == claim_parts - 1
    # ops.privacy keeps one row per build: the fixture's first build's, then one for each build above
    with duckdb.connect(str(built / name), read_only=True) as con:
        (first_row,) = con.execute("SELECT run_id, profile, k FROM ops.privacy").fetchall()
    with duckdb.connect(str(incremental), read_only=True) as con:
        assert con.execute("SELECT run_id, profile, k FROM ops.privacy ORDER BY built_at").fetchall() == [
            first_row,
            ("i2", profile, first_row[2]),
            ("i3", profile, first_row[2]),
        ]


MONTHLY_MONEY = (
    "SELECT nam_qt, thang_qt, count(*), sum(t_tongchi_bv), sum(t_bhtt), sum(t_bncct), sum(t_bntt) "
    "FROM core.xml1 GROUP BY ALL ORDER BY ALL"
)


@pytest.mark.parametrize("profile", PROFILES)
def test_the_analysts_queries_run_on_the_copy_and_the_monthly_money_is_the_same(built, profile):
    """Every example query of docs/analysts.md answers on the copy; money by settlement month, by facility and
    type of care, and the payment views' totals are exactly the full warehouse's."""
    full, copy = duckdb.connect(str(built / "warehouse.duckdb"), read_only=True), _copy(built, profile)
    for title, sql in example_queries():
        assert isinstance(copy.execute(sql.rstrip().rstrip(";")).fetchall(), list), title
    money_by_type = next(sql for title, sql in example_queries() if title.startswith("Claims and money"))
    for sql in (
        MONTHLY_MONEY,
        money_by_type.rstrip().rstrip(";"),
        "SELECT macskcb, nam_qt, thang_qt, sum(t_bhtt), sum(t_tongchi_bh) FROM payment.report_7980a "
        "GROUP BY ALL ORDER BY ALL",
        "SELECT macskcb, nam_qt, thang_qt, sum(thanh_tien_bh), sum(t_bhtt) FROM payment.m20 GROUP BY ALL "
        "ORDER BY ALL",
        "SELECT macskcb, nam_qt, thang_qt, sum(thanh_tien_bh), sum(t_bhtt) FROM payment.m21 GROUP BY ALL "
        "ORDER BY ALL",
    ):
        expected = full.execute(sql).fetchall()
        assert expected and copy.execute(sql).fetchall() == expected, sql
    full.close()
    copy.close()
