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
``ref.eligibility``       [card of the eligibility list]  (``pipelines/sql/review/ref/eligibility.sql``)

The first two are tables built by :func:`build_patients` on the full warehouse (they need the identities);
the analytics copy copies them. The views are made by :func:`create_patient_objects`, a derived builder that
runs the same way on both warehouses (they read only ``core.patient_timeline`` and non-identifying fields).
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
from pipelines.warehouse.dictionary import parse_sql_header
from pipelines.warehouse.identity import keyed_hash_sql

SQL_DIR = SQL_ROOT / "patients"
#: built by build_patients, in this order (the timeline first: patients aggregates it)
TABLE_FILES = ("patient_timeline.sql", "patients.sql")
#: views made by create_patient_objects (derived builder)
VIEW_FILES = ("referrals.sql", "appointments.sql")
#: what the analytics copy copies as it is (``build_analytics(copied=...)``): it cannot rebuild them, the
#: identities they are computed from are hashed there
COPIED_TABLES = ["core.patients", "core.patient_timeline"]
ELIGIBILITY_SQL = SQL_ROOT / "ref" / "eligibility.sql"
ELIGIBILITY_FILE = "eligibility.csv"
ELIGIBILITY_COLUMNS = (
    "ma_the_bhyt",
    "gt_the_tu",
    "gt_the_den",
    "muc_huong",
    "ma_dkbd",
    "ma_ket_qua",
    "ma_the_moi",
)
#: an identifier found together with more identifiers of the other kind than this is a placeholder, not a
#: person (one person has one BHXH number for life and at most an old ID card, a CCCD and a passport)
MAX_PARTNERS = 3

# -- the claims, under an integer id (cid) so that everything after joins integers, not (MACSKCB, MA_LK) ---
_CLAIMS_SQL = """
CREATE OR REPLACE TEMP TABLE _pk_claims AS
SELECT
    CAST(row_number() OVER () AS BIGINT) AS cid,
    macskcb, ma_lk, ngay_vao, ngay_ra, ma_loai_kcb, ma_benh_chinh, t_tongchi_bv, t_bhtt, so_cccd, ma_the_bhyt
FROM core.xml1
WHERE coalesce(trim(ma_doituong_kcb), '') <> '8'
"""

# -- their identifiers, as (cid, kind, value); kind 0 = CCCD, 1 = BHXH number ------------------------------
_IDS_SQL = """
CREATE OR REPLACE TEMP TABLE _pk_ids AS
WITH raw AS (
    SELECT cid, 0 AS kind, upper(trim(so_cccd)) AS value
    FROM _pk_claims
    WHERE so_cccd IS NOT NULL
    UNION ALL
    SELECT cid, 1 AS kind, right(card, 10) AS value
    FROM (
        SELECT cid, upper(trim(unnest(string_split(ma_the_bhyt, ';')))) AS card
        FROM _pk_claims
        WHERE ma_the_bhyt IS NOT NULL
    )
    WHERE length(card) IN (10, 15)
)
SELECT DISTINCT cid, kind, value
FROM raw
WHERE CASE kind
        WHEN 0 THEN regexp_full_match(value, '[0-9A-Z]{8,15}')
        ELSE regexp_full_match(value, '[0-9]{10}')
    END
  AND replace(value, left(value, 1), '') <> ''
"""

