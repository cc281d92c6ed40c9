"""Claims review (giám định): business rules as SQL files, run over the warehouse, findings for reviewers.

The rules are data. Each rule file ``pipelines/sql/review/rules/<RULE_CODE>.sql`` has a header of
``-- key: value`` lines (code, severity, table, field, messages, grain, source, enabled, note; the grammar is
:mod:`pipelines.common.sqlheader`, described in ``docs/sql-files.md``) and ONE SELECT that returns the
offending claims or lines as ``macskcb, ma_lk, loaihoso, field, value``. A rule that applies to several tables
is one file with ``-- tables: XML2, XML3`` instead of ``-- table:``, named with its tables joined by ``+``
(``BIZ.XML2+XML3.LINE_BALANCE.sql``); it becomes one rule per table at load, ``${table}`` and ``${t}`` filled
in with ``XML2`` and ``xml2`` in its code, header and SQL, each with its own code (``BIZ.XML2.LINE_BALANCE``).
Nothing else lists the rules: adding a file adds a rule.

A rule reads the claims being checked from ``chk.xml1`` … ``chk.xml15`` (the current rows of the claims in
scope, same columns as ``core.xmlN``), may read ``core.*`` for other claims (overlapping stays, repeated
services) and ``ref.*`` for the reference catalogues of ``data/catalogs`` (:func:`load_reference`).
``chk`` is an in-memory database attached for the evaluation only (DuckDB allows no schema in its TEMP
catalogue): it is never written to the warehouse file and is detached afterwards.

Severity: ``error`` = the claim contradicts a formula or a required rule of the standard (a clean claim never
gets one); ``warning`` = plausibility, implemented checkers' rules, or rules the sources disagree on;
``info`` = for the reviewer's attention only (a withdrawal, a non-leaf ICD-10 code).

    rules = load_rules()
    load_reference(con)
    findings = evaluate(con, rules, scope="core.claim_current")      # pyarrow.Table
    con.register("f", findings); con.execute("CREATE TABLE review.findings_all AS SELECT * FROM f")
    create_review_objects(con, rules, "review.findings_all", repeat_window_days=30)

or :func:`build_review`, which does exactly that. The review objects (``review.rules``, ``review.findings``,
``review.queue``, ``review.rule_hit_rates``, ``review.repeat_services``) are one ``.sql`` file each under
``pipelines/sql/review/``, the reference tables one each under ``pipelines/sql/ref/`` and the helper views of
the scope one each under ``pipelines/sql/review/scope/``; every one is refused when it is built if its
columns differ from its header's ``-- column`` lines (:mod:`pipelines.warehouse.sqlfiles`).

Plain functions; no Prefect.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.common.errors import TerminalError
from pipelines.common.files import FILE_MODE, atomic_write, make_dirs
from pipelines.common.paths import REPO_ROOT, SQL_ROOT, catalog_dir
from pipelines.common.sqlheader import SqlFile, SqlFileError, parse_file, substitute
from pipelines.reference.kinds import load_kinds
from pipelines.reference.store import list_versions, versions_table
from pipelines.standard.registry import ENVELOPE_TABLES
from pipelines.warehouse.build import relation
from pipelines.warehouse.sqlfiles import create, create_all, folder_files

SQL_DIR = SQL_ROOT / "review"
RULES_DIR = SQL_DIR / "rules"

SEVERITIES = ("error", "warning", "info")
#: what every rule's SELECT returns, in this order
RULE_COLUMNS = ("macskcb", "ma_lk", "loaihoso", "field", "value")
#: the sixth column of a rule's SELECT: the money at stake, VND (what the fund would not pay if the finding
#: holds: a T_BHTT, the overpaid part of it, or 0; the rule's ``-- amount:`` line says which). Every rule
#: returns it (tests/marts/review/test_review_rules.py); a rule without it would give null amounts
AMOUNT_COLUMN = "amount"
#: what :func:`evaluate` returns
FINDINGS_SCHEMA = pa.schema(
    [
        pa.field("macskcb", pa.string()),
        pa.field("ma_lk", pa.string()),
        pa.field("source_sha256", pa.string()),
        pa.field("rule_code", pa.string()),
        pa.field("severity", pa.string()),
        pa.field("loaihoso", pa.string()),
        pa.field("field", pa.string()),
        pa.field("value", pa.string()),
        pa.field("message_vi", pa.string()),
        pa.field("message_en", pa.string()),
        pa.field("amount", cast(pa.DataType, pa.decimal128(18, 2))),
        pa.field("ruleset", pa.string()),
    ]
)
#: helper views over the claims under review that several rules read (created in ``chk`` with the scope)
SCOPE_DIR = SQL_DIR / "scope"
#: review objects, in creation order (each depends only on those before it)
OBJECT_FILES = (
    "rules.sql",
    "findings.sql",
    "queue.sql",
    "savings.sql",
    "rule_hit_rates.sql",
    "repeat_services.sql",
)

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*){0,2}$")


class RuleDefinitionError(SqlFileError):
    """A rule file is malformed (missing header key, unknown severity, code not the file name…)."""


class RuleExecutionError(TerminalError):
    """A rule's SQL failed, or returned other columns, when run against the warehouse."""


