"""Patients: one pseudonymous key per person across facilities and nights, their timelines, referral chains,
appointments, and the card eligibility list the ``BIZ.CARD.*`` review rules read.

**Linking.** Two current claims belong to the same person when they share a CCCD (``SO_CCCD``) or a BHXH
number (the last 10 digits of any card in ``MA_THE_BHYT``, a ``;`` list when the card changed during the
episode; STANDARD.md §4.5), directly or through other claims: the people are the connected components of
the graph whose nodes are the identifiers and whose edges join the identifiers found on one claim. Names and
birth dates never link (two namesakes born the same day stay two people). Values that cannot identify
anyone do not link either: a CCCD must be 8-15 letters or digits, a BHXH number 10 digits, neither made of
one repeated character (``000000000000``), and an identifier seen with more than :data:`MAX_PARTNERS`
different identifiers of the other kind (a placeholder CCCD typed for many patients) is left out. A claim
with no usable identifier stands alone.

**Key.** ``patient_key`` = ``'C'`` + the keyed hash of the smallest CCCD of the component, or ``'B'`` + that
of the smallest BHXH number when no claim of the component has a CCCD (``'X'`` + that of the claim's own
facility and MA_LK for a claim that stands alone). The keyed hash is exactly the analytics copy's
(:func:`pipelines.warehouse.identity.keyed_hash_sql`: ``sha256(key || chr(31) || value)``, the key a query
parameter, never stored), so the key is the same from night to night as long as that smallest identifier
is, and is worthless without the key.

**Scale.** Identifiers, components' inputs and outputs stay in DuckDB (which spills to disk), joined on an
integer claim id; only the distinct identifier pairs (about one per person, not per claim) go to numpy,
where the components are found by hooking roots and pointer jumping (a few vectorised passes, O(log n) in
practice). Measured on 2 cores under the build's 2 GB DuckDB cap: 10^7 claims (2.5 million people) in
93 s, peak RSS 2.6 GB; 10^6 claims in 7 s.

Objects (SQL and documentation in ``pipelines/sql/patients/``):

``core.patient_timeline`` [current claim, not withdrawn]  patient_key, visit_no, facility, MA_LK, dates, ...
``core.patients``         [patient]                       first/last seen, facilities, episodes, cost
``core.referrals``        [referral paper or unexplained arrival]  matched / never_arrived / unknown_referral
``core.appointments``     [appointment slip]              kept / early / late / missed
``ref.eligibility``       [card of the eligibility list]  (``pipelines/sql/ref/eligibility.sql``)

The first two are tables built by :func:`build_patients` on the full warehouse (they need the identities);
the analytics copy copies them. The views are made by :func:`create_patient_objects`, a derived builder that
runs the same way on both warehouses (they read only ``core.patient_timeline`` and non-identifying fields).
The linking itself is SQL files too (``pipelines/sql/patients/helpers/``: TEMP relations dropped at the
end), run like every other SQL file through :mod:`pipelines.warehouse.sqlfiles`.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from pipelines.common.errors import TerminalError
from pipelines.common.paths import SQL_ROOT
from pipelines.common.sqlheader import SqlFile, SqlFileError, file_columns, parse_file
from pipelines.warehouse.identity import keyed_hash_sql
from pipelines.warehouse.sqlfiles import create, create_all, folder_files

SQL_DIR = SQL_ROOT / "patients"
#: built by build_patients, in this order (the timeline first: patients aggregates it)
TABLE_FILES = ("patient_timeline.sql", "patients.sql")
#: views made by create_patient_objects (derived builder)
VIEW_FILES = ("referrals.sql", "appointments.sql")
#: the steps of the linking, TEMP relations dropped at the end (``pipelines/sql/patients/helpers/``): the
#: graph before the components are found in numpy, then the keys and the claims under their key
HELPER_DIR = SQL_DIR / "helpers"
GRAPH_FILES = (
    "claims.sql",
    "ids.sql",
    "ambiguous.sql",
    "nodes.sql",
    "claim_nodes.sql",
    "anchor.sql",
    "edges.sql",
)
KEY_FILES = ("keys.sql", "patient_claims.sql")
ELIGIBILITY_LIST_FILE = "eligibility_list.sql"
#: what the analytics copy copies as it is (``build_analytics(copied=...)``): it cannot rebuild them, the
#: identities they are computed from are hashed there
COPIED_TABLES = ["core.patients", "core.patient_timeline"]
ELIGIBILITY_SQL = SQL_ROOT / "ref" / "eligibility.sql"
ELIGIBILITY_FILE = "eligibility.csv"
#: an identifier found together with more identifiers of the other kind than this is a placeholder, not a
#: person (one person has one BHXH number for life and at most an old ID card, a CCCD and a passport)
MAX_PARTNERS = 3

_TEMP_TABLES = (
    "_pk_claims",
    "_pk_ids",
    "_pk_ambiguous",
    "_pk_nodes",
    "_pk_claim_nodes",
    "_pk_anchor",
    "_pk_edges",
    "_pk_roots",
    "_pk_keys",
)


def _objects(names: tuple[str, ...]) -> list[SqlFile]:
    """The object files called ``names`` (every file of the folder must be a table or view of this module)."""
    files = {f.path.name: f for f in folder_files(SQL_DIR, TABLE_FILES + VIEW_FILES, "object")}
    return [files[name] for name in names]


def _helpers() -> dict[str, SqlFile]:
    """The helper files by name (every file of the folder must be one the module runs)."""
    files = folder_files(HELPER_DIR, GRAPH_FILES + KEY_FILES + (ELIGIBILITY_LIST_FILE,), "helper")
    return {f.path.name: f for f in files}


def components(u: np.ndarray, v: np.ndarray, n: int) -> np.ndarray:
    """Connected components of the undirected graph on nodes ``0..n-1`` with edges ``u[i] - v[i]``: for each
    node, the smallest node of its component. Hook every root to the smallest root it has an edge to, then
    jump pointers until every node points at its root; repeat while an edge joins two roots."""
    parent = np.arange(n, dtype=np.int64)
    u = np.asarray(u, dtype=np.int64)
    v = np.asarray(v, dtype=np.int64)
    while len(u):
        pu, pv = parent[u], parent[v]
        apart = pu != pv
        if not apart.any():
            break
        pu, pv = pu[apart], pv[apart]
        np.minimum.at(parent, np.maximum(pu, pv), np.minimum(pu, pv))
        while True:
            jumped = parent[parent]
            if np.array_equal(jumped, parent):
                break
            parent = jumped
        u, v = u[apart], v[apart]  # edges inside one component stay inside it
    return parent


def build_patients(con: duckdb.DuckDBPyConnection, key: str) -> dict[str, Any]:
    """Create ``core.patient_timeline`` and ``core.patients`` (tables) on the full warehouse ``con`` from
    the current claims (``core.xml1``); ``key`` is the pseudonym key (``Settings.pseudonym_key``, else the
    one kept in the lake: :func:`pipelines.warehouse.identity.pseudonym_key`). Returns counts for the run
    report."""
    if not key:
        raise TerminalError("build_patients needs the pseudonym key", stage="serve")
    started = time.perf_counter()
    con.execute("CREATE SCHEMA IF NOT EXISTS core")
    helpers = _helpers()
    try:
        graph = [helpers[name] for name in GRAPH_FILES]
        create_all(con, graph, {"max_partners": MAX_PARTNERS})
        n = _count(con, "SELECT count(*) FROM _pk_nodes")
        edges = con.execute("SELECT anchor, idx FROM _pk_edges").fetchnumpy()
        roots = components(edges["anchor"], edges["idx"], n)
        con.register(
            "_pk_roots_arrow",
            pa.table({"idx": pa.array(np.arange(n, dtype=np.int64)), "root": pa.array(roots)}),
        )
        con.execute("CREATE OR REPLACE TEMP TABLE _pk_roots AS SELECT idx, root FROM _pk_roots_arrow")
        con.unregister("_pk_roots_arrow")
        hashes = {
            "node_hash": keyed_hash_sql("n.value"),
            "claim_hash": keyed_hash_sql("c.macskcb || '/' || c.ma_lk"),
        }
        create(con, helpers["keys.sql"], hashes, bind={"key": key})
        create(con, helpers["patient_claims.sql"])
        create_all(con, _objects(TABLE_FILES))
        ambiguous = _count(con, "SELECT count(*) FROM _pk_ambiguous")
        counts = con.execute(
            "SELECT count(*), sum(episodes), count(*) FILTER (WHERE patient_key LIKE 'C%'), "
            "count(*) FILTER (WHERE patient_key LIKE 'B%'), count(*) FILTER (WHERE patient_key LIKE 'X%') "
            "FROM core.patients"
        ).fetchone()
        patients, claims, by_cccd, by_bhxh, alone = counts if counts else (0, 0, 0, 0, 0)
    finally:
        con.execute("DROP VIEW IF EXISTS temp.main._patient_claims")
        for table in _TEMP_TABLES:
            con.execute(f"DROP TABLE IF EXISTS temp.main.{table}")
    return {
        "patients": patients,
        "claims": int(claims or 0),
        "keyed_by_cccd": by_cccd,
        "keyed_by_bhxh": by_bhxh,
        "unlinked_claims": alone,
        "placeholder_identifiers": ambiguous,
        "seconds": round(time.perf_counter() - started, 3),
    }


def create_patient_objects(con: duckdb.DuckDBPyConnection) -> None:
    """Create the views ``core.referrals`` and ``core.appointments`` over ``core.patient_timeline`` (a derived
    builder: the same on the full warehouse and on the analytics copy); a view whose columns differ from the
    ``-- column`` lines of its file (the data dictionary) is refused."""
    create_all(con, _objects(VIEW_FILES))


def dictionary_objects() -> list[str]:
    """The objects this module creates (for the data dictionary and the analytics copy)."""
    return [f.name for f in _objects(TABLE_FILES + VIEW_FILES)]


# -- the card eligibility list ------------------------------------------------------------------------------
def eligibility_columns() -> tuple[str, ...]:
    """The columns of the card eligibility list (``eligibility.csv``): those of ``ref.eligibility``, as its
    file's header documents them (the generator writes its list with the same, read the same way)."""
    return file_columns(ELIGIBILITY_SQL)


