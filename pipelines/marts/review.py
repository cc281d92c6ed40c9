"""Claims review (giám định): business rules as SQL files, run over the warehouse, findings for reviewers.

The rules are data. Each rule is one file ``pipelines/sql/review/rules/<RULE_CODE>.sql``: a header of
``-- key: value`` lines (code, severity, table, field, messages, grain, source, enabled) and ONE SELECT that
returns the offending claims or lines as ``macskcb, ma_lk, loaihoso, field, value``. Nothing else lists the
rules: adding a file adds a rule.

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
``pipelines/sql/review/``, and so are the reference tables (``pipelines/sql/review/ref/``); each header states
the object's grain and purpose (:func:`dictionary_entries`, for the data dictionary).

Plain functions; no Prefect.
"""

from __future__ import annotations

import os
import re
import string
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.common.errors import TerminalError
from pipelines.common.files import FILE_MODE, make_dirs
from pipelines.common.paths import REPO_ROOT, SQL_ROOT, catalog_dir
from pipelines.standard.registry import ENVELOPE_TABLES
from pipelines.warehouse.build import relation

SQL_DIR = SQL_ROOT / "review"
RULES_DIR = SQL_DIR / "rules"

SEVERITIES = ("error", "warning", "info")
HEADER_KEYS = ("code", "severity", "table", "field", "message_vi", "message_en", "grain", "source", "enabled")
OPTIONAL_KEYS = ("note",)
#: what every rule's SELECT returns, in this order
RULE_COLUMNS = ("macskcb", "ma_lk", "loaihoso", "field", "value")
#: what :func:`evaluate` returns
FINDINGS_SCHEMA = pa.schema(
    [
        ("macskcb", pa.string()),
        ("ma_lk", pa.string()),
        ("source_sha256", pa.string()),
        ("rule_code", pa.string()),
        ("severity", pa.string()),
        ("loaihoso", pa.string()),
        ("field", pa.string()),
        ("value", pa.string()),
        ("message_vi", pa.string()),
        ("message_en", pa.string()),
    ]
)
#: helper views over the claims under review that several rules read (created in ``chk`` with the scope)
SCOPE_DIR = SQL_DIR / "scope"
#: review objects, in creation order (each depends only on those before it)
OBJECT_FILES = ("rules.sql", "findings.sql", "queue.sql", "rule_hit_rates.sql", "repeat_services.sql")

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*){0,2}$")
_HEADER_LINE = re.compile(r"^--\s?([a-z_]+):\s*(.*)$")
_CONTINUATION = re.compile(r"^--\s{2,}(\S.*)$")


class RuleDefinitionError(TerminalError):
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

    @property
    def sql_file(self) -> str:
        """The rule file relative to the repository (as shown in ``review.rules``)."""
        try:
            return self.path.relative_to(REPO_ROOT).as_posix()
        except ValueError:
            return str(self.path)