@dataclass(frozen=True)
class Rule:
    """One review rule: its header metadata and its SELECT."""

    code: str
    severity: str
    table: str
    field: str
    message_vi: str
    message_en: str
    grain: str
    source: str
    enabled: bool
    sql: str
    path: Path
    note: str = ""
    #: what a finding's amount is (the rule file's ``-- amount:`` header)
    amount: str = ""

    @property
    def sql_file(self) -> str:
        """The rule file relative to the repository (as shown in ``review.rules``)."""
        try:
            return self.path.relative_to(REPO_ROOT).as_posix()
        except ValueError:
            return str(self.path)


# -- rules ------------------------------------------------------------------------------------------------
def parse_rule(path: Path) -> list[Rule]:
    """The rules of one rule file: one, or one per table of its ``tables`` entry (its ``${table}`` and
    ``${t}`` placeholders filled in with ``XML2`` and ``xml2``, per-table values taken for that table). Raises
    :class:`RuleDefinitionError` naming the file (and the line) when the file is malformed."""
    path = Path(path)
    try:
        return _expand(parse_file(path, "rule"))
    except SqlFileError as e:
        if isinstance(e, RuleDefinitionError):
            raise
        raise RuleDefinitionError(str(e), stage="review") from e


def _expand(sql: SqlFile) -> list[Rule]:
    path, meta = sql.path, sql.meta
    tables = [t.strip() for t in meta["tables"].split(",")] if "tables" in meta else [meta["table"]]
    template = meta["code"]
    if len(tables) > 1 and "${table}" not in template:
        raise RuleDefinitionError(
            f"{sql.where('code')}: a rule for several tables needs ${{table}} in its code "
            f"(e.g. BIZ.${{table}}.NAME), one code per table",
            stage="review",
        )
    joined = {"table": "+".join(tables), "t": "+".join(t.lower() for t in tables)}
    stem = substitute(template, joined, path, sql.lines["code"])
    if path.stem != stem:
        raise RuleDefinitionError(
            f"{path.name}: code {template!r} must start with BIZ. and equal the file name ({stem}.sql"
            + (", the tables joined by '+'" if len(tables) > 1 else "")
            + ")",
            stage="review",
        )
    return [
        Rule(
            code=_value(sql, "code", table),
            severity=meta["severity"],
            table=table,
            field=_value(sql, "field", table),
            message_vi=_value(sql, "message_vi", table),
            message_en=_value(sql, "message_en", table),
            grain=_value(sql, "grain", table),
            source=_value(sql, "source", table),
            enabled=meta["enabled"] == "true",
            sql=sql.render(_placeholders(table)).strip().rstrip(";").strip(),
            path=path,
            note=_value(sql, "note", table),
            amount=_value(sql, "amount", table),
        )
        for table in tables
    ]


def _placeholders(table: str) -> dict[str, str]:
    """What a rule's ``${table}`` and ``${t}`` become for one of its tables."""
    return {"table": table, "t": table.lower()}


def _value(sql: SqlFile, key: str, table: str) -> str:
    """A rule's header value for one of its tables: its per-table value if it has one, placeholders filled."""
    if key in sql.per_table:
        text, entry = sql.per_table[key][table], f"{key} {table}"
    else:
        text, entry = sql.meta.get(key, ""), key
    return substitute(text, _placeholders(table), sql.path, sql.lines.get(entry, 1))


def load_rules(folder: Path | str | None = None) -> list[Rule]:
    """Every rule of the ``*.sql`` files of ``folder`` (default: ``pipelines/sql/review/rules``), a file for
    several tables giving one rule per table, ordered by code. Two rules with one code are an error."""
    folder = Path(folder) if folder else RULES_DIR
    paths = sorted(folder.glob("*.sql"))
    if not paths:
        raise RuleDefinitionError(f"no rule files in {folder}", stage="review")
    by_code: dict[str, Rule] = {}
    for path in paths:
        for rule in parse_rule(path):
            if rule.code in by_code:
                raise RuleDefinitionError(
                    f"rule {rule.code} is defined twice: {by_code[rule.code].path.name} and {path.name}",
                    stage="review",
                )
            by_code[rule.code] = rule
    return sorted(by_code.values(), key=lambda r: r.code)