# -- the graph: nodes (identifiers, numbered in (kind, value) order), each claim's smallest node, edges
_GRAPH_SQL = f"""
CREATE OR REPLACE TEMP TABLE _pk_ambiguous AS
SELECT a.kind, a.value
FROM _pk_ids AS a
JOIN _pk_ids AS b ON b.cid = a.cid AND b.kind <> a.kind
GROUP BY a.kind, a.value
HAVING count(DISTINCT b.value) > {MAX_PARTNERS};

CREATE OR REPLACE TEMP TABLE _pk_nodes AS
SELECT kind, value, CAST(row_number() OVER (ORDER BY kind, value) - 1 AS BIGINT) AS idx
FROM (SELECT DISTINCT kind, value FROM _pk_ids) AS ids
WHERE NOT EXISTS (SELECT 1 FROM _pk_ambiguous AS a WHERE a.kind = ids.kind AND a.value = ids.value);

CREATE OR REPLACE TEMP TABLE _pk_claim_nodes AS
SELECT i.cid, n.idx
FROM _pk_ids AS i
JOIN _pk_nodes AS n ON n.kind = i.kind AND n.value = i.value;

CREATE OR REPLACE TEMP TABLE _pk_anchor AS
SELECT cid, min(idx) AS anchor FROM _pk_claim_nodes GROUP BY cid;

CREATE OR REPLACE TEMP TABLE _pk_edges AS
SELECT DISTINCT a.anchor, c.idx
FROM _pk_claim_nodes AS c
JOIN _pk_anchor AS a ON a.cid = c.cid
WHERE c.idx <> a.anchor;
"""  # noqa: S608 - MAX_PARTNERS is a constant

# -- the keys: one per component (its smallest node), one per claim that stands alone
_KEYS_SQL = f"""
CREATE OR REPLACE TEMP TABLE _pk_keys AS
SELECT n.idx AS root, CASE n.kind WHEN 0 THEN 'C' ELSE 'B' END || {keyed_hash_sql("n.value")} AS patient_key
FROM _pk_nodes AS n
WHERE n.idx IN (SELECT DISTINCT root FROM _pk_roots)
UNION ALL
SELECT -c.cid AS root, 'X' || {keyed_hash_sql("c.macskcb || '/' || c.ma_lk")} AS patient_key
FROM _pk_claims AS c
ANTI JOIN _pk_anchor AS a ON a.cid = c.cid
"""  # noqa: S608 - constant SQL; the key is the query parameter $key

_VIEW_SQL = """
CREATE OR REPLACE TEMP VIEW _patient_claims AS
SELECT c.* EXCLUDE (cid, so_cccd, ma_the_bhyt), k.patient_key
FROM _pk_claims AS c
LEFT JOIN _pk_anchor AS a ON a.cid = c.cid
LEFT JOIN _pk_roots AS r ON r.idx = a.anchor
JOIN _pk_keys AS k ON k.root = coalesce(r.root, -c.cid)
"""

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


def _sql_file(name: str) -> str:
    return (SQL_DIR / name).read_text(encoding="utf-8")


