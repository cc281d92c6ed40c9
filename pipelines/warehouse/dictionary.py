"""The data dictionary: every table and view of the warehouse, its grain, and the meaning of every column.

Generated, never written by hand, from three sources:

* the XSDs (through the registry) for ``core.xmlN`` / ``lake.xmlN``: table titles and each field's
  documentation in Vietnamese and English;
* :data:`OBJECT_DOCS` for the objects the warehouse build makes in Python (``ops.*``, versions);
* the headers of the SQL files under ``pipelines/sql/`` that make a table or view (``ref``, ``review``,
  ``payment``, ``patients``), read by the one parser (:mod:`pipelines.common.sqlheader`,
  ``docs/sql-files.md``)::

      -- object: payment.c79a
      -- grain: one row per facility, settlement month and section
      -- description: the C79a outpatient settlement summary
      -- column t_bhtt: amount the fund pays

It becomes ``docs/DATA_DICTIONARY.md`` (``bhyt-etl dictionary``; a test fails when the committed file is
stale) and ``COMMENT ON`` every table, view and column in both warehouses.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import duckdb

from pipelines.common.paths import SQL_ROOT
from pipelines.standard import load_registry
from pipelines.standard.registry import ENVELOPE_TABLES
from pipelines.warehouse.sqlfiles import object_files

LINEAGE_DOCS = {
    "source_sha256": "SHA-256 of the file the row came from (the raw zone keeps its bytes under this name)",
    "macskcb": "facility code (MACSKCB) of the folder the file came from, bound to the signer",
    "received_at": "when the pipeline took the file in (UTC)",
    "standard_version": "version of the table's XSD the row was read with (QD4750, QD3176)",
    "version": "claim version: 1 for the first accepted file of (macskcb, ma_lk), +1 for each resend",
    "nam_qt": "settlement year of the claim (from XML1 NAM_QT; partition of the lake)",
    "thang_qt": "settlement month of the claim (from XML1 THANG_QT; partition of the lake)",
}


@dataclass
class ObjectDoc:
    name: str
    grain: str
    description: str
    columns: dict[str, str] = field(default_factory=dict)
    source: str = ""


OBJECT_DOCS: list[ObjectDoc] = [
    ObjectDoc(
        "ops.files",
        "one row per decision of a file that arrived (a resend of the same bytes is a row of its own, status "
        "duplicate; a file decided again by reprocess with a new outcome has a row with reprocess_of)",
        "Every file the pipeline received and what its receipt said.",
        {
            "arrival_id": "number of the arrival in the ledger",
            "sha256": "SHA-256 of the file's bytes",
            "macskcb": "facility folder the file was uploaded to",
            "file_name": "name of the file as uploaded",
            "size_bytes": "size of the file",
            "received_at": "when the pipeline took the file in (UTC)",
            "status": "accepted | partially_accepted | rejected | duplicate",
            "error_codes": "distinct error and warning codes of the receipt (see error_catalogue.toml)",
            "errors": "number of error-severity entries in the receipt",
            "warnings": "number of warning-severity entries in the receipt",
            "signature_status": "outcome of signature verification (valid, invalid, untrusted, ...)",
            "signer_sha256": "SHA-256 of the signing certificate",
            "claims_accepted": "claims (HOSO) of the file that were accepted",
            "claims_rejected": "claims (HOSO) of the file that were rejected",
            "duplicate_of_file": "for a duplicate: the file that first brought these bytes",
            "run_id": "the run that decided the file",
            "reprocess_of": "for a decision made again from the raw zone (bhyt-etl reprocess): the "
            "arrival_id of the upload it decided again; null for the upload's own decision",
        },
        "pipelines/warehouse/build.py",
    ),
    ObjectDoc(
        "ops.runs",
        "one row per nightly run",
        "Every run: when, on which landing tree, whether it committed, and its summary.",
        {
            "run_id": "identifier of the run (start time and a random suffix)",
            "started_at": "start of the run",
            "finished_at": "end of the run",
            "state": "committed, or failed (killed or stopped before its ledger commit)",
            "landing": "landing root (no credentials)",
            "summary": "JSON: files and claims by outcome, rows per table, step times, repairs",
        },
        "pipelines/warehouse/build.py",
    ),
    ObjectDoc(
        "core.claim_versions",
        "one row per accepted version of a claim",
        "Every accepted version of every claim, with the file it came from.",
        {
            "macskcb": LINEAGE_DOCS["macskcb"],
            "ma_lk": "the claim's MA_LK",
            "version": LINEAGE_DOCS["version"],
            "source_sha256": LINEAGE_DOCS["source_sha256"],
            "file_name": "name of the file that carried this version",
            "received_at": LINEAGE_DOCS["received_at"],
            "run_id": "the run that accepted this version",
        },
        "pipelines/warehouse/build.py",
    ),
    ObjectDoc(
        "core.claim_current",
        "one row per claim (macskcb, ma_lk)",
        "The current version of every claim: the latest received.",
        {},  # filled below: the same columns as core.claim_versions
        "pipelines/warehouse/build.py",
    ),
]

OBJECT_DOCS[3].columns = dict(OBJECT_DOCS[2].columns)
OBJECT_DOCS.append(
    ObjectDoc(
        "ops.conformance",
        "one row per conformance finding (STD.*) of an accepted claim version: per claim, code, field, table",
        "Where accepted claims do not meet the standard's stricter text (docs/conformance.md): the values "
        "were stored exactly; the facility's receipt carried the same warnings; review.findings shows them "
        "as rule BIZ.XML1.STD_CONFORMANCE.",
        {
            "macskcb": LINEAGE_DOCS["macskcb"],
            "ma_lk": "the claim's MA_LK",
            "source_sha256": "the file of the claim version",
            "received_at": LINEAGE_DOCS["received_at"],
            "code": "STD.LENGTH | STD.FORMAT | STD.DECIMALS | STD.NEGATIVE | STD.REQUIRED | STD.ORDER | "
            "STD.WHITESPACE | STD.SHAPE (pipelines/standard/error_catalogue.toml)",
            "severity": "warning (the claim was accepted)",
            "loaihoso": "the table (XML1, XML2, ...)",
            "field": "the field (NULL for the order of a row's elements or a table's shape)",
            "path": "element path of the first row concerned",
            "detail": "the rule broken and how many rows (never the value)",
            "run_id": "the run that accepted the claim version",
        },
        "pipelines/warehouse/ops.py",
    )
)
OBJECT_DOCS.append(
    ObjectDoc(
        "core.conformance",
        "one row per conformance finding (STD.*) of a current claim version: per claim, code, field, table",
        "ops.conformance for the current version of each claim: what review.findings reports as rule "
        "BIZ.XML1.STD_CONFORMANCE.",
        dict(OBJECT_DOCS[-1].columns),
        "pipelines/warehouse/build.py",
    )
)
OBJECT_DOCS.append(
    ObjectDoc(
        "lake.review_findings",
        "one row per rule hit on any accepted claim version (per claim or per line, as the rule says)",
        "Every finding of every rule on every claim version, as each night checked its own claims; "
        "review.findings shows the current versions and enabled rules only.",
        {
            "macskcb": LINEAGE_DOCS["macskcb"],
            "ma_lk": "the claim's MA_LK",
            "source_sha256": "the file of the claim version that was checked",
            "rule_code": "the rule (review.rules; its SQL file is review.rules.sql_file)",
            "severity": "error | warning | info",
            "loaihoso": "the table the finding is about (XML1, XML2, ...)",
            "field": "the field the finding is about",
            "value": "the offending value (never a patient identifier)",
            "message_vi": "what is wrong and what to do, in Vietnamese",
            "message_en": "what is wrong and what to do, in English",
            "amount": "money at stake, VND: what the fund would not pay if the finding holds (0 when the "
            "rule has no money consequence, review.rules.amount says why; null only in files written "
            "before issue 14, until bhyt-etl review --recheck rewrites them)",
            "ruleset": "the rule-set version that made the finding (hash of rules and catalogue versions)",
        },
        "pipelines/marts/review.py",
    )
)

OBJECT_DOCS += [
    ObjectDoc(
        "ops.privacy",
        "one row per build of the analytics copy",
        "Analytics copy only: the privacy profile it was built under and the re-identification risk measured "
        "(k-anonymity over the quasi-identifiers; pipelines/warehouse/privacy.py); bhyt-etl privacy-report "
        "prints it.",
        {
            "run_id": "the run that built the copy",
            "built_at": "when the copy was built (UTC)",
            "profile": "deidentified | limited (identity.toml)",
            "k": "the k the profile must reach (identity.toml [privacy] k)",
            "k_achieved": "the size of the smallest group of claims showing the same quasi-identifiers",
            "records": "claims measured (core.xml1)",
            "groups": "groups of claims showing the same quasi-identifiers",
            "generalised": "claims whose dates, age, place and occupation the profile generalised",
            "suppressed": "claims that lost at least one quasi-identifier to reach k",
            "below_k": "claims still in a group smaller than k after the last step",
            "suppressed_by": "claims that lost each step's quasi-identifier (steps are cumulative), as JSON",
            "quasi_identifiers": "the quasi-identifiers measured",
            "seconds": "time of the k-anonymity pass",
        },
        "pipelines/warehouse/privacy.py",
    ),
    ObjectDoc(
        "ops.privacy_steps",
        "one row per claim that lost a quasi-identifier to reach k",
        "Analytics copy only: how far down the suppression ladder each such claim went; the core.xmlN views "
        "apply it.",
        {
            "macskcb": LINEAGE_DOCS["macskcb"],
            "ma_lk": "the claim's MA_LK",
            "step": "1 exact age, 2 province, 3 sex, 4 age band, 5 diagnoses (each with the earlier ones)",
        },
        "pipelines/warehouse/privacy.py",
    ),
]
#: columns only the de-identified analytics copy's core.xml1 / lake.xml1 have (pipelines/warehouse/privacy.py)
ANALYTICS_XML1_DOCS = {
    "tuoi": "analytics copy: age in whole years at admission (90 = 90 or older); NULL when suppressed",
    "nhom_tuoi": "analytics copy: 5-year age band at admission (00-04 … 85-89, 90+); NULL when suppressed",
}


def sql_docs() -> list[ObjectDoc]:
    """The ObjectDoc of every table and view made from a SQL file (their headers, through the one parser)."""
    return [
        ObjectDoc(
            f.name, f.grain, f.description, dict(f.columns), f.path.relative_to(SQL_ROOT.parent).as_posix()
        )
        for f in object_files()
    ]


def table_docs() -> list[ObjectDoc]:
    registry = load_registry()
    out = []
    for lh in ENVELOPE_TABLES:
        spec = registry.latest(lh)
        grain = (
            "one row per claim (macskcb, ma_lk)"
            if spec.is_flat
            else f"one row per {spec.row_tag} element of a claim"
        )
        columns: dict[str, str] = {}
        tags: dict[str, str] = {}
        for version in registry.versions[lh]:
            for f in version.fields:
                if f.column in columns and tags[f.column] != f.tag:  # two shapes, one column (bhyt:column)
                    shape_name = version.shape or version.version
                    columns[f.column] += f"; in the {shape_name} shape {f.tag}: {f.doc_en}"
                    tags[f.column] = f.tag
                    continue
                tags.setdefault(f.column, f.tag)
                columns.setdefault(f.column, f"{f.tag}: {f.doc_en} / {f.doc_vi}".strip(" :/"))
        shape = registry.shape_column(lh)
        if shape:
            columns[shape] = (
                "which shape of the table the row was written in (XML13: QD130 with MA_NOI_DI/MA_NOI_DEN, "
                "QD3176 with MA_CSKCB_DI/MA_CSKCB_DEN), read from the document itself, never from NGAYLAP"
            )
        message = registry.message_column(lh)
        if message:
            columns[message] = (
                "position (1, 2, ...) of the record in the stand-alone signed message it came in "
                f"({spec.root_tag} outside GIAMDINHHS); NULL for rows that came inside GIAMDINHHS"
            )
        for schema, what in (("core", "current version of each claim"), ("lake", "every accepted version")):
            docs = dict(columns)
            for key, meaning in LINEAGE_DOCS.items():
                if key != "version" or schema == "core":
                    docs.setdefault(key, meaning)
            if lh == "XML1":
                docs.update(ANALYTICS_XML1_DOCS)
            out.append(
                ObjectDoc(
                    f"{schema}.{lh.lower()}",
                    grain,
                    f"{lh} {spec.title_en} ({spec.title_vi}): {what}."
                    + (
                        f" Records that came in their own signed message are in lake.{lh.lower()} (with "
                        f"{message}) and core.{lh.lower()}_messages, not in core.{lh.lower()}."
                        if message
                        else ""
                    ),
                    docs,
                    spec.xsd_path.name,
                )
            )
        if message:
            docs = dict(columns)
            for key in ("source_sha256", "macskcb", "received_at", "standard_version", "nam_qt", "thang_qt"):
                docs.setdefault(key, LINEAGE_DOCS[key])
            docs["source_sha256"] = (
                f"SHA-256 of the signed message the record came in: with {message}, the record's key"
            )
            docs["ma_lk"] = "NULL: the message is tied to no claim (a value only if the file wrote one)"
            docs["nam_qt"] = docs["thang_qt"] = "0: a message has no settlement month (partition of the lake)"
            out.append(
                ObjectDoc(
                    f"core.{lh.lower()}_messages",
                    f"one row per {spec.row_tag} record of an accepted stand-alone message "
                    f"(source_sha256, {message})",
                    f"{lh} {spec.title_en} ({spec.title_vi}) sent in its own signed message "
                    f"({spec.root_tag} with CHUKYDONVI, outside GIAMDINHHS; docs/conformance.md): every "
                    "accepted file's records, "
                    "tied to no claim and without versions; the same bytes sent twice are a duplicate and "
                    "load once.",
                    docs,
                    "pipelines/warehouse/build.py",
                )
            )
    return out


def all_docs() -> list[ObjectDoc]:
    return table_docs() + list(OBJECT_DOCS) + sql_docs()


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def apply_comments(con: duckdb.DuckDBPyConnection) -> int:
    """COMMENT ON every documented object and column that exists in ``con``; returns how many comments."""
    kinds = {
        f"{s}.{n}": k
        for s, n, k in con.execute(
            "SELECT schema_name, table_name, 'TABLE' FROM duckdb_tables() WHERE NOT internal "
            "UNION ALL SELECT schema_name, view_name, 'VIEW' FROM duckdb_views() WHERE NOT internal"
        ).fetchall()
    }
    existing = {
        (f"{s}.{t}", c)
        for s, t, c in con.execute(
            "SELECT schema_name, table_name, column_name FROM duckdb_columns()"
        ).fetchall()
    }
    statements = []
    for doc in all_docs():
        kind = kinds.get(doc.name)
        if kind is None:
            continue
        text = f"{doc.description} Grain: {doc.grain}."
        statements.append(f"COMMENT ON {kind} {doc.name} IS {_quote(text)}")
        for column, meaning in doc.columns.items():
            if (doc.name, column) in existing:
                statements.append(f"COMMENT ON COLUMN {doc.name}.{column} IS {_quote(meaning)}")
    if statements:
        with catalogue_only(con):
            # one transaction: committed one by one, 1,500 comments cost seconds of catalogue commits
            con.execute("BEGIN TRANSACTION")
            try:
                con.execute(";\n".join(statements))
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")
    return len(statements)


@contextmanager
def catalogue_only(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Run statements that touch only the catalogue (``COMMENT ON``) on one DuckDB thread and without the
    query optimizer, then give the connection both settings back. Each statement costs DuckDB about 0.2 ms
    however small it is: part of that is waking the other threads for work that has none (about 2,000
    comments took 0.6 s on 2 threads and 0.43 s on one), and part is the optimizer's passes over a plan
    that has nothing to optimize (``SELECT 1`` takes 145 instead of 224 us without them). Both settings are
    the connection's own (``SET``, not ``SET GLOBAL``), so nothing else is run without them."""
    threads, optimizer = con.execute(
        "SELECT current_setting('threads'), current_setting('enable_optimizer')"
    ).fetchall()[0]
    con.execute("SET threads = 1")
    con.execute("SET enable_optimizer = false")
    try:
        yield
    finally:
        con.execute(f"SET threads = {int(threads)}")
        con.execute(f"SET enable_optimizer = {bool(optimizer)}")