def load_eligibility(con: duckdb.DuckDBPyConnection, reference_dir: Path | None) -> dict[str, Any]:
    """(Re)create ``ref.eligibility`` from ``<reference_dir>/eligibility.csv``: empty when ``reference_dir``
    is None or holds no list (the ``BIZ.CARD.*`` rules then find nothing). Run it before the review
    (``review.load_reference`` keeps a table that exists). A list that cannot be read (missing column,
    a date that is not ``yyyyMMdd``) raises :class:`TerminalError` naming the file, rather than silently
    checking the cards against half a list."""
    con.execute("CREATE SCHEMA IF NOT EXISTS ref")
    con.execute("DROP TABLE IF EXISTS ref.eligibility")
    create(con, parse_file(ELIGIBILITY_SQL))
    path = Path(reference_dir) / ELIGIBILITY_FILE if reference_dir else None
    if path is None or not path.is_file():
        return {"path": None, "cards": 0}
    literal = "'" + str(path).replace("'", "''") + "'"
    try:
        create(con, _helpers()[ELIGIBILITY_LIST_FILE], {"list_file": literal})
        con.execute("INSERT INTO ref.eligibility SELECT * FROM _eligibility_list")
    except (SqlFileError, duckdb.Error) as e:
        raise TerminalError(
            f"the card eligibility list {path} could not be read "
            f"(columns {', '.join(eligibility_columns())}, dates yyyyMMdd): {e}",
            stage="serve",
        ) from e
    finally:
        con.execute("DROP VIEW IF EXISTS temp.main._eligibility_list")
    return {"path": str(path), "cards": _count(con, "SELECT count(*) FROM ref.eligibility")}


def _count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(sql).fetchone()
    return int(row[0]) if row else 0