def build_patients(con: duckdb.DuckDBPyConnection, key: str) -> dict[str, Any]:
    """Create ``core.patient_timeline`` and ``core.patients`` (tables) on the full warehouse ``con`` from
    the current claims (``core.xml1``); ``key`` is the pseudonym key (``Settings.pseudonym_key``, else the
    one kept in the lake: :func:`pipelines.warehouse.identity.pseudonym_key`). Returns counts for the run
    report."""
    if not key:
        raise TerminalError("build_patients needs the pseudonym key", stage="serve")
    started = time.perf_counter()
    con.execute("CREATE SCHEMA IF NOT EXISTS core")
    try:
        for sql in (_CLAIMS_SQL, _IDS_SQL, _GRAPH_SQL):
            con.execute(sql)
        (n,) = con.execute("SELECT count(*) FROM _pk_nodes").fetchone()
        edges = con.execute("SELECT anchor, idx FROM _pk_edges").fetchnumpy()
        roots = components(edges["anchor"], edges["idx"], n)
        con.register(
            "_pk_roots_arrow",
            pa.table({"idx": pa.array(np.arange(n, dtype=np.int64)), "root": pa.array(roots)}),
        )
        con.execute("CREATE OR REPLACE TEMP TABLE _pk_roots AS SELECT idx, root FROM _pk_roots_arrow")
        con.unregister("_pk_roots_arrow")
        con.execute(_KEYS_SQL, {"key": key})
        con.execute(_VIEW_SQL)
        for name in TABLE_FILES:
            con.execute(_sql_file(name))
        (ambiguous,) = con.execute("SELECT count(*) FROM _pk_ambiguous").fetchone()
        patients, claims, by_cccd, by_bhxh, alone = con.execute(
            "SELECT count(*), sum(episodes), count(*) FILTER (WHERE patient_key LIKE 'C%'), "
            "count(*) FILTER (WHERE patient_key LIKE 'B%'), count(*) FILTER (WHERE patient_key LIKE 'X%') "
            "FROM core.patients"
        ).fetchone()
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
    builder: the same on the full warehouse and on the analytics copy); refuse a view whose columns differ
    from the ``-- column`` lines of its file (the data dictionary)."""
    for name in VIEW_FILES:
        path = SQL_DIR / name
        doc = parse_sql_header(path)
        try:
            con.execute(path.read_text(encoding="utf-8"))
            cols = [d[0] for d in con.execute(f"SELECT * FROM {doc.name} LIMIT 0").description]  # noqa: S608
        except duckdb.Error as e:
            raise TerminalError(f"{name} could not be built: {e}", stage="serve") from e
        if cols != list(doc.columns):
            raise TerminalError(
                f"{doc.name} returns columns {cols}, its header documents {list(doc.columns)}", stage="serve"
            )


def dictionary_objects() -> list[str]:
    """The objects this module creates (for the data dictionary and the analytics copy)."""
    return [parse_sql_header(SQL_DIR / n).name for n in TABLE_FILES + VIEW_FILES]


# -- the card eligibility list ------------------------------------------------------------------------------
def load_eligibility(con: duckdb.DuckDBPyConnection, reference_dir: Path | None) -> dict[str, Any]:
    """(Re)create ``ref.eligibility`` from ``<reference_dir>/eligibility.csv``: empty when ``reference_dir``
    is None or holds no list (the ``BIZ.CARD.*`` rules then find nothing). Run it before the review
    (``review.load_reference`` keeps a table that exists). A list that cannot be read (missing column,
    a date that is not ``yyyyMMdd``) raises :class:`TerminalError` naming the file, rather than silently
    checking the cards against half a list."""
    con.execute("CREATE SCHEMA IF NOT EXISTS ref")
    con.execute("DROP TABLE IF EXISTS ref.eligibility")
    con.execute(ELIGIBILITY_SQL.read_text(encoding="utf-8"))
    path = Path(reference_dir) / ELIGIBILITY_FILE if reference_dir else None
    if path is None or not path.is_file():
        return {"path": None, "cards": 0}
    literal = "'" + str(path).replace("'", "''") + "'"
    try:
        con.execute(
            "INSERT INTO ref.eligibility "  # noqa: S608 - the path is a quoted literal
            "SELECT upper(trim(ma_the_bhyt)), "
            "CAST(strptime(nullif(trim(gt_the_tu), ''), '%Y%m%d') AS DATE), "
            "CAST(strptime(nullif(trim(gt_the_den), ''), '%Y%m%d') AS DATE), "
            "CAST(nullif(trim(muc_huong), '') AS DECIMAL(5, 2)), "
            "nullif(upper(trim(ma_dkbd)), ''), nullif(trim(ma_ket_qua), ''), "
            "nullif(upper(trim(ma_the_moi)), '') "
            f"FROM read_csv({literal}, header = true, delim = ',', quote = '\"', all_varchar = true) "
            "WHERE nullif(trim(ma_the_bhyt), '') IS NOT NULL"
        )
    except duckdb.Error as e:
        raise TerminalError(
            f"the card eligibility list {path} could not be read (columns {', '.join(ELIGIBILITY_COLUMNS)}, "
            f"dates yyyyMMdd): {e}",
            stage="serve",
        ) from e
    (cards,) = con.execute("SELECT count(*) FROM ref.eligibility").fetchone()
    return {"path": str(path), "cards": cards}
