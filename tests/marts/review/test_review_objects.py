"""Rule loading, evaluation contract and the review objects (findings, queue, hit rates, repeat services)."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import duckdb
import pytest

from pipelines.marts import review
from pipelines.warehouse.sqlfiles import folder_files

GOOD_HEADER = """-- code: {code}
-- severity: warning
-- table: XML1
-- field: T_THUOC
-- message_vi: thông điệp
-- message_en: message
-- grain: one row per offending claim
-- source: test
-- enabled: true
"""
GOOD_BODY = (
    "SELECT macskcb, ma_lk, 'XML1' AS loaihoso, 'T_THUOC' AS field, 'x' AS value FROM chk.xml1 WHERE false\n"
)


def write_rule(folder: Path, code: str, text: str) -> Path:
    path = folder / f"{code}.sql"
    path.write_text(text, encoding="utf-8")
    return path


# -- rules as data ------------------------------------------------------------------------------------------
def test_rule_files_are_complete(rules):
    assert len(rules) >= 170
    for r in rules:
        prefix, tables, name = r.path.stem.split(".")
        assert r.code == f"{prefix}.{r.table if '+' in tables else tables}.{name}" and prefix == "BIZ"
        assert r.table in tables.split("+") or tables == "CARD"
        assert r.severity in review.SEVERITIES
        assert re.fullmatch(r"XML([1-9]|1[0-5])", r.table)
        assert r.grain.startswith("one row per")
        # the source names a regulation (QĐ, TT), the project's notes on the standard, the catalogues, or the
        # public practice (checker) the rule follows
        sourced = r"STANDARD\.md|ANCHORS\.md|data/catalogs|QĐ \d+|TT \d+|public practice"
        assert re.search(sourced, r.source), r.code
        assert r.message_vi and r.message_en and r.field
    assert {r.severity for r in rules} == set(review.SEVERITIES)
    assert [r.code for r in rules if not r.enabled] == ["BIZ.XML1.T_TONGCHI_BH_BALANCE"]


def test_load_rules_fails_loudly(tmp_path):
    write_rule(tmp_path, "BIZ.XML1.OK", GOOD_HEADER.format(code="BIZ.XML1.OK") + GOOD_BODY)
    assert [r.code for r in review.load_rules(tmp_path)] == ["BIZ.XML1.OK"]

    bad = tmp_path / "bad"
    bad.mkdir()
    write_rule(
        bad,
        "BIZ.XML1.NOSEV",
        GOOD_HEADER.format(code="BIZ.XML1.NOSEV").replace("-- severity: warning\n", "") + GOOD_BODY,
    )
    with pytest.raises(review.RuleDefinitionError, match=r"BIZ\.XML1\.NOSEV\.sql: header lacks severity"):
        review.load_rules(bad)
    (bad / "BIZ.XML1.NOSEV.sql").unlink()
    write_rule(
        bad, "BIZ.XML1.SEV", GOOD_HEADER.format(code="BIZ.XML1.SEV").replace("warning", "fatal") + GOOD_BODY
    )
    with pytest.raises(
        review.RuleDefinitionError, match=r"BIZ\.XML1\.SEV\.sql:2: severity 'fatal' is not one of error"
    ):
        review.load_rules(bad)
    (bad / "BIZ.XML1.SEV.sql").unlink()
    write_rule(bad, "BIZ.XML1.NAME", GOOD_HEADER.format(code="BIZ.XML1.OTHER") + GOOD_BODY)
    with pytest.raises(review.RuleDefinitionError, match="equal the file name"):
        review.load_rules(bad)
    (bad / "BIZ.XML1.NAME.sql").unlink()
    write_rule(
        bad, "BIZ.XML1.TWO", GOOD_HEADER.format(code="BIZ.XML1.TWO") + GOOD_BODY.strip() + ";\nSELECT 1"
    )
    with pytest.raises(review.RuleDefinitionError, match="ONE statement"):
        review.load_rules(bad)


def test_failing_rule_names_its_file(scratch, tmp_path):
    write_rule(
        tmp_path,
        "BIZ.XML1.BROKEN",
        GOOD_HEADER.format(code="BIZ.XML1.BROKEN") + "SELECT macskcb, ma_lk, no_such_column FROM chk.xml1\n",
    )
    (rule,) = review.load_rules(tmp_path)
    with pytest.raises(review.RuleExecutionError, match=r"BIZ\.XML1\.BROKEN.*BIZ\.XML1\.BROKEN\.sql"):
        review.evaluate(scratch, [rule], scope="core.claim_current")
    wrong_cols = dataclasses.replace(rule, sql="SELECT macskcb, ma_lk FROM chk.xml1")
    with pytest.raises(review.RuleExecutionError, match="returns columns"):
        review.evaluate(scratch, [wrong_cols], scope="core.claim_current")


def test_evaluate_contract(scratch, rules):
    """Columns, scope, disabled rules, and the chk catalogue is gone afterwards."""
    (mac, lk) = scratch.execute("SELECT macskcb, ma_lk FROM core.xml1 ORDER BY ALL LIMIT 1").fetchone()
    scratch.execute(
        "UPDATE core.xml1 SET t_thuoc = t_thuoc + 5000, can_nang = NULL WHERE macskcb = ? AND ma_lk = ?",
        [mac, lk],
    )
    table = review.evaluate(scratch, rules, scope="core.claim_current")
    assert table.schema.names == review.FINDINGS_SCHEMA.names
    mine = [r for r in table.to_pylist() if (r["macskcb"], r["ma_lk"]) == (mac, lk)]
    assert {"BIZ.XML1.T_THUOC_SUM", "BIZ.XML1.CAN_NANG_REQUIRED"} <= {r["rule_code"] for r in mine}
    (sha,) = scratch.execute(
        "SELECT source_sha256 FROM core.claim_current WHERE macskcb = ? AND ma_lk = ?", [mac, lk]
    ).fetchone()
    assert {r["source_sha256"] for r in mine} == {sha}
    # the disabled rule does not run; ``disabled`` turns more off
    assert "BIZ.XML1.T_TONGCHI_BH_BALANCE" not in table.column("rule_code").to_pylist()
    table = review.evaluate(
        scratch, rules, scope="core.claim_current", disabled={"BIZ.XML1.T_THUOC_SUM"}, materialize=True
    )
    assert "BIZ.XML1.T_THUOC_SUM" not in table.column("rule_code").to_pylist()
    # scope: another claim only -> nothing about this one
    scratch.execute(
        "CREATE OR REPLACE TABLE main.other AS SELECT * FROM core.claim_current "
        "WHERE NOT (macskcb = ? AND ma_lk = ?)",
        [mac, lk],
    )
    table = review.evaluate(scratch, rules, scope="main.other", materialize=True)
    assert (mac, lk) not in set(
        zip(table.column("macskcb").to_pylist(), table.column("ma_lk").to_pylist(), strict=True)
    )
    assert "chk" not in {
        r[0] for r in scratch.execute("SELECT database_name FROM duckdb_databases()").fetchall()
    }


# -- review objects -----------------------------------------------------------------------------------------
def build_objects(con, rules, **kw):
    findings = review.evaluate(con, rules, scope="core.claim_current")
    con.register("_f", findings)
    con.execute("CREATE OR REPLACE TABLE main.findings_all AS SELECT * FROM _f")
    con.unregister("_f")
    review.create_review_objects(con, rules, "main.findings_all", **kw)


def test_queue_hit_rates_and_findings_view(scratch, rules):
    a, b = scratch.execute(
        "SELECT macskcb, ma_lk FROM core.xml1 WHERE macskcb = (SELECT min(macskcb) FROM core.xml1) "
        "AND ma_loai_kcb = '01' ORDER BY ma_lk LIMIT 2"
    ).fetchall()
    scratch.execute(
        "UPDATE core.xml1 SET t_thuoc = t_thuoc + 5000 WHERE macskcb = ? AND ma_lk = ?", list(a)
    )  # error
    scratch.execute(
        "UPDATE core.xml1 SET can_nang = NULL WHERE macskcb = ? AND ma_lk = ?", list(b)
    )  # warning
    build_objects(scratch, rules)

    (n_rules,) = scratch.execute("SELECT count(*) FROM review.rules").fetchone()
    assert n_rules == len(rules)
    cols = [d[0] for d in scratch.execute("SELECT * FROM review.findings LIMIT 0").description]
    for c in (
        "macskcb",
        "ma_lk",
        "rule_code",
        "severity",
        "loaihoso",
        "field",
        "value",
        "message_vi",
        "message_en",
    ):
        assert c in cols

    queue = scratch.execute(
        "SELECT ma_lk, priority, top_severity, errors, warnings, rule_codes FROM review.queue "
        "WHERE macskcb = ? AND ma_lk IN (?, ?) ORDER BY priority",
        [a[0], a[1], b[1]],
    ).fetchall()
    assert [q[0] for q in queue] == [a[1], b[1]]  # the claim with an error comes first
    assert queue[0][2] == "error" and queue[0][3] >= 1 and "BIZ.XML1.T_THUOC_SUM" in queue[0][5]
    assert queue[1][2] == "warning" and queue[1][3] == 0 and queue[1][4] >= 1
    priorities = scratch.execute(
        "SELECT macskcb, nam_qt, thang_qt, list(priority ORDER BY priority) FROM review.queue GROUP BY ALL"
    ).fetchall()
    for *_, ps in priorities:
        assert ps == list(range(1, len(ps) + 1))

    (n_claims,) = scratch.execute("SELECT count(*) FROM core.claim_current").fetchone()
    rate = scratch.execute(
        "SELECT claims_checked, claims_hit, hit_rate FROM review.rule_hit_rates "
        "WHERE rule_code = 'BIZ.XML1.T_THUOC_SUM'"
    ).fetchone()
    assert rate[0] == n_claims and rate[1] == 1 and float(rate[2]) == pytest.approx(1 / n_claims, abs=1e-4)
    off = scratch.execute(
        "SELECT enabled, claims_checked, hit_rate FROM review.rule_hit_rates "
        "WHERE rule_code = 'BIZ.XML1.T_TONGCHI_BH_BALANCE'"
    ).fetchone()
    assert off == (False, 0, None)
    (n_rates,) = scratch.execute("SELECT count(*) FROM review.rule_hit_rates").fetchone()
    assert n_rates == len(rules)

    # disabling a rule hides its findings; a newer version of the claim hides the old version's findings
    scratch.execute("UPDATE review.rules SET enabled = false WHERE rule_code = 'BIZ.XML1.CAN_NANG_REQUIRED'")
    assert not scratch.execute(
        "SELECT * FROM review.findings WHERE rule_code = 'BIZ.XML1.CAN_NANG_REQUIRED'"
    ).fetchall()
    scratch.execute(
        "UPDATE core.claim_current SET source_sha256 = 'new-version' WHERE macskcb = ? AND ma_lk = ?", list(a)
    )
    assert not scratch.execute(
        "SELECT * FROM review.findings WHERE macskcb = ? AND ma_lk = ?", list(a)
    ).fetchall()


def make_repeat(con, days: int) -> tuple[tuple, tuple, str]:
    """Copy a claim with a paraclinical line to another facility, ``days`` later (same patient): returns
    (first claim, repeat claim, service code)."""
    mac, lk, stt, svc = con.execute(
        "SELECT macskcb, ma_lk, stt, ma_dich_vu FROM core.xml3 WHERE ma_nhom IN ('1', '2', '3') "
        "ORDER BY ALL LIMIT 1"
    ).fetchone()
    other = con.execute("SELECT min(macskcb) FROM core.xml1 WHERE macskcb <> ?", [mac]).fetchone()[0]
    new_lk = lk + "R"
    shift = f"INTERVAL {days} DAY"
    con.execute(
        f"INSERT INTO core.xml1 SELECT * REPLACE (?::VARCHAR AS macskcb, ?::VARCHAR AS ma_lk, "
        f"'sha-r' AS source_sha256, ngay_vao + {shift} AS ngay_vao, ngay_ra + {shift} AS ngay_ra) "
        "FROM core.xml1 WHERE macskcb = ? AND ma_lk = ?",
        [other, new_lk, mac, lk],
    )
    con.execute(
        f"INSERT INTO core.xml3 SELECT * REPLACE (?::VARCHAR AS macskcb, ?::VARCHAR AS ma_lk, "
        "'sha-r' AS source_sha256, "
        f"ngay_yl + {shift} AS ngay_yl, ngay_th_yl + {shift} AS ngay_th_yl, ngay_kq + {shift} AS ngay_kq) "
        "FROM core.xml3 WHERE macskcb = ? AND ma_lk = ? AND stt = ?",
        [other, new_lk, mac, lk, stt],
    )
    con.execute(
        "INSERT INTO core.claim_current (macskcb, ma_lk, version, source_sha256) VALUES (?, ?, 1, 'sha-r')",
        [other, new_lk],
    )
    return (mac, lk), (other, new_lk), svc


def test_the_queue_puts_the_money_first_in_exact_decimals(scratch, rules):
    """Issue 14 item 4: a claim with one error that puts money at stake comes before a claim with more errors
    that put none; the queue's, the findings' and the savings' amounts are DECIMAL, never a float."""
    (mac, year, month, n) = scratch.execute(
        "SELECT macskcb, nam_qt, thang_qt, count(*) FROM core.xml1 AS x1 WHERE EXISTS (SELECT 1 "
        "FROM core.xml2 l WHERE l.macskcb = x1.macskcb AND l.ma_lk = x1.ma_lk AND l.ma_nhom = '4' "
        "AND l.t_bhtt > 0) "
        "GROUP BY ALL ORDER BY 4 DESC, 1, 2, 3 LIMIT 1"
    ).fetchone()
    assert n >= 2
    (a, b) = scratch.execute(
        "SELECT ma_lk FROM core.xml1 AS x1 WHERE macskcb = ? AND nam_qt = ? AND thang_qt = ? AND EXISTS "
        "(SELECT 1 FROM core.xml2 l WHERE l.macskcb = x1.macskcb AND l.ma_lk = x1.ma_lk AND l.ma_nhom = '4' "
        "AND l.t_bhtt > 0) ORDER BY ma_lk LIMIT 2",
        [mac, year, month],
    ).fetchall()
    # a: four totals wrong (four errors, nothing the fund pays at stake)
    scratch.execute(
        "UPDATE core.xml1 SET t_thuoc = t_thuoc + 5000, t_tongchi_bv = t_tongchi_bv + 5000, "
        "t_vtyt = coalesce(t_vtyt, 0) + 5000, t_tongchi_bh = t_tongchi_bh + 5000 "
        "WHERE macskcb = ? AND ma_lk = ?",
        [mac, a[0]],
    )
    # b: one drug line without its tender (fewer errors; the line's T_BHTT at stake)
    scratch.execute(
        "UPDATE core.xml2 SET tt_thau = NULL WHERE macskcb = ? AND ma_lk = ? AND stt = (SELECT min(stt) "
        "FROM core.xml2 WHERE macskcb = ? AND ma_lk = ? AND ma_nhom = '4' AND t_bhtt > 0)",
        [mac, b[0], mac, b[0]],
    )
    (line_bhtt,) = scratch.execute(
        "SELECT t_bhtt FROM core.xml2 WHERE macskcb = ? AND ma_lk = ? AND tt_thau IS NULL", [mac, b[0]]
    ).fetchone()
    build_objects(scratch, rules)
    queue = scratch.execute(
        "SELECT ma_lk, errors, amount_at_stake FROM review.queue WHERE macskcb = ? AND ma_lk IN (?, ?) "
        "ORDER BY priority",
        [mac, a[0], b[0]],
    ).fetchall()
    assert [q[0] for q in queue] == [b[0], a[0]]  # the money first, though a has more errors
    assert queue[0][2] >= round(line_bhtt, 0) > 0 and queue[1][2] == 0 and queue[1][1] > queue[0][1]
    types = dict(
        scratch.execute(
            "SELECT table_name || '.' || column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'review' AND column_name IN ('amount', 'amount_at_stake')"
        ).fetchall()
    )
    assert types == {
        "findings.amount": "DECIMAL(18,2)",
        "queue.amount_at_stake": "DECIMAL(18,2)",
        "savings.amount": "DECIMAL(18,2)",
        "rules.amount": "VARCHAR",  # what a finding's amount is, in words
    }
    bad = scratch.execute("SELECT count(*) FROM review.findings WHERE coalesce(amount, -1) < 0").fetchone()
    assert bad == (0,)


