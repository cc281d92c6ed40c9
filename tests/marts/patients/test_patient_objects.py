"""The patient objects show no identity, are documented in the data dictionary, answer the example queries,
and are the same on the analytics copy."""

from __future__ import annotations

import shutil

import duckdb
import pytest
from patients_support import KEY

from pipelines.common.errors import TerminalError
from pipelines.common.sqlheader import parse_file
from pipelines.generate.eligibility import HEADER
from pipelines.marts import patients
from pipelines.marts.examples import example_queries
from pipelines.warehouse.analytics import build_analytics
from pipelines.warehouse.dictionary import all_docs, apply_comments
from pipelines.warehouse.identity import PROFILES

OBJECTS = ("core.patients", "core.patient_timeline", "core.referrals", "core.appointments")


def secrets_of(con: duckdb.DuckDBPyConnection, reference) -> set[str]:
    """Every identity the generated claims and the list hold: CCCD, card and BHXH numbers, names, addresses,
    phones, patient and record numbers."""
    values = set()
    for sql in (
        "SELECT so_cccd FROM core.xml1",
        "SELECT unnest(string_split(ma_the_bhyt, ';')) FROM core.xml1",
        "SELECT right(unnest(string_split(ma_the_bhyt, ';')), 10) FROM core.xml1",
        "SELECT ho_ten FROM core.xml1",
        "SELECT dia_chi FROM core.xml1",
        "SELECT dien_thoai FROM core.xml1",
        "SELECT ma_bn FROM core.xml1",
        "SELECT ma_hsba FROM core.xml1",
        f"SELECT ma_the_bhyt FROM read_csv('{reference / 'eligibility.csv'}', all_varchar = true)",
    ):
        values |= {v for (v,) in con.execute(sql).fetchall() if v and len(v) >= 6}
    return values


def test_no_identity_in_the_patient_objects(built):
    con = built.connect()
    secrets = secrets_of(con, built.reference)
    assert len(secrets) > 300
    checked = 0
    for obj in OBJECTS:
        cols = [d[0] for d in con.execute(f"SELECT * FROM {obj} LIMIT 0").description]
        assert not {"ho_ten", "so_cccd", "ma_the_bhyt", "ma_bn", "ngay_sinh", "giay_chuyen_tuyen"} & set(cols)
        for col in cols:
            for (v,) in con.execute(f'SELECT DISTINCT CAST("{col}" AS VARCHAR) FROM {obj}').fetchall():
                if v is not None:
                    assert not any(s in v for s in secrets), f"{obj}.{col} shows an identity"
                    checked += 1
    assert checked > 500
    con.close()


@pytest.fixture
def copy(built, tmp_path):
    """A private copy of the warehouse file (the Parquet files behind its views are shared, read-only)."""
    target = tmp_path / "warehouse.duckdb"
    shutil.copy(built.warehouse, target)
    return target


def test_every_patient_object_and_column_is_documented(copy):
    con = duckdb.connect(str(copy))
    apply_comments(con)
    documented = {d.name: d for d in all_docs()}
    for obj in (*OBJECTS, "ref.eligibility"):
        schema, name = obj.split(".")
        assert obj in documented and documented[obj].grain.startswith("one row per"), obj
        (comment,) = con.execute(
            "SELECT comment FROM duckdb_tables() WHERE schema_name = ? AND table_name = ? "
            "UNION ALL SELECT comment FROM duckdb_views() WHERE schema_name = ? AND view_name = ?",
            [schema, name, schema, name],
        ).fetchone()
        assert comment and "Grain:" in comment
        cols = con.execute(
            "SELECT column_name, comment FROM duckdb_columns() WHERE schema_name = ? AND table_name = ?",
            [schema, name],
        ).fetchall()
        assert [c for c, _ in cols] == list(documented[obj].columns), obj
        assert all(comment for _, comment in cols), obj
    assert set(patients.dictionary_objects()) == set(OBJECTS)
    con.close()