# -- rules ------------------------------------------------------------------------------------------------
def parse_rule(path: Path) -> Rule:
    """Read one rule file; raise :class:`RuleDefinitionError` naming the file when it is malformed."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    meta: dict[str, str] = {}
    body: list[str] = []
    last: str | None = None
    in_header = True
    for line in text.splitlines():
        if in_header and line.startswith("--"):
            m = _HEADER_LINE.match(line)
            if m:
                key, value = m.group(1), m.group(2).strip()
                if key not in HEADER_KEYS + OPTIONAL_KEYS:
                    raise RuleDefinitionError(f"{path.name}: unknown header key {key!r}", stage="review")
                if key in meta and key not in OPTIONAL_KEYS:
                    raise RuleDefinitionError(f"{path.name}: header key {key!r} given twice", stage="review")
                meta[key] = f"{meta[key]} {value}".strip() if key in meta else value
                last = key
                continue
            c = _CONTINUATION.match(line)
            if c and last:
                meta[last] = f"{meta[last]} {c.group(1).strip()}"
                continue
            if line.strip() == "--":
                last = None
                continue
            last = None  # a free comment inside the header
            continue
        in_header = False
        body.append(line)
    missing = [k for k in HEADER_KEYS if not meta.get(k)]
    if missing:
        raise RuleDefinitionError(f"{path.name}: header lacks {', '.join(missing)}", stage="review")
    if meta["severity"] not in SEVERITIES:
        raise RuleDefinitionError(
            f"{path.name}: severity {meta['severity']!r} is not one of {', '.join(SEVERITIES)}",
            stage="review",
        )
    if meta["enabled"].lower() not in ("true", "false"):
        raise RuleDefinitionError(f"{path.name}: enabled must be true or false", stage="review")
    code = meta["code"]
    if not code.startswith("BIZ.") or path.stem != code:
        raise RuleDefinitionError(
            f"{path.name}: code {code!r} must start with BIZ. and equal the file name", stage="review"
        )
    if not re.fullmatch(r"XML([1-9]|1[0-5])", meta["table"]):
        raise RuleDefinitionError(f"{path.name}: table {meta['table']!r} is not XML1…XML15", stage="review")
    sql = "\n".join(body).strip().rstrip(";").strip()
    if not sql:
        raise RuleDefinitionError(f"{path.name}: no SELECT after the header", stage="review")
    if ";" in _strip_sql_literals(sql):
        raise RuleDefinitionError(f"{path.name}: a rule is ONE statement (found ';')", stage="review")
    return Rule(
        code=code,
        severity=meta["severity"],
        table=meta["table"],
        field=meta["field"],
        message_vi=meta["message_vi"],
        message_en=meta["message_en"],
        grain=meta["grain"],
        source=meta["source"],
        enabled=meta["enabled"].lower() == "true",
        sql=sql,
        path=path,
        note=meta.get("note", ""),
    )


def _strip_sql_literals(sql: str) -> str:
    """The SQL without string literals and comments (to look for statement separators)."""
    sql = re.sub(r"'(?:[^']|'')*'", "''", sql)
    return re.sub(r"--[^\n]*", "", sql)


def load_rules(folder: Path | str | None = None) -> list[Rule]:
    """Every ``*.sql`` rule of ``folder`` (default: ``pipelines/sql/review/rules``), ordered by code."""
    folder = Path(folder) if folder else RULES_DIR
    paths = sorted(folder.glob("*.sql"))
    if not paths:
        raise RuleDefinitionError(f"no rule files in {folder}", stage="review")
    return sorted((parse_rule(p) for p in paths), key=lambda r: r.code)


# -- reference catalogues -----------------------------------------------------------------------------------
REF_DIR = SQL_ROOT / "ref"


def load_reference(con: duckdb.DuckDBPyConnection, folder: Path | str | None = None) -> list[str]:
    """Create schema ``ref`` with the catalogues the rules read; return the tables created.

    One ``.sql`` file per table in ``pipelines/sql/review/ref/`` (header: object, grain, description), reading
    ``data/catalogs/*.csv`` (``folder`` overrides the catalogue folder): ``ref.icd10``, ``ref.ma_nhom``,
    ``ref.ma_loai_kcb``, ``ref.ma_doituong_kcb``, ``ref.card_groups``, ``ref.benefit_levels``,
    ``ref.provinces``, ``ref.services``, ``ref.drugs``, ``ref.supplies``, ``ref.base_salary``. Codes stay
    text (``"01"``, ``"1.10"``), flags are BOOLEAN, numbers are typed.
    """
    folder = Path(folder) if folder else catalog_dir()
    if not folder.is_dir():
        raise TerminalError(f"reference catalogue folder {folder} is missing", stage="review")
    con.execute("CREATE SCHEMA IF NOT EXISTS ref")
    created = []
    for path in sorted(REF_DIR.glob("*.sql")):
        sql = string.Template(path.read_text(encoding="utf-8")).substitute(
            catalog_dir=str(folder).replace("'", "''")
        )
        try:
            con.execute(sql)
        except duckdb.Error as e:
            raise TerminalError(f"reference table {path.name} could not be built: {e}", stage="review") from e
        created.append(f"ref.{path.stem}")
    return created


# -- evaluation ---------------------------------------------------------------------------------------------
def _check_name(name: str, what: str) -> str:
    if not _NAME.match(name):
        raise TerminalError(f"{what} {name!r} is not a plain relation name", stage="review")
    return name


def _quote(ident: str) -> str:
    return '"' + ident.replace('"', '""') + '"'


def open_scope(con: duckdb.DuckDBPyConnection, scope: str, *, materialize: bool = False) -> None:
    """Attach an in-memory catalogue ``chk`` whose views ``chk.xml1`` … ``chk.xml15`` are the current rows
    (``core.xmlN``) of the claims listed in ``scope`` (columns macskcb, ma_lk, source_sha256).

    DuckDB does not allow a schema in the TEMP catalogue, so ``chk`` is an attached in-memory database:
    like TEMP objects it lives only as long as the connection (or until :func:`close_scope`), is never
    written to the warehouse file, and works on a read-only connection too. With ``materialize`` the
    ``chk.xmlN`` are in-memory tables instead of views: the Parquet files behind ``core`` are then read
    once instead of once per rule (faster when many rules run over Parquet-backed views; costs memory).
    """
    _check_name(scope, "scope")
    (db,) = con.execute("SELECT current_database()").fetchone()
    close_scope(con)
    con.execute("ATTACH ':memory:' AS chk")
    con.execute(
        "CREATE TABLE chk.main.scope AS SELECT DISTINCT macskcb, ma_lk, source_sha256 "  # noqa: S608
        f"FROM {scope}"
    )
    for lh in ENVELOPE_TABLES:
        name = lh.lower()
        kind = "TABLE" if materialize else "VIEW"
        con.execute(
            f"CREATE {kind} chk.main.{name} AS SELECT t.* FROM {_quote(db)}.core.{name} t "  # noqa: S608
            "SEMI JOIN chk.main.scope s ON t.macskcb = s.macskcb AND t.ma_lk = s.ma_lk "
            "AND t.source_sha256 = s.source_sha256"
        )
    for helper in sorted(SCOPE_DIR.glob("*.sql")):  # relations several rules share (e.g. the line split)
        sql = string.Template(helper.read_text(encoding="utf-8")).substitute(db=_quote(db))
        con.execute(sql)


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
    open_scope(con, scope, materialize=materialize)
    try:
        con.execute(
            "CREATE TABLE chk.main.findings (macskcb VARCHAR, ma_lk VARCHAR, source_sha256 VARCHAR, "
            "rule_code VARCHAR, severity VARCHAR, loaihoso VARCHAR, field VARCHAR, value VARCHAR, "
            "message_vi VARCHAR, message_en VARCHAR)"
        )
        for rule in rules:
            if not rule.enabled or rule.code in disabled:
                continue
            run_rule(con, rule)
        return con.sql(
            "SELECT * FROM chk.main.findings ORDER BY macskcb, ma_lk, rule_code, loaihoso, field, value"
        ).to_arrow_table()
    finally:
        close_scope(con)


def run_rule(con: duckdb.DuckDBPyConnection, rule: Rule) -> None:
    """Append the findings of one rule to ``chk.main.findings`` (the scope must be open)."""
    try:
        cols = [d[0] for d in con.execute(f"SELECT * FROM ({rule.sql}) LIMIT 0").description]  # noqa: S608
    except duckdb.Error as e:
        raise RuleExecutionError(f"rule {rule.code} ({rule.sql_file}) failed: {e}", stage="review") from e
    if tuple(c.lower() for c in cols) != RULE_COLUMNS:
        raise RuleExecutionError(
            f"rule {rule.code} ({rule.sql_file}) returns columns {cols}, expected {list(RULE_COLUMNS)}",
            stage="review",
        )
    try:
        con.execute(
            "INSERT INTO chk.main.findings SELECT DISTINCT f.macskcb, f.ma_lk, s.source_sha256, "  # noqa: S608
            "?, ?, f.loaihoso, f.field, CAST(f.value AS VARCHAR), ?, ? "
            f"FROM ({rule.sql}) f JOIN (SELECT DISTINCT macskcb, ma_lk, source_sha256 FROM chk.main.xml1) s "
            "ON s.macskcb = f.macskcb AND s.ma_lk = f.ma_lk",
            [rule.code, rule.severity, rule.message_vi, rule.message_en],
        )
    except duckdb.Error as e:
        raise RuleExecutionError(f"rule {rule.code} ({rule.sql_file}) failed: {e}", stage="review") from e


# -- review objects ---------------------------------------------------------------------------------------
def object_sql(name: str, **params: Any) -> str:
    """The SQL of one review object file with ``$params`` substituted."""
    text = (SQL_DIR / name).read_text(encoding="utf-8")
    return string.Template(text).substitute({k: str(v) for k, v in params.items()})


def object_header(path: Path) -> dict[str, str]:
    """``-- key: value`` header of an object file (``sql/review/queue.sql``, ``sql/ref/icd10.sql``): object,
    grain, description."""
    out: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        m = _HEADER_LINE.match(line)
        if not line.startswith("--"):
            break
        if m:
            out[m.group(1)] = m.group(2).strip()
    return out


def dictionary_entries() -> list[dict[str, str]]:
    """Object, grain, description and file of every table/view this module creates (``review.*`` and
    ``ref.*``), for the generated data dictionary. Rules are described by ``review.rules``."""
    paths = [SQL_DIR / n for n in OBJECT_FILES] + sorted(REF_DIR.glob("*.sql"))
    return [
        {**object_header(p), "file": f"pipelines/{p.relative_to(SQL_ROOT.parent).as_posix()}"}
        for p in paths
    ]


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
    if not isinstance(repeat_window_days, int) or repeat_window_days < 0:
        raise TerminalError("repeat_window_days must be a non-negative integer", stage="review")
    con.execute("CREATE SCHEMA IF NOT EXISTS review")
    for name in OBJECT_FILES:
        sql = object_sql(name, findings_relation=findings_relation, repeat_window_days=repeat_window_days)
        con.execute(sql)
        if name == "rules.sql" and rules:
            con.executemany(
                "INSERT INTO review.rules VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    [
                        r.code,
                        r.severity,
                        r.table,
                        r.field,
                        r.message_vi,
                        r.message_en,
                        r.enabled,
                        r.sql_file,
                        r.grain,
                        r.source,
                    ]
                    for r in rules
                ],
            )


def build_review(
    con: duckdb.DuckDBPyConnection,
    *,
    scope: str = "core.claim_current",
    rules: list[Rule] | None = None,
    disabled: set[str] | frozenset[str] = frozenset(),
    repeat_window_days: int = 30,
    materialize: bool = True,
) -> dict[str, Any]:
    """Everything a warehouse build needs: reference tables, findings of ``scope`` stored in
    ``review.findings_all``, and the review objects. Returns a small summary for the run report.

    ``materialize`` (default here) copies the rows in scope into memory once instead of reading the Parquet
    behind ``core`` once per rule (about 3x faster on 160 claims); pass False when memory is short.
    """
    started = time.perf_counter()
    rules = load_rules() if rules is None else rules
    load_reference(con)
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
        by_severity[s] += 1
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
    load_reference(con)
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
