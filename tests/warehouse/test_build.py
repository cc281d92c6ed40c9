"""The warehouse build: views over exactly the listed lake files, checked, then swapped in whole or not at
all.

The lake here is written by hand, as small as each case needs: claim ``A`` in two versions and claim ``B``
in one (XML1 rows, two XML2 lines each), their claim versions, and the files they came from.
"""

from __future__ import annotations

import shutil
import stat
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipelines.common.errors import TerminalError
from pipelines.standard import load_registry
from pipelines.standard.registry import ENVELOPE_TABLES
from pipelines.warehouse.build import build_warehouse
from pipelines.warehouse.ops import CLAIM_VERSIONS_SCHEMA, FILES_SCHEMA

REGISTRY = load_registry()
WHEN = datetime(2026, 11, 15, 2, 30, tzinfo=UTC)
FAC = "79001"
#: (ma_lk, version, source file's sha256, T_BHTT): A was corrected by a second file
VERSIONS = [("A", 1, "sha-a1", "100.00"), ("A", 2, "sha-a2", "120.00"), ("B", 1, "sha-b1", "50.50")]


def lineage(sha: str) -> dict:
    return {"source_sha256": sha, "macskcb": FAC, "received_at": WHEN, "standard_version": "QD4750"}


def write(lake: Path, rel: str, rows: list[dict], schema: pa.Schema) -> tuple[str, str, int]:
    path = lake / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), path)
    return rel, len(rows)


@pytest.fixture(scope="module")
def lake(tmp_path_factory) -> tuple[Path, list[tuple[str, str, int]]]:
    """The hand-written lake and its parts as the ledger lists them: (path, table, rows). Tests may add
    files to it: a file the parts do not list is never read (that is one of the tests)."""
    lake = tmp_path_factory.mktemp("build") / "lake"
    xml1 = [{"ma_lk": k, "t_bhtt": Decimal(m), **lineage(sha)} for k, _, sha, m in VERSIONS]
    xml2 = [
        {"ma_lk": k, "stt": i, "ma_thuoc": f"T{i}", **lineage(sha)}
        for k, _, sha, _ in VERSIONS
        for i in (1, 2)
    ]
    xml2_schema = REGISTRY.table_schema("XML2")
    versions = [
        {
            "macskcb": FAC,
            "ma_lk": k,
            "version": v,
            "source_sha256": sha,
            "file_name": f"{sha}.xml",
            "received_at": WHEN,
            "run_id": "r1",
        }
        for k, v, sha, _ in VERSIONS
    ]
    files = [
        {"arrival_id": i, "sha256": sha, "macskcb": FAC, "status": "accepted"}
        for i, (_, _, sha, _) in enumerate(VERSIONS)
    ]
    parts = [
        (*write(lake, "tables/xml1/r1-0.parquet", xml1, REGISTRY.table_schema("XML1")), "XML1"),
        (*write(lake, "tables/xml2/nam_qt=2026/thang_qt=10/r1-0.parquet", xml2, xml2_schema), "XML2"),
        (
            *write(lake, "ops/claim_versions/r1.parquet", versions, CLAIM_VERSIONS_SCHEMA),
            "core.claim_versions",
        ),
        (*write(lake, "ops/files/r1.parquet", files, FILES_SCHEMA), "ops.files"),
    ]
    return lake, [(rel, table, rows) for rel, rows, table in parts]


def run_row(run_id: str) -> dict:
    return {
        "run_id": run_id,
        "started_at": WHEN.isoformat(),
        "finished_at": WHEN.isoformat(),
        "state": "committed",
        "landing": "/landing",
        "summary": "{}",
    }


def build(lake_parts, target: Path, run_id: str = "r1", **kw):  # noqa: ANN201
    lake, parts = lake_parts
    return build_warehouse(
        lake, target, run_id=run_id, parts=kw.pop("parts", parts), runs=[run_row(run_id)], **kw
    )


def claims_seen(con: duckdb.DuckDBPyConnection) -> dict:
    """An ``extend`` (the marts' place in the build): a view over core, and what it reports."""
    con.execute("CREATE VIEW review.claims_seen AS SELECT count(*) AS n FROM core.xml1")
    return {"marts": {"review": 1}}


#: the half-built file a killed run left beside the warehouse, before run r1's build
STALE = ".warehouse.duckdb.r0.building"