def test_repeat_services(scratch, rules):
    first, repeat, svc = make_repeat(scratch, days=5)
    build_objects(scratch, [], repeat_window_days=30)
    cols = [d[0] for d in scratch.execute("SELECT * FROM review.repeat_services LIMIT 0").description]
    for forbidden in ("ma_the_bhyt", "so_cccd", "ho_ten", "pkey", "ma_bn", "patient_key"):
        assert not any(forbidden in c for c in cols)
    rows = scratch.execute(
        "SELECT first_macskcb, first_ma_lk, repeat_macskcb, repeat_ma_lk, ma_dich_vu, days_between, "
        "window_days, "
        "repeat_thanh_tien_bh FROM review.repeat_services WHERE repeat_ma_lk = ?",
        [repeat[1]],
    ).fetchall()
    (cost,) = scratch.execute(
        "SELECT thanh_tien_bh FROM core.xml3 WHERE macskcb = ? AND ma_lk = ? AND ma_dich_vu = ?",
        [*repeat, svc],
    ).fetchone()
    assert rows == [(*first, *repeat, svc, 5, 30, cost)]
    # nothing identifying anywhere in the view's values
    card, cccd = scratch.execute(
        "SELECT ma_the_bhyt, so_cccd FROM core.xml1 WHERE macskcb = ? AND ma_lk = ?", list(first)
    ).fetchone()
    for row in scratch.execute("SELECT * FROM review.repeat_services").fetchall():
        assert card not in map(str, row) and cccd not in map(str, row)
    # the window is baked into the view
    build_objects(scratch, [], repeat_window_days=3)
    assert not scratch.execute(
        "SELECT * FROM review.repeat_services WHERE repeat_ma_lk = ?", [repeat[1]]
    ).fetchall()