# -- reference catalogues -----------------------------------------------------------------------------------
REF_DIR = SQL_ROOT / "ref"


def load_reference(
    con: duckdb.DuckDBPyConnection, folder: Path | str | None = None, *, lake: Path | None = None
) -> list[str]:
    """Create schema ``ref`` with the catalogues the rules read; return the tables created.

    One ``.sql`` file per table in ``pipelines/sql/ref/`` (its header documents the table and its
    columns, checked when it is built), reading ``data/catalogs/*.csv`` (``folder`` overrides the catalogue
    folder): ``ref.icd10``, ``ref.icd10_asterisk``, ``ref.ma_nhom``, ``ref.ma_loai_kcb``,
    ``ref.ma_doituong_kcb``, ``ref.card_groups``, ``ref.benefit_levels``, ``ref.provinces``, ``ref.services``,
    ``ref.drugs``, ``ref.supplies``, ``ref.base_salary`` (and ``ref.eligibility``, kept when it exists).
    Codes stay text (``"01"``, ``"1.10"``), flags are BOOLEAN, numbers are typed.

    The reviewer's catalogues loaded into ``lake`` by ``bhyt-etl catalog load`` (:mod:`pipelines.reference`)
    become ``ref.catalog_<kind>`` (every version, each entry with the days it applies: read them as of the
    service day) and ``ref.catalog_versions``; without ``lake``, or with none loaded, they are empty and the
    rules that read them find nothing.
    """
    folder = Path(folder) if folder else catalog_dir()
    if not folder.is_dir():
        raise TerminalError(f"reference catalogue folder {folder} is missing", stage="review")
    con.execute("CREATE SCHEMA IF NOT EXISTS ref")
    params: dict[str, object] = {"catalog_dir": str(folder).replace("'", "''")}
    created = []
    registered = []
    (spans,) = folder_files(REF_DIR / "helpers", ["catalog_spans.sql"])
    try:
        for sql in folder_files(REF_DIR):
            kind_name = sql.name.removeprefix("ref.catalog_")
            if kind_name == "versions":
                name = "_ref_catalog_versions"
                con.register(name, _versions_arrow(lake))
            elif kind_name in load_kinds():
                name = f"_ref_catalog_{kind_name}"
                con.register(name, versions_table(lake, kind_name))
                create(con, spans, {"loaded": name}, stage="review")  # the days each version applies
            else:
                created.append(create(con, sql, params, stage="review"))
                continue
            registered.append(name)
            created.append(create(con, sql, params | {"loaded": name}, stage="review"))
    finally:
        con.execute("DROP VIEW IF EXISTS _ref_catalog_spans")
        for name in registered:
            con.unregister(name)
    return created


def _versions_arrow(lake: Path | None) -> pa.Table:
    versions = list_versions(lake) if lake else []
    return pa.table(
        {
            "kind": pa.array([v.kind for v in versions], pa.string()),
            "macskcb": pa.array([v.facility for v in versions], pa.string()),
            "version_id": pa.array([v.version_id for v in versions], pa.string()),
            "version_from": pa.array([v.version_from for v in versions], pa.date32()),
            "loaded_at": pa.array([v.loaded_at for v in versions], pa.timestamp("us", tz="UTC")),
            "source_file": pa.array([v.source_file for v in versions], pa.string()),
            "source_sha256": pa.array([v.source_sha256 for v in versions], pa.string()),
            "rows": pa.array([v.rows for v in versions], pa.int64()),
        }
    )


# -- evaluation ---------------------------------------------------------------------------------------------
def _check_name(name: str, what: str) -> str:
    if not _NAME.match(name):
        raise TerminalError(f"{what} {name!r} is not a plain relation name", stage="review")
    return name


def _quote(ident: str) -> str:
    return '"' + ident.replace('"', '""') + '"'


#: how a rule or a scope helper names a relation of the scope: ``chk.xml2``, ``chk.main.staff_codes``
_SCOPE_NAME = re.compile(r"\bchk\.(?:main\.)?([a-z_][a-z0-9_]*)\b", re.IGNORECASE)


def scope_reads(sql: str) -> set[str]:
    """The relations of the scope ``chk`` that ``sql`` reads (``xml2``, ``staff_codes``, …)."""
    return {m.lower() for m in _SCOPE_NAME.findall(sql)}