@pytest.fixture(scope="module")
def built(lake) -> tuple[Path, dict]:
    """The warehouse of run r1 over the whole lake, built once: (its file, the build's report). What three
    tests look at is set up before that one build: a file in the lake that the parts do not list (a dead
    run renamed it into place but never committed it), a half-built file left beside the target by a
    killed run, and an ``extend``."""
    lake_dir, _ = lake
    orphan = [{"ma_lk": "Z", "stt": 1, **lineage("sha-z")}]
    write(lake_dir, "tables/xml2/nam_qt=2026/thang_qt=10/r9-0.parquet", orphan, REGISTRY.table_schema("XML2"))
    target = lake_dir.parent / "built" / "warehouse.duckdb"
    target.parent.mkdir()
    (target.parent / STALE).write_bytes(b"half")
    return target, build(lake, target, run_id="r1", extend=claims_seen)


@pytest.fixture
def old(built, tmp_path) -> Path:
    """A copy of run r1's warehouse where a test builds the next one."""
    target = tmp_path / "warehouse.duckdb"
    shutil.copy2(built[0], target)
    return target


def runs_in(warehouse: Path) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute("SELECT run_id FROM ops.runs").fetchall()
    finally:
        con.close()


def test_core_shows_each_claim_s_current_version_and_lake_every_version(built):
    target, report = built
    assert report["rows"] == {"XML1": 3, "XML2": 6, "core.claim_versions": 3, "ops.files": 3}
    con = duckdb.connect(str(target), read_only=True)
    assert con.execute("SELECT ma_lk, version, t_bhtt FROM core.xml1 ORDER BY ma_lk").fetchall() == [
        ("A", 2, Decimal("120.00")),
        ("B", 1, Decimal("50.50")),
    ]
    assert con.execute("SELECT count(*) FROM lake.xml1").fetchone() == (3,)
    assert con.execute("SELECT DISTINCT source_sha256 FROM core.xml2 ORDER BY 1").fetchall() == [
        ("sha-a2",),
        ("sha-b1",),
    ]
    assert con.execute("SELECT DISTINCT nam_qt, thang_qt FROM lake.xml2").fetchall() == [
        (2026, 10)
    ]  # from the path
    assert con.execute("SELECT ma_lk, version FROM core.claim_current ORDER BY ALL").fetchall() == [
        ("A", 2),
        ("B", 1),
    ]
    assert con.execute("SELECT run_id, state FROM ops.runs").fetchall() == [("r1", "committed")]
    con.close()
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert [p.name for p in target.parent.iterdir()] == ["warehouse.duckdb"]  # no temporary file left


def test_an_empty_lake_gives_every_object_empty_and_of_the_right_shape(tmp_path):
    target = tmp_path / "warehouse.duckdb"
    build_warehouse(tmp_path / "lake", target, run_id="r0", parts=[], runs=[])
    con = duckdb.connect(str(target), read_only=True)
    for lh in ENVELOPE_TABLES:
        assert con.execute(f"SELECT count(*) FROM core.{lh.lower()}").fetchone() == (0,)
        columns = [
            c
            for (c,) in con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE schema_name = 'lake' AND table_name = ?",
                [lh.lower()],
            ).fetchall()
        ]
        assert columns[: len(REGISTRY.table_schema(lh))] == REGISTRY.table_schema(lh).names
    assert con.execute("SELECT count(*) FROM ops.files").fetchone() == (0,)
    assert con.execute("SELECT count(*) FROM core.xml12_messages").fetchone() == (0,)
    con.close()


def test_xml12_message_records_are_core_xml12_messages_beside_parts_written_before(lake, tmp_path):
    """lake.xml12 parts written before ``message_stt`` existed read with it NULL: the warehouse still builds
    and core.xml12_messages holds exactly the message's records, core.xml12 only the claim's."""
    root, parts = lake
    schema = REGISTRY.table_schema("XML12")
    old_schema = pa.schema([f for f in schema if f.name != "message_stt"])
    in_claim = [{"ma_lk": "A", "so_bien_ban": "BB-A", **lineage("sha-a2")}]
    in_message = [{"so_bien_ban": f"BB-{i}", "message_stt": i, **lineage("sha-m")} for i in (1, 2)]
    added = [
        (*write(root, "tables/xml12/nam_qt=2026/thang_qt=10/old.parquet", in_claim, old_schema), "XML12"),
        (*write(root, "tables/xml12/nam_qt=0/thang_qt=0/m.parquet", in_message, schema), "XML12"),
    ]
    target = tmp_path / "w.duckdb"
    build(lake, target, parts=parts + [(rel, table, rows) for rel, rows, table in added])
    con = duckdb.connect(str(target), read_only=True)
    try:
        assert con.execute(
            "SELECT source_sha256, message_stt, so_bien_ban, ma_lk FROM core.xml12_messages ORDER BY 2"
        ).fetchall() == [("sha-m", 1, "BB-1", None), ("sha-m", 2, "BB-2", None)]
        assert con.execute("SELECT ma_lk, so_bien_ban, message_stt FROM core.xml12").fetchall() == [
            ("A", "BB-A", None)
        ]
    finally:
        con.close()
    only_old = tmp_path / "old.duckdb"  # no part has the column yet: the view still answers, empty
    build(lake, only_old, parts=parts + [(rel, table, rows) for rel, rows, table in added[:1]])
    con = duckdb.connect(str(only_old), read_only=True)
    assert con.execute("SELECT count(*) FROM core.xml12_messages").fetchone() == (0,)
    con.close()