def test_repeat_at_the_same_facility_is_not_listed(scratch):
    mac, lk, stt = scratch.execute(
        "SELECT macskcb, ma_lk, stt FROM core.xml3 WHERE ma_nhom IN ('1', '2', '3') ORDER BY ALL LIMIT 1"
    ).fetchone()
    scratch.execute(
        "INSERT INTO core.xml1 SELECT * REPLACE (ma_lk || 'S' AS ma_lk) FROM core.xml1 "
        "WHERE macskcb = ? AND ma_lk = ?",
        [mac, lk],
    )
    scratch.execute(
        "INSERT INTO core.xml3 SELECT * REPLACE (ma_lk || 'S' AS ma_lk, ngay_yl + INTERVAL 2 DAY AS ngay_yl, "
        "ngay_th_yl + INTERVAL 2 DAY AS ngay_th_yl) FROM core.xml3 "
        "WHERE macskcb = ? AND ma_lk = ? AND stt = ?",
        [mac, lk, stt],
    )
    build_objects(scratch, [])
    assert not scratch.execute(
        "SELECT * FROM review.repeat_services WHERE repeat_ma_lk = ? OR first_ma_lk = ?", [lk + "S", lk + "S"]
    ).fetchall()


def test_object_files_document_grain():
    files = review.object_files() + folder_files(review.REF_DIR)
    assert {f.name for f in files} >= {
        "review.rules",
        "review.findings",
        "review.queue",
        "review.rule_hit_rates",
        "review.repeat_services",
        "ref.icd10",
        "ref.ma_nhom",
        "ref.ma_loai_kcb",
    }
    for f in files:
        assert f.name.split(".")[0] in ("review", "ref")
        assert f.grain.startswith("one row per")
        assert len(f.description) > 20
    # every ref table documented is one load_reference creates, and the other way round (on a connection of
    # its own: the scratch's ``ref`` holds the catalogues the other tests read)
    with duckdb.connect() as con:
        created = set(review.load_reference(con))
    assert created == {f.name for f in files if f.name.startswith("ref.")}