def test_the_example_queries_for_people_answer(built):
    con = built.connect()
    examples = {title: sql for title, sql in example_queries()}
    timeline = next(sql for title, sql in examples.items() if title.startswith("One patient's last twelve"))
    open_referrals = next(sql for title, sql in examples.items() if title.startswith("Referrals sent by"))
    rows = con.execute(timeline.rstrip().rstrip(";")).fetchall()
    most = con.execute("SELECT max(facilities) FROM core.patients").fetchone()[0]
    assert most >= 2 and len({r[1] for r in rows}) == most
    assert [r[0] for r in rows] == sorted(r[0] for r in rows)
    rows = con.execute(open_referrals.rstrip().rstrip(";")).fetchall()
    expected = con.execute(
        "SELECT from_ma_lk FROM core.referrals WHERE status = 'never_arrived' AND from_macskcb LIKE '79%'"
    ).fetchall()
    assert sorted(r[1] for r in rows) == sorted(r[0] for r in expected)
    con.close()


@pytest.fixture(scope="module")
def analytics(built, tmp_path_factory):
    """The analytics copies of the patient tests' warehouse under both profiles (profile -> file), wired as
    the warehouse build will (patients tables copied, the views a derived builder); built once for the tests
    that read them."""
    folder = tmp_path_factory.mktemp("patients-analytics")
    out = {}
    for profile in ("limited", "deidentified"):
        out[profile] = folder / f"analytics-{profile}.duckdb"
        build_analytics(
            built.warehouse,
            out[profile],
            key=KEY,
            run_id=f"patients-test-{profile}",
            derived=[patients.create_patient_objects],
            copied=["core.patients", "core.patient_timeline"],
            profile=profile,
        )
    return out


def test_the_views_are_the_same_on_the_analytics_copy(built, analytics):
    """The analytics copy answers the same referral and appointment questions."""
    full, copy = built.connect(), duckdb.connect(str(analytics["limited"]), read_only=True)
    for obj in OBJECTS:
        sql = f"SELECT * FROM {obj} ORDER BY ALL"
        assert full.execute(sql).fetchall() == copy.execute(sql).fetchall(), obj
    copy.close()
    # the de-identified copy takes them from the full warehouse: the same outcomes and delays in days
    copy = duckdb.connect(str(analytics["deidentified"]), read_only=True)
    for obj in ("core.referrals", "core.appointments"):
        sql = f"SELECT status, delay_days FROM {obj} ORDER BY ALL"
        assert full.execute(sql).fetchall() == copy.execute(sql).fetchall(), obj
    full.close()
    copy.close()


@pytest.mark.parametrize("profile", PROFILES)
def test_the_analytics_copy_holds_no_card_number_of_the_list(built, analytics, profile):
    full = built.connect()
    cards = {v for (v,) in full.execute("SELECT ma_the_bhyt FROM ref.eligibility").fetchall()}
    full.close()
    con = duckdb.connect(str(analytics[profile]), read_only=True)
    listed = {v for (v,) in con.execute("SELECT ma_the_bhyt FROM ref.eligibility").fetchall()}
    con.close()
    assert cards and len(listed) == len(cards) and not listed & cards


def test_a_view_that_differs_from_its_documentation_is_refused(copy, monkeypatch, tmp_path):
    folder = tmp_path / "patients"
    shutil.copytree(patients.SQL_DIR, folder)
    path = folder / "referrals.sql"
    text = path.read_text(encoding="utf-8")
    assert "\n-- column status: " in text
    path.write_text(text.replace("\n-- column status: ", "\n-- column state: "), encoding="utf-8")
    monkeypatch.setattr(patients, "SQL_DIR", folder)
    con = duckdb.connect(str(copy))
    refused = r"referrals\.sql: core\.referrals has columns \['status'.*documents \['state'"
    with pytest.raises(TerminalError, match=refused):
        patients.create_patient_objects(con)
    con.close()


def test_a_linking_step_that_differs_from_its_documentation_is_refused(built, monkeypatch, tmp_path):
    folder = tmp_path / "helpers"
    shutil.copytree(patients.HELPER_DIR, folder)
    path = folder / "anchor.sql"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("AS anchor FROM", "AS root FROM"), encoding="utf-8")
    monkeypatch.setattr(patients, "HELPER_DIR", folder)
    target = tmp_path / "w.duckdb"
    shutil.copy(built.warehouse, target)
    con = duckdb.connect(str(target))
    with pytest.raises(TerminalError, match=r"anchor\.sql: _pk_anchor has columns \['cid', 'root'\]"):
        patients.build_patients(con, KEY)
    con.close()


def test_the_generator_writes_the_eligibility_list_with_the_columns_ref_eligibility_documents():
    assert HEADER == patients.eligibility_columns() == tuple(parse_file(patients.ELIGIBILITY_SQL).columns)
    assert HEADER[0] == "ma_the_bhyt" and len(HEADER) == 7