def test_extend_builds_on_the_same_connection_before_the_checks_and_reports(built):
    target, report = built
    assert report["marts"] == {"review": 1}
    con = duckdb.connect(str(target), read_only=True)
    assert con.execute("SELECT n FROM review.claims_seen").fetchone() == (2,)
    con.close()


def more(table: str, n: int):  # noqa: ANN201 - the parts, with ``n`` more rows listed for ``table``
    return lambda parts: [(rel, t, rows + n if t == table else rows) for rel, t, rows in parts]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (more("XML1", 2), "lake.xml1 has 3 rows, the ledger lists 5"),
        (more("XML2", -1), "lake.xml2 has 6 rows, the ledger lists 5"),
        (more("core.claim_versions", 1), "core.claim_versions has 3 rows, the ledger lists 4"),
        (more("ops.files", -1), "ops.files has 3 rows, the ledger lists 2"),
    ],
    ids=["xml1", "xml2", "claim_versions", "ops_files"],
)
def test_a_warehouse_that_fails_its_checks_is_not_swapped_in(lake, old, change, message):
    with pytest.raises(TerminalError, match=message) as failed:
        build(lake, old, run_id="r2", parts=change(lake[1]))
    assert "the previous one stays" in str(failed.value)
    assert runs_in(old) == [("r1",)]  # the old warehouse
    assert list(old.parent.glob(".warehouse.duckdb.*")) == []


def test_a_parquet_file_the_ledger_does_not_list_is_never_read(lake, built):
    """A dead run renamed it into place but never committed it (``built`` wrote it before its build)."""
    lake_dir, _ = lake
    assert (lake_dir / "tables/xml2/nam_qt=2026/thang_qt=10/r9-0.parquet").exists()
    con = duckdb.connect(str(built[0]), read_only=True)
    assert con.execute("SELECT count(*) FROM lake.xml2 WHERE ma_lk = 'Z'").fetchone() == (0,)
    assert con.execute("SELECT count(*) FROM lake.xml2").fetchone() == (6,)
    con.close()


def test_a_version_whose_rows_are_missing_fails_the_check_of_claims_against_xml1(lake, tmp_path):
    lake_dir, parts = lake
    extra = [
        {
            "macskcb": FAC,
            "ma_lk": "C",
            "version": 1,
            "source_sha256": "sha-c1",
            "file_name": "c.xml",
            "received_at": WHEN,
            "run_id": "r1",
        }
    ]
    rel, rows = write(lake_dir, "ops/claim_versions/r1-extra.parquet", extra, CLAIM_VERSIONS_SCHEMA)
    with pytest.raises(TerminalError, match="core.claim_current has 3 claims but core.xml1 2 rows"):
        build(lake, tmp_path / "w.duckdb", parts=[*parts, (rel, "core.claim_versions", rows)])


def test_a_failing_extend_leaves_the_old_warehouse_and_no_temporary_file(lake, old):

    def broken(con: duckdb.DuckDBPyConnection) -> dict:
        con.execute("SELECT * FROM review.no_such_view")
        return {}

    with pytest.raises(duckdb.CatalogException):
        build(lake, old, run_id="r2", extend=broken)
    assert runs_in(old) == [("r1",)]
    assert list(old.parent.glob(".warehouse.duckdb.*")) == []


def test_a_half_built_file_left_by_a_killed_run_is_removed(built):
    target, _ = built  # ``built`` left STALE beside it before its build
    assert not (target.parent / STALE).exists() and target.exists()


def test_an_analyst_connected_before_the_swap_keeps_reading_the_old_file(lake, old):
    analyst = duckdb.connect(str(old), read_only=True)
    lake_dir, parts = lake
    build((lake_dir, [p for p in parts if p[1] != "XML2"]), old, run_id="r2")
    assert analyst.execute("SELECT run_id FROM ops.runs").fetchall() == [("r1",)]
    assert analyst.execute("SELECT count(*) FROM core.xml2").fetchone() == (4,)
    analyst.close()
    fresh = duckdb.connect(str(old), read_only=True)
    assert fresh.execute("SELECT run_id FROM ops.runs").fetchall() == [("r2",)]
    assert fresh.execute("SELECT count(*) FROM core.xml2").fetchone() == (0,)
    fresh.close()