def test_the_scope_makes_what_the_rules_read(scratch, rules):
    """``open_scope(reads=...)`` makes the chk relations named, the helpers they read and chk.xml1 (the
    claims); every rule still answers over the scope made for it alone."""

    def made() -> set[str]:
        return {
            n
            for (n,) in scratch.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = 'chk' "
                "UNION ALL SELECT view_name FROM duckdb_views() WHERE database_name = 'chk'"
            ).fetchall()
        }

    staff = next(r for r in rules if "staff_codes" in review.scope_reads(r.sql))
    reads = review.scope_reads(staff.sql)
    assert "staff_codes" in reads and not {"xml6", "line_split"} & reads
    review.open_scope(scratch, "core.claim_current", reads=reads)
    try:
        objects = made()
        # the staff helper reads the staff fields of most tables: they are made for it, though the rule
        # names none of them
        assert {"scope", "claims", "xml1", "staff_codes", "xml2", "xml3", "xml4"} <= objects
        assert not {"xml6", "line_split", "catalog_drug_lines"} & objects
        scratch.execute(f"SELECT * FROM ({staff.sql})").fetchall()
    finally:
        review.close_scope(scratch)
    review.open_scope(scratch, "core.claim_current", reads=set())
    try:
        assert made() == {"scope", "claims", "xml1"}
    finally:
        review.close_scope(scratch)
    review.open_scope(scratch, "core.claim_current")  # None: everything
    try:
        assert {"line_split", "staff_codes", "xml6", "xml15"} <= made()
    finally:
        review.close_scope(scratch)