def open_scope(
    con: duckdb.DuckDBPyConnection,
    scope: str,
    *,
    materialize: bool = False,
    reads: set[str] | frozenset[str] | None = None,
) -> None:
    """Attach an in-memory catalogue ``chk`` whose views ``chk.xml1`` … ``chk.xml15`` are the current rows
    (``core.xmlN``) of the claims listed in ``scope`` (columns macskcb, ma_lk, source_sha256).

    ``reads``: the relations of ``chk`` the rules to run read (:func:`scope_reads`); only those, what the
    helpers among them read in turn, and ``chk.xml1`` (the claims) are made. None: all of them. A night
    runs every rule, which reads every one; a recheck of some rules (``--rules``) makes what they need.

    DuckDB does not allow a schema in the TEMP catalogue, so ``chk`` is an attached in-memory database:
    like TEMP objects it lives only as long as the connection (or until :func:`close_scope`), is never
    written to the warehouse file, and works on a read-only connection too. With ``materialize`` the
    ``chk.xmlN`` are in-memory tables instead of views: the Parquet files behind ``core`` are then read
    once instead of once per rule (faster when many rules run over Parquet-backed views; costs memory).
    """
    _check_name(scope, "scope")
    row = con.execute("SELECT current_database()").fetchone()
    if row is None:
        raise TerminalError("DuckDB names no current database", stage="review")
    db = str(row[0])
    close_scope(con)
    con.execute("ATTACH ':memory:' AS chk")
    con.execute(
        "CREATE TABLE chk.main.scope AS SELECT DISTINCT macskcb, ma_lk, source_sha256 "  # noqa: S608
        f"FROM {scope}"
    )
    helpers = folder_files(SCOPE_DIR)
    wanted = {"xml1", *(reads if reads is not None else (lh.lower() for lh in ENVELOPE_TABLES))}
    if reads is not None:
        # a helper may read other helpers (earlier in the folder's order): close over what they read
        for sql in reversed(helpers):
            if sql.name.rsplit(".", 1)[-1] in wanted:
                wanted |= scope_reads(sql.body)
        helpers = [sql for sql in helpers if sql.name.rsplit(".", 1)[-1] in wanted]
    for lh in ENVELOPE_TABLES:
        name = lh.lower()
        if name not in wanted:
            continue
        kind = "TABLE" if materialize else "VIEW"
        con.execute(
            f"CREATE {kind} chk.main.{name} AS SELECT t.* FROM {_quote(db)}.core.{name} t "  # noqa: S608
            "SEMI JOIN chk.main.scope s ON t.macskcb = s.macskcb AND t.ma_lk = s.ma_lk "
            "AND t.source_sha256 = s.source_sha256"
        )
    # the claim version of each claim present in the scope, joined to every rule's rows
    con.execute(
        "CREATE TABLE chk.main.claims AS SELECT DISTINCT macskcb, ma_lk, source_sha256 FROM chk.main.xml1"
    )
    # relations several rules share (e.g. the line split), checked against their headers
    create_all(con, helpers, {"db": _quote(db)}, stage="review")


