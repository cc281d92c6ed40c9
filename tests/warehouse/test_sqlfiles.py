"""The one SQL header grammar (pipelines.common.sqlheader) and the one runner (pipelines.warehouse.sqlfiles):
every file of pipelines/sql follows it, a wrong header is refused naming its file and line, and a relation
whose columns differ from its header is refused when it is built."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import duckdb
import pytest

from pipelines.common.paths import SQL_ROOT
from pipelines.common.sqlheader import (
    FORMATS,
    KIND_OF_FOLDER,
    SCHEMAS,
    SqlFileError,
    kind_of,
    parse_file,
    parse_text,
)
from pipelines.warehouse.sqlfiles import create, folder_files, object_files

REPO = Path(__file__).resolve().parents[2]
HERE = Path("/sql/x.sql")

VIEW = """-- object: main.v
-- grain: one row per thing
-- description: a view
-- column a: the first
-- column b: the second
CREATE OR REPLACE VIEW main.v AS SELECT 1 AS a, 2 AS b
"""


def test_every_sql_file_follows_the_grammar_of_its_kind():
    files = [parse_file(p) for p in sorted(SQL_ROOT.rglob("*.sql"))]
    kinds = Counter(f.kind for f in files)
    assert kinds["rule"] >= 100 and kinds["object"] >= 25 and kinds["example"] >= 10 and kinds["helper"] >= 10
    for f in files:
        if f.kind in ("object", "helper"):
            assert f.grain.startswith("one row per") and f.columns and all(f.columns.values()), f.path
    # every folder of a kind other than object exists: a renamed folder cannot silently change kinds
    for folder, kind in KIND_OF_FOLDER.items():
        assert (SQL_ROOT / folder).is_dir() and kind in SCHEMAS
        assert all(kind_of(p) == kind for p in (SQL_ROOT / folder).glob("*.sql"))


def test_continuations_separators_and_regular_expressions():
    text = (
        "-- title: the question\n--   that goes on\n--\n-- grain: one row per answer\n"
        "SELECT regexp_matches(x, '^[A-Z]\\d{3}$') FROM (SELECT 'A123' AS x)\n"
    )
    f = parse_text(text, HERE, "example")
    assert f.title == "the question that goes on" and f.body.startswith("SELECT regexp_matches")
    assert f.body_line == 5 and f.lines["grain"] == 4


def test_the_body_starts_after_the_header_and_blank_lines():
    f = parse_text(VIEW.replace("CREATE", "\n\nCREATE"), HERE, "object")
    assert f.body_line == 8 and f.body.startswith("CREATE OR REPLACE VIEW main.v")
    assert list(f.columns) == ["a", "b"] and f.name == "main.v"


@pytest.mark.parametrize(
    "change, error",
    [
        (("-- grain: one row per thing", "-- grain one row per thing"), r"x\.sql:2: not a header line"),
        (("-- grain: one row per thing", "--grain: one row per thing"), r"x\.sql:2: not a header line"),
        (("-- grain: one row per thing", "-- grain:"), r"x\.sql:2: not a header line"),
        (
            ("-- grain: one row per thing", "--\n--   one row per thing"),
            r"x\.sql:3: a continuation line with no entry",
        ),
        (("-- description: a view", "-- descripton: a view"), r"x\.sql:3: unknown key 'descripton'"),
        (
            ("-- column b: the second", "-- column a: again"),
            r"x\.sql:5: 'column a' given twice \(first on line 4\)",
        ),
        (("-- grain: one row per thing", "-- grain XML2: one row"), r"x\.sql:2: 'grain' takes no argument"),
        (("-- column a: the first", "-- column: the first"), r"x\.sql:4: 'column' needs its column"),
        (
            ("-- column a: the first", "-- column A: the first"),
            r"x\.sql:4: column 'A': a column is a lower-case",
        ),
        (("-- object: main.v", "-- object: main v"), r"x\.sql:1: object 'main v' is not a relation name"),
        (("-- description: a view\n", ""), r"x\.sql: header lacks description"),
        (
            ("-- object: main.v", "-- object: main.w"),
            r"x\.sql:1: the header names main.w but the file creates main.v",
        ),
        (("AS b\n", "AS b;\nSELECT 1\n"), r"x\.sql: a file holds ONE statement"),
        (
            ("CREATE OR REPLACE VIEW main.v AS SELECT 1 AS a, 2 AS b\n", ""),
            r"x\.sql: nothing after the header",
        ),
        (("2 AS b", "${two} AS b"), r"x\.sql:6: unknown placeholder \$\{two\}"),
        (
            ("-- column a", "-- param two: a number\n-- column a"),
            r"x\.sql:4: param 'two' is declared but not used",
        ),
        (
            ("-- column a", "-- report_title: Tiêu đề\n-- column a"),
            r"x\.sql:4: 'report_title' only goes with 'report'",
        ),
        (
            ("-- column b: the second\n", "-- column b: the second\n-- report: r\n"),
            "header lacks report_title",
        ),
    ],
)
def test_a_wrong_header_is_refused_naming_file_and_line(change, error):
    old, new = change
    assert old in VIEW
    with pytest.raises(SqlFileError, match=error):
        parse_text(VIEW.replace(old, new), HERE, "object")


REPORT = """-- report: r
-- report_title: Báo cáo
-- report_order: a
-- report_label: b
-- report_frozen: 1
-- title b: Tên | text
-- title a: Số tiền | money
"""


def test_a_report_layout_comes_from_the_header():
    f = parse_text(VIEW.replace("CREATE", REPORT + "CREATE"), HERE, "object")
    assert f.report is not None
    assert [(c.name, c.title, c.format, c.total) for c in f.report.columns] == [
        ("b", "Tên", "text", False),
        ("a", "Số tiền", "money", True),
    ]
    assert (f.report.name, f.report.view, f.report.title, f.report.order_by) == (
        "r",
        "main.v",
        "Báo cáo",
        ("a",),
    )
    assert f.report.headers == ["Tên", "Số tiền"] and not f.report.totals_in_view


@pytest.mark.parametrize(
    "change, error",
    [
        (("-- title a: Số tiền | money", "-- title c: Số tiền | money"), "title c: no '-- column c:'"),
        (("| money", "| dollars"), "format 'dollars' is not one of " + ", ".join(FORMATS)),
        (("-- report_label: b", "-- report_label: c"), "report_label: c is not a shown column"),
        (("-- report_order: a", "-- report_order: a, c"), "report_order: c is not a documented column"),
        (("-- report_frozen: 1", "-- report_frozen: 3"), "report_frozen 3 > 2 shown columns"),
        (("-- title b: Tên | text", "-- title b: | text"), "title b: the title is empty"),
    ],
)
def test_a_wrong_report_layout_is_refused(change, error):
    old, new = change
    with pytest.raises(SqlFileError, match=error):
        parse_text(VIEW.replace("CREATE", REPORT.replace(old, new) + "CREATE"), HERE, "object")


def test_every_payment_report_sums_its_money_and_counts_only():
    reports = [f.report for f in object_files() if f.report is not None]
    assert {r.name for r in reports} == {"7980a", "c79a", "c80a", "m19", "m20", "m21"}
    for r in reports:
        assert any(c.format == "money" for c in r.columns)
        assert all(c.total == (c.format in ("money", "count")) for c in r.columns)


def test_a_file_is_parsed_again_when_its_text_changes(tmp_path):
    """parse_file keeps what it parsed by the file's text: the same text is parsed once, a changed file (same
    size, same second) is parsed again, and a file that fails fails every time."""
    path = tmp_path / "v.sql"
    path.write_text(VIEW, encoding="utf-8")
    first = parse_file(path)
    assert parse_file(path) is first
    path.write_text(VIEW.replace("the first", "the 1st!!"), encoding="utf-8")  # same length
    assert parse_file(path).columns["a"] == "the 1st!!"
    path.write_text(VIEW.replace("-- grain: one row per thing\n", ""), encoding="utf-8")
    for _ in range(2):
        with pytest.raises(SqlFileError, match="grain"):
            parse_file(path)


# -- the runner ---------------------------------------------------------------------------------------------
def test_a_relation_is_built_and_checked_against_its_header(tmp_path):
    con = duckdb.connect()
    f = parse_text(VIEW, tmp_path / "v.sql", "object")
    assert create(con, f) == "main.v"
    swapped = parse_text(VIEW.replace("1 AS a, 2 AS b", "2 AS b, 1 AS a"), tmp_path / "v.sql", "object")
    with pytest.raises(SqlFileError, match=r"v\.sql: main\.v has columns \['b', 'a'\], its header documents"):
        create(con, swapped)
    broken = parse_text(VIEW.replace("1 AS a", "nothing AS a"), tmp_path / "v.sql", "object")
    with pytest.raises(SqlFileError, match=r"v\.sql: main\.v could not be built"):
        create(con, broken)


def test_parameters_are_declared_and_given(tmp_path):
    con = duckdb.connect()
    text = VIEW.replace("-- column a", "-- param one: a number\n-- column a").replace("1 AS a", "${one} AS a")
    f = parse_text(text, tmp_path / "v.sql", "object")
    with pytest.raises(SqlFileError, match=r"v\.sql: no value for \$\{one\}"):
        create(con, f)
    create(con, f, {"one": 7, "other": "ignored"})
    assert con.execute("SELECT a, b FROM main.v").fetchall() == [(7, 2)]


def test_a_folder_runs_in_the_order_given_and_every_file_must_be_listed(tmp_path):
    (tmp_path / "v.sql").write_text(VIEW, encoding="utf-8")
    (tmp_path / "w.sql").write_text(VIEW.replace("main.v", "main.w"), encoding="utf-8")
    assert [f.name for f in folder_files(tmp_path, ("w.sql", "v.sql"), "object")] == ["main.w", "main.v"]
    assert [f.name for f in folder_files(tmp_path, kind="object")] == ["main.v", "main.w"]
    with pytest.raises(
        SqlFileError, match=r"not in the execution order \['w\.sql'\], listed but absent \['x\.sql'\]"
    ):
        folder_files(tmp_path, ("v.sql", "x.sql"), "object")


def test_only_objects_and_helpers_create_something(tmp_path):
    example = parse_text("-- title: t\n-- grain: one row per x\nSELECT 1\n", tmp_path / "e.sql", "example")
    with pytest.raises(SqlFileError, match=r"e\.sql: a file of kind 'example' creates nothing"):
        create(duckdb.connect(), example)


def test_the_convention_is_documented_key_by_key():
    doc = (REPO / "docs" / "sql-files.md").read_text(encoding="utf-8")
    for schema in SCHEMAS.values():
        assert f"`{schema.kind}`" in doc, schema.kind
        for key in schema.keys:
            assert f"`{key.name}" in doc, f"docs/sql-files.md does not describe the key {key.name!r}"
    for fmt in FORMATS:
        assert f"`{fmt}`" in doc, fmt