def render_markdown() -> str:
    """The dictionary as Markdown (``docs/DATA_DICTIONARY.md``)."""
    lines = [
        "# Data dictionary",
        "",
        "Generated by `bhyt-etl dictionary` from the XSDs, `pipelines/warehouse/dictionary.py` and the",
        "headers of the SQL files in `pipelines/sql/`. Do not edit by hand. The same text is on every",
        "table, view and column in DuckDB (`SELECT comment FROM duckdb_columns() WHERE ...`). The",
        "analytics copy has the same objects; there names, addresses and phone numbers are NULL, CCCD and",
        "card numbers keyed hashes, birth dates the year.",
        "",
    ]
    docs = sorted(all_docs(), key=lambda d: (d.name.split(".")[0], _natural(d.name)))
    lines.append("| object | grain |")
    lines.append("|---|---|")
    lines += [f"| [`{d.name}`](#{d.name.replace('.', '')}) | {d.grain} |" for d in docs]
    for d in docs:
        source = f" Source: `{d.source}`." if d.source else ""
        lines += ["", f"## {d.name}", "", d.description, "", f"Grain: {d.grain}.{source}"]
        if d.columns:
            lines += ["", "| column | meaning |", "|---|---|"]
            lines += [f"| `{c}` | {m.replace('|', '/')} |" for c, m in d.columns.items()]
    return "\n".join(lines) + "\n"


def _natural(name: str) -> list[int | str]:
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", name)]