def close_scope(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("DETACH DATABASE IF EXISTS chk")


def evaluate(
    con: duckdb.DuckDBPyConnection,
    rules: list[Rule],
    *,
    scope: str,
    disabled: set[str] | frozenset[str] = frozenset(),
    materialize: bool = False,
) -> pa.Table:
    """Run every enabled rule (``rule.enabled`` and not in ``disabled``) over the claims of ``scope``.

    ``scope`` names a table or view with columns ``macskcb, ma_lk, source_sha256`` (the claims a run added,
    or ``core.claim_current`` for all). Returns the findings (:data:`FINDINGS_SCHEMA`), one row per rule hit,
    with the ``source_sha256`` of the claim version checked. A rule whose SQL fails or returns other columns
    raises :class:`RuleExecutionError` naming its file. ``materialize``: see :func:`open_scope`.
    """
    enabled = [r for r in rules if r.enabled and r.code not in disabled]
    open_scope(con, scope, materialize=materialize, reads=set().union(*(scope_reads(r.sql) for r in enabled)))
    try:
        con.execute(
            "CREATE TABLE chk.main.findings (macskcb VARCHAR, ma_lk VARCHAR, source_sha256 VARCHAR, "
            "rule_code VARCHAR, severity VARCHAR, loaihoso VARCHAR, field VARCHAR, value VARCHAR, "
            "message_vi VARCHAR, message_en VARCHAR, amount DECIMAL(18, 2), ruleset VARCHAR)"
        )
        version = ruleset_version(con, rules)
        # the rules run at once, their findings are added in rule order (the same table every time)
        for rule, rows in zip(enabled, _all_rule_rows(con, enabled), strict=True):
            add_findings(con, rule, rows, version)
        table: pa.Table = con.sql(
            "SELECT * FROM chk.main.findings ORDER BY macskcb, ma_lk, rule_code, loaihoso, field, value"
        ).to_arrow_table()
        return table
    finally:
        close_scope(con)


def ruleset_version(con: duckdb.DuckDBPyConnection, rules: list[Rule]) -> str:
    """The version of what produced a finding: a hash of the rules (code, severity, enabled, SQL) and of the
    catalogue versions loaded (``ref.catalog_versions``). Rechecking with the same rules and catalogues gives
    the same version, and the same findings."""
    digest = hashlib.sha256()
    for r in sorted(rules, key=lambda r: r.code):
        digest.update(f"{r.code}\x1f{r.severity}\x1f{r.enabled}\x1f{r.sql}\x1e".encode())
    try:
        loaded = con.execute("SELECT version_id FROM ref.catalog_versions ORDER BY 1").fetchall()
    except duckdb.Error:  # no reference loaded (a bare connection): the rules alone
        loaded = []
    catalogs = hashlib.sha256("\n".join(v for (v,) in loaded).encode()).hexdigest()
    return f"r{digest.hexdigest()[:10]}-c{catalogs[:6]}"


def run_rule(con: duckdb.DuckDBPyConnection, rule: Rule, ruleset: str = "") -> None:
    """Append the findings of one rule to ``chk.main.findings`` (the scope must be open)."""
    add_findings(con, rule, rule_rows(con, rule), ruleset)


def rule_rows(con: duckdb.DuckDBPyConnection, rule: Rule) -> pa.Table:
    """What one rule's SELECT returns (the scope must be open), its columns checked.

    The SELECT runs once: its columns are checked on that result and its rows fetched as Arrow, which keeps
    their DuckDB types (``value`` is cast to text later as if it had never left DuckDB). ``con`` may be a
    cursor of the connection that opened the scope (:func:`evaluate` runs rules on several at once)."""
    try:
        result = con.execute(f"SELECT * FROM ({rule.sql})")  # noqa: S608
        cols = [d[0] for d in result.description]
    except duckdb.Error as e:
        raise RuleExecutionError(f"rule {rule.code} ({rule.sql_file}) failed: {e}", stage="review") from e
    names = tuple(c.lower() for c in cols)
    if names not in (RULE_COLUMNS, (*RULE_COLUMNS, AMOUNT_COLUMN)):
        raise RuleExecutionError(
            f"rule {rule.code} ({rule.sql_file}) returns columns {cols}, expected {list(RULE_COLUMNS)} "
            f"(and optionally {AMOUNT_COLUMN})",
            stage="review",
        )
    try:
        with warnings.catch_warnings():  # the copy it warns about is of the few rows a rule finds
            warnings.filterwarnings("ignore", "Arrow output on a DB-API result", UserWarning)
            table = result.to_arrow_table()
    except duckdb.Error as e:
        raise RuleExecutionError(f"rule {rule.code} ({rule.sql_file}) failed: {e}", stage="review") from e
    if table is None:
        raise RuleExecutionError(f"rule {rule.code} ({rule.sql_file}) returned no result", stage="review")
    return table.rename_columns(list(names))


def add_findings(con: duckdb.DuckDBPyConnection, rule: Rule, rows: pa.Table, ruleset: str = "") -> None:
    """Append a rule's rows (:func:`rule_rows`) to ``chk.main.findings``: each once, with the claim version
    checked (``chk.main.claims``), the rule's code, severity and messages, and the money rounded to VND.
    Nothing to do (no statement) when the rule found nothing, as most rules do on most nights."""
    if rows.num_rows == 0:
        return
    amount = "round(CAST(f.amount AS DECIMAL(18, 2)), 0)" if AMOUNT_COLUMN in rows.column_names else "NULL"
    con.register("_review_rule_rows", rows)
    try:
        con.execute(
            "INSERT INTO chk.main.findings SELECT DISTINCT f.macskcb, f.ma_lk, s.source_sha256, "  # noqa: S608
            "?, ?, f.loaihoso, f.field, CAST(f.value AS VARCHAR), ?, ?, "
            f"CAST({amount} AS DECIMAL(18, 2)), ? "
            "FROM _review_rule_rows f JOIN chk.main.claims s ON s.macskcb = f.macskcb AND s.ma_lk = f.ma_lk",
            [rule.code, rule.severity, rule.message_vi, rule.message_en, ruleset],
        )
    except duckdb.Error as e:
        raise RuleExecutionError(f"rule {rule.code} ({rule.sql_file}) failed: {e}", stage="review") from e
    finally:
        con.unregister("_review_rule_rows")


def _all_rule_rows(con: duckdb.DuckDBPyConnection, rules: list[Rule]) -> list[pa.Table]:
    """Every rule's rows, in the order of ``rules``: on as many cursors at once as DuckDB has threads (a rule
    is a small query that keeps about one core busy; the scope and the catalogues are only read meanwhile)."""
    ((setting,),) = con.execute("SELECT current_setting('threads')").fetchall()
    threads = max(1, min(int(setting), len(rules)))
    if threads == 1:
        return [rule_rows(con, rule) for rule in rules]
    local = threading.local()
    cursors: list[duckdb.DuckDBPyConnection] = []
    lock = threading.Lock()

    def run(rule: Rule) -> pa.Table:
        cursor = getattr(local, "cursor", None)
        if cursor is None:
            cursor = local.cursor = con.cursor()
            with lock:
                cursors.append(cursor)
        return rule_rows(cursor, rule)

    try:
        with ThreadPoolExecutor(threads, thread_name_prefix="review-rule") as pool:
            return list(pool.map(run, rules))
    finally:
        for cursor in cursors:
            cursor.close()


# -- review objects ---------------------------------------------------------------------------------------
def object_files() -> list[SqlFile]:
    """The review objects' files, in creation order (each reads only those before it)."""
    return folder_files(SQL_DIR, OBJECT_FILES, "object")


def create_review_objects(
    con: duckdb.DuckDBPyConnection,
    rules: list[Rule],
    findings_relation: str,
    *,
    repeat_window_days: int = 30,
) -> None:
    """Create ``review.rules``, ``review.findings`` (over ``findings_relation``, restricted to current claim
    versions and enabled rules), ``review.queue``, ``review.rule_hit_rates`` and ``review.repeat_services``
    (paraclinical services repeated at another facility within ``repeat_window_days`` days, baked into the
    view). ``findings_relation`` must be a persistent table or view with the columns of :func:`evaluate`.
    """
    _check_name(findings_relation, "findings relation")
    if repeat_window_days < 0:
        raise TerminalError("repeat_window_days must be a non-negative integer", stage="review")
    con.execute("CREATE SCHEMA IF NOT EXISTS review")
    params = {"findings_relation": findings_relation, "repeat_window_days": repeat_window_days}
    for sql in object_files():
        create(con, sql, params, stage="review")
        if sql.name == "review.rules" and rules:
            fields = ["code", "severity", "table", "field", "message_vi", "message_en", "enabled", "sql_file"]
            fields += ["grain", "source", "amount"]
            listed = pa.table({f: [getattr(r, f) for r in rules] for f in fields})
            con.register("_review_rules", listed)  # one statement for every rule, not one per rule
            try:
                con.execute("INSERT INTO review.rules SELECT * FROM _review_rules")  # columns in table order
            finally:
                con.unregister("_review_rules")


def build_review(
    con: duckdb.DuckDBPyConnection,
    *,
    scope: str = "core.claim_current",
    rules: list[Rule] | None = None,
    disabled: set[str] | frozenset[str] = frozenset(),
    repeat_window_days: int = 30,
    materialize: bool = True,
    lake: Path | None = None,
) -> dict[str, Any]:
    """Everything a warehouse build needs: reference tables, findings of ``scope`` stored in
    ``review.findings_all``, and the review objects. Returns a small summary for the run report.

    ``materialize`` (default here) copies the rows in scope into memory once instead of reading the Parquet
    behind ``core`` once per rule (about 3x faster on 160 claims); pass False when memory is short.
    """
    started = time.perf_counter()
    rules = load_rules() if rules is None else rules
    load_reference(con, lake=lake)
    findings = evaluate(con, rules, scope=scope, disabled=disabled, materialize=materialize)
    con.execute("CREATE SCHEMA IF NOT EXISTS review")
    con.register("_review_findings", findings)
    try:
        con.execute("CREATE OR REPLACE TABLE review.findings_all AS SELECT * FROM _review_findings")
    finally:
        con.unregister("_review_findings")
    create_review_objects(con, rules, "review.findings_all", repeat_window_days=repeat_window_days)
    by_severity = {s: 0 for s in SEVERITIES}
    for s in findings.column("severity").to_pylist():
        by_severity[str(s)] += 1
    return {
        "rules": len(rules),
        "rules_enabled": sum(r.enabled and r.code not in disabled for r in rules),
        "findings": findings.num_rows,
        "by_severity": by_severity,
        "seconds": round(time.perf_counter() - started, 3),
    }


FINDINGS_DIR = "review/findings"


def build_findings(
    con: duckdb.DuckDBPyConnection, lake: Path, committed_runs: list[str], published: list[Path]
) -> tuple[dict[str, Any], list[tuple[str, str, int, int]]]:
    """Review findings, incrementally: the claim versions of every committed run that has no findings file
    yet (``published``) are checked (against the whole history for the rules that compare claims), and the
    findings written to ``<lake>/review/findings/<run>.parquet``; ``review.*`` then reads all of them. A night
    therefore costs the review of its own claims, not of the history. Returns the counts for the run report,
    and the new files (path relative to the lake, table, rows, bytes) for the caller to list in the ledger."""
    started = time.perf_counter()
    rules = load_rules()
    load_reference(con, lake=lake)
    published = list(published)
    done = {p.stem for p in published}
    todo = [run for run in committed_runs if run not in done]
    checked = findings = 0
    new_parts = []
    for run in todo:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _review_scope AS SELECT macskcb, ma_lk, source_sha256 "
            "FROM core.claim_versions WHERE run_id = ?",
            [run],
        )
        checked += _count(con, "SELECT count(*) FROM _review_scope")
        table = evaluate(con, rules, scope="_review_scope", materialize=True)
        findings += table.num_rows
        rel = f"{FINDINGS_DIR}/{run}.parquet"
        path = lake / rel
        make_dirs(path.parent)
        tmp = path.with_name(f".{path.name}.tmp")
        pq.write_table(table, tmp, compression="zstd")
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, path)
        new_parts.append((rel, "review.findings", table.num_rows, path.stat().st_size))
        published.append(path)
    con.execute("DROP TABLE IF EXISTS _review_scope")
    relation(con, "lake.review_findings", published, FINDINGS_SCHEMA)
    create_review_objects(con, rules, "lake.review_findings")
    info = {
        "runs_checked": len(todo),
        "claims_checked": checked,
        "findings": findings,
        "rules": len(rules),
        "seconds": round(time.perf_counter() - started, 3),
    }
    return info, new_parts


def _count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(sql).fetchone()
    return int(row[0]) if row else 0


# -- recheck ------------------------------------------------------------------------------------------------
def open_for_recheck(warehouse: Path, lake: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory connection on which the rules run as in a nightly build: the served warehouse attached
    read-only (its ``core`` relations as views, its card eligibility list copied) and the reference tables
    built afresh, the catalogues read from ``lake`` as they are now (not as the last build saw them)."""
    con = duckdb.connect()
    con.execute(f"ATTACH '{str(warehouse).replace(chr(39), chr(39) * 2)}' AS wh (READ_ONLY)")
    con.execute("CREATE SCHEMA core")
    for (name,) in con.execute(
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_catalog = 'wh' AND table_schema = 'core'"
    ).fetchall():
        con.execute(f"CREATE VIEW core.{_quote(name)} AS SELECT * FROM wh.core.{_quote(name)}")  # noqa: S608
    con.execute("CREATE SCHEMA ref")
    if con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_catalog = 'wh' AND table_schema = 'ref' "
        "AND table_name = 'eligibility'"
    ).fetchone() == (1,):
        con.execute("CREATE TABLE ref.eligibility AS SELECT * FROM wh.ref.eligibility")
    load_reference(con, lake=lake)
    return con


def _findings_file(path: Path) -> pa.Table:
    """A findings file as :data:`FINDINGS_SCHEMA` (files written before amounts existed get null ones)."""
    table = pq.read_table(path)
    for f in FINDINGS_SCHEMA:
        if f.name not in table.column_names:
            table = table.append_column(f.name, pa.nulls(table.num_rows, f.type))
    return table.select(FINDINGS_SCHEMA.names).cast(FINDINGS_SCHEMA)


def recheck(
    con: duckdb.DuckDBPyConnection,
    lake: Path,
    *,
    since: tuple[int, int] | None = None,
    rule_codes: list[str] | None = None,
) -> dict[str, Any]:
    """Run the rules again over the current claim versions already reviewed, after a rule or a catalogue
    changed, and write the findings back into each run's findings file (``<lake>/review/findings/<run>``).

    ``since`` (year, month): only claims settled in that month or later (XML1 NAM_QT, THANG_QT);
    ``rule_codes``: only those rules (their old findings on the claims rechecked are replaced, other rules'
    stay). Every finding written carries the rule-set version that produced it. A file is rewritten
    (atomically) only when its content changes, so rechecking twice changes nothing. ``con``: see
    :func:`open_for_recheck`.
    Returns counts: claims rechecked, files rewritten (and which: the caller must record their new rows,
    size and checksum in the ledger, or ``bhyt-etl check`` and the next warehouse build would find them
    changed), findings before and after.
    """
    started = time.perf_counter()
    rules = load_rules()
    known = {r.code for r in rules}
    unknown = sorted(set(rule_codes or ()) - known)
    if unknown:
        raise TerminalError(f"unknown rule codes: {', '.join(unknown)} (see review.rules)", stage="review")
    run_rules = [r for r in rules if rule_codes is None or r.code in rule_codes]
    folder = Path(lake) / FINDINGS_DIR
    files = {p.stem: p for p in sorted(folder.glob("*.parquet"))} if folder.is_dir() else {}
    where, args = "", []
    if since:
        where = "WHERE x1.nam_qt * 100 + x1.thang_qt >= ?"
        args = [since[0] * 100 + since[1]]
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _recheck_scope AS "  # noqa: S608
        "SELECT c.macskcb, c.ma_lk, c.source_sha256, v.run_id FROM core.claim_current AS c "
        "JOIN core.claim_versions AS v USING (macskcb, ma_lk, source_sha256) "
        f"JOIN core.xml1 AS x1 USING (macskcb, ma_lk) {where}",
        args,
    )
    scope = con.execute("SELECT macskcb, ma_lk, source_sha256, run_id FROM _recheck_scope").fetchall()
    fresh = evaluate(con, run_rules, scope="_recheck_scope", materialize=True) if scope else None
    # the rule-set version covers every rule, also when only some are rerun
    version = ruleset_version(con, rules)
    if fresh is not None:
        fresh = fresh.set_column(
            fresh.schema.get_field_index("ruleset"),
            "ruleset",
            pa.array([version] * fresh.num_rows, pa.string()),
        )
    by_run: dict[str, set[tuple[str, str, str]]] = {}
    for mac, lk, sha, run in scope:
        by_run.setdefault(run, set()).add((mac, lk, sha))
    rechecked_codes = {r.code for r in run_rules}
    rewritten = before = after = 0
    files_rewritten: list[tuple[str, int, int]] = []
    for run, claims in sorted(by_run.items()):
        path = files.get(run)
        if path is None:  # the run was not reviewed yet: the next build reviews it
            continue
        old = _findings_file(path)
        before += old.num_rows
        keep = [
            (mac, lk, sha) not in claims or code not in rechecked_codes
            for mac, lk, sha, code in zip(
                old.column("macskcb").to_pylist(),
                old.column("ma_lk").to_pylist(),
                old.column("source_sha256").to_pylist(),
                old.column("rule_code").to_pylist(),
                strict=True,
            )
        ]
        kept = old.filter(pa.array(keep, pa.bool_()))
        new_rows = (
            [
                i
                for i, (mac, lk, sha) in enumerate(
                    zip(
                        fresh.column("macskcb").to_pylist(),
                        fresh.column("ma_lk").to_pylist(),
                        fresh.column("source_sha256").to_pylist(),
                        strict=True,
                    )
                )
                if (mac, lk, sha) in claims
            ]
            if fresh is not None
            else []
        )
        table = (
            pa.concat_tables([kept, fresh.take(pa.array(new_rows, pa.int64()))])
            if fresh is not None
            else kept
        )
        table = table.sort_by(
            [(c, "ascending") for c in ("macskcb", "ma_lk", "rule_code", "loaihoso", "field", "value")]
        )
        after += table.num_rows
        if table.equals(
            old.sort_by(
                [(c, "ascending") for c in ("macskcb", "ma_lk", "rule_code", "loaihoso", "field", "value")]
            )
        ):
            continue
        sink = pa.BufferOutputStream()  # a run's findings: small enough to write in one piece
        pq.write_table(table, sink, compression="zstd")
        atomic_write(path, sink.getvalue().to_pybytes())  # temporary name, fsync, rename over
        rewritten += 1
        files_rewritten.append((f"{FINDINGS_DIR}/{path.name}", table.num_rows, path.stat().st_size))
    con.execute("DROP TABLE IF EXISTS _recheck_scope")
    return {
        "claims": len(scope),
        "rules": len(run_rules),
        "ruleset": version,
        "files_rewritten": rewritten,
        # (path in the lake, rows, bytes): the caller records them in the ledger, which lists every lake file
        "rewritten": files_rewritten,
        "findings_before": before,
        "findings_after": after,
        "seconds": round(time.perf_counter() - started, 3),
    }
