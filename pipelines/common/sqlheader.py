"""The header of the project's SQL files: one grammar, one strict parser (described in ``docs/sql-files.md``).

Every ``.sql`` file under ``pipelines/sql/`` opens with a header of ``--`` lines, then its body (one
statement). The header ends at the first line that does not start with ``--``. Each header line is one of::

    -- <key>: <value>                 an entry
    -- <key> <argument>: <value>      an entry about one column, parameter or table (column ma_lk: ...)
    --   <more of the value>          a continuation of the entry above (two or more spaces after the dashes)
    --                                a separator

Anything else in the header is an error, and so are an unknown key, a key given twice, a required key
missing, an argument where none belongs, a value that is not of its key's form, and a placeholder
``${name}`` in the body that the file does not declare: the error names the file and the line. Which keys
a file must and may carry depends on its kind (:data:`SCHEMAS`); the kind follows from its folder
(:data:`KIND_OF_FOLDER`):

``object``   a table or view of the warehouse (``ref``, ``review``, ``payment``, ``patients``)
``helper``   a relation a build makes for itself and drops (the review's ``chk`` views, the patient linking,
             the catalogues' version spans)
``rule``     a review rule (``review/rules``), possibly for several tables
``example``  an example query for analysts (``examples``)

This module only reads text (nothing here runs SQL): :mod:`pipelines.warehouse.sqlfiles` runs the files
and checks their columns, and the test-data generator reads the eligibility list's columns from here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pipelines.common.errors import TerminalError
from pipelines.common.paths import SQL_ROOT

#: the formats of a report column (``-- title <column>: <Vietnamese title> | <format>``)
FORMATS = ("text", "int", "count", "money", "quantity", "price", "percent", "datetime")
#: the formats whose column the report's total line sums
TOTALLED = ("count", "money")
#: the claim tables a rule may point at
RULE_TABLES = tuple(f"XML{i}" for i in range(1, 16))

_ENTRY = re.compile(r"^-- ([a-z][a-z0-9_]*)(?: ([A-Za-z0-9_]+))?: (\S.*)$")
_CONTINUATION = re.compile(r"^--\s{2,}(\S.*)$")
_PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")
_CREATES = re.compile(
    r"^\s*CREATE\s+(?:OR\s+REPLACE\s+)?(?:TEMP(?:ORARY)?\s+)?(?:VIEW|TABLE)\s+(?:IF\s+NOT\s+EXISTS\s+)?"
    r"([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*){0,2})",
    re.I,
)
_NAME = r"[a-z_][a-z0-9_]*"
_TABLE = r"XML(?:[1-9]|1[0-5])"


class SqlFileError(TerminalError):
    """A SQL file does not follow the header convention, or what it builds differs from what it says."""


@dataclass(frozen=True)
class Key:
    """One header key of a kind of file.

    ``required``: the file must carry it (when ``with_key`` is set: whenever that key is present).
    ``arg``: the key takes an argument, ``"column"`` (a lower-case name; given once per column) or ``"name"``
    (a parameter name); ``per_table``: the key may instead be given once per table of ``tables``
    (``-- message_vi XML5: ...``). ``form``: a regular expression the value must match, ``expect`` says it in
    words. ``with_key``: allowed only in a file that also carries that key.
    """

    name: str
    required: bool = False
    arg: str | None = None
    per_table: bool = False
    form: str | None = None
    expect: str = ""
    with_key: str | None = None
    doc: str = ""


@dataclass(frozen=True)
class Schema:
    kind: str
    keys: tuple[Key, ...]
    #: of these keys, exactly one must be given
    exactly_one: tuple[str, ...] = ()
    #: the body must create the relation the ``object`` entry names
    creates: bool = False
    #: placeholders every file of the kind may use without declaring them
    builtin_placeholders: tuple[str, ...] = ()

    def key(self, name: str) -> Key | None:
        return next((k for k in self.keys if k.name == name), None)


_OBJECT_KEYS = (
    Key(
        "object",
        required=True,
        form=rf"{_NAME}(\.{_NAME}){{0,2}}",
        expect="a relation name such as payment.c79a",
        doc="the relation the file creates: schema.name (name alone for a TEMP relation)",
    ),
    Key("grain", required=True, doc="what one row is: 'one row per ...'"),
    Key("description", required=True, doc="what the relation is for and how it is made"),
    Key("source", doc="where its rules come from (STANDARD.md, ANCHORS.md, a decision)"),
    Key("column", required=True, arg="column", doc="once per output column, in the relation's order"),
    Key("param", arg="name", doc="a placeholder ${name} of the body, filled in when the file is run"),
)
_REPORT_KEYS = (
    Key(
        "report",
        form=r"[a-z0-9_]+",
        expect="a lower-case report name such as c79a",
        doc="the view is a report of `bhyt-etl report` under this name",
    ),
    Key("report_title", required=True, with_key="report", doc="the report's title (Vietnamese)"),
    Key(
        "report_order",
        required=True,
        with_key="report",
        form=rf"{_NAME}(, {_NAME})*",
        expect="documented columns separated by ', '",
        doc="the columns the rows are ordered by",
    ),
    Key(
        "report_label",
        required=True,
        with_key="report",
        form=_NAME,
        expect="a shown column",
        doc="the shown column where the total line writes its label",
    ),
    Key(
        "report_frozen",
        required=True,
        with_key="report",
        form=r"[0-9]+",
        expect="a number of columns",
        doc="how many leading columns stay in view when scrolling right",
    ),
    Key(
        "report_row_kind",
        with_key="report",
        form=_NAME,
        expect="a documented column",
        doc="the column whose value 'claim' marks detail lines; the view has its own subtotals and totals",
    ),
    Key(
        "title",
        required=True,
        arg="column",
        with_key="report",
        doc="a shown column: '<Vietnamese title> | <format>', in the order the report shows them",
    ),
)

SCHEMAS: dict[str, Schema] = {
    "object": Schema("object", _OBJECT_KEYS + _REPORT_KEYS, creates=True),
    "helper": Schema("helper", _OBJECT_KEYS, creates=True),
    "rule": Schema(
        "rule",
        (
            Key(
                "code",
                required=True,
                form=r"BIZ\.[A-Za-z0-9_.${}]+",
                expect="BIZ.<TABLE>.<NAME>",
                doc="the rule's code; with several tables it contains ${table}",
            ),
            Key(
                "severity",
                required=True,
                form="error|warning|info",
                expect="one of error, warning, info",
                doc="error, warning or info",
            ),
            Key("table", form=_TABLE, expect="one of XML1 … XML15", doc="the table its findings point at"),
            Key(
                "tables",
                form=rf"{_TABLE}(, {_TABLE})+",
                expect="two or more of XML1 … XML15 separated by ', '",
                doc="the tables of a rule that applies to several (one rule per table at load)",
            ),
            Key("field", required=True, doc="the standard's field name(s) checked"),
            Key("message_vi", required=True, per_table=True, doc="what is wrong and what to do, Vietnamese"),
            Key("message_en", required=True, per_table=True, doc="what is wrong and what to do, English"),
            Key("grain", required=True, doc="what one finding is: 'one row per offending claim/line'"),
            Key(
                "source", required=True, per_table=True, doc="the STANDARD.md section or checker implemented"
            ),
            Key("enabled", required=True, form="true|false", expect="true or false", doc="whether it runs"),
            Key("note", per_table=True, doc="anything a reviewer should know about the rule"),
            Key(
                "amount",
                per_table=True,
                doc="what a finding's amount (the SELECT's amount column, VND) is: the money the fund would "
                "not pay if the finding holds, or why it is 0",
            ),
        ),
        exactly_one=("table", "tables"),
        builtin_placeholders=("table", "t"),
    ),
    "example": Schema(
        "example",
        (
            Key("title", required=True, doc="the question the query answers"),
            Key("grain", required=True, doc="what one row of the answer is"),
            Key("note", doc="how to adapt the query"),
        ),
    ),
}

#: the kind of the files of a folder under ``pipelines/sql`` (a file elsewhere is an ``object``)
KIND_OF_FOLDER = {
    "review/rules": "rule",
    "review/scope": "helper",
    "patients/helpers": "helper",
    "ref/helpers": "helper",
    "examples": "example",
}


def kind_of(path: Path) -> str:
    """The kind of a file under ``pipelines/sql`` (by its folder)."""
    return _kind_of_folder(Path(path).absolute().parent)  # absolute: the cache must not depend on the cwd


@lru_cache(maxsize=256)
def _kind_of_folder(folder: Path) -> str:
    # resolving a path is a few system calls; a build asks this of the same dozen folders thousands of times
    try:
        relative = folder.resolve().relative_to(SQL_ROOT.resolve()).as_posix()
    except ValueError:
        return "object"
    return KIND_OF_FOLDER.get(relative, "object")


@dataclass(frozen=True)
class ReportColumn:
    """One column a report shows: the view's column, its Vietnamese title and its format."""

    name: str
    title: str
    format: str = "text"

    @property
    def total(self) -> bool:
        """The report's total line sums this column."""
        return self.format in TOTALLED


@dataclass(frozen=True)
class ReportLayout:
    """What a view's header says about the report made of it (``bhyt-etl report``)."""

    name: str
    view: str
    title: str
    columns: tuple[ReportColumn, ...]
    order_by: tuple[str, ...]
    label_column: str
    frozen_columns: int
    kind_column: str | None = None
    year_column: str = "nam_qt"
    month_column: str = "thang_qt"
    facility_column: str = "macskcb"

    @property
    def headers(self) -> list[str]:
        return [c.title for c in self.columns]

    @property
    def totals_in_view(self) -> bool:
        """The view has its own subtotal and total lines (it marks its lines in ``kind_column``)."""
        return self.kind_column is not None


@dataclass(frozen=True)
class Entry:
    key: str
    arg: str | None
    value: str
    line: int


@dataclass(frozen=True)
class SqlFile:
    """One SQL file: its kind, its header (typed) and its body."""

    path: Path
    kind: str
    meta: Mapping[str, str]  # the entries without argument
    columns: Mapping[str, str]  # column -> meaning, in header order
    per_table: Mapping[str, Mapping[str, str]]  # key -> table -> value (rules)
    params: Mapping[str, str]  # placeholder name -> meaning
    body: str
    body_line: int  # the line the body starts on
    lines: Mapping[str, int]  # where each entry was given ("column x", "message_vi XML5", ...)
    report: ReportLayout | None = field(default=None, repr=False)

    @property
    def name(self) -> str:
        """The relation the file creates (objects and helpers)."""
        return self.meta.get("object", "")

    @property
    def grain(self) -> str:
        return self.meta.get("grain", "")

    @property
    def description(self) -> str:
        return self.meta.get("description", "")

    @property
    def source(self) -> str:
        return self.meta.get("source", "")

    @property
    def title(self) -> str:
        return self.meta.get("title", "")

    def where(self, entry: str | None = None) -> str:
        """``path:line`` of an entry (``"column t_bhtt"``), or ``path`` when it has no line."""
        line = self.lines.get(entry) if entry else None
        return f"{self.path}:{line}" if line else str(self.path)

    def render(self, params: Mapping[str, object] | None = None) -> str:
        """The body with its placeholders filled in; every declared placeholder must be given."""
        return substitute(self.body, params or {}, self.path, self.body_line)


def substitute(text: str, params: Mapping[str, object], path: Path, first_line: int = 1) -> str:
    """``text`` with every ``${name}`` replaced by ``params[name]``; an unknown name is an error naming the
    file and line (``first_line``: the line of the file ``text`` starts on). A ``$`` not followed by ``{``
    is left alone (regular expressions in SQL)."""

    def replace(m: re.Match[str]) -> str:
        name = m.group(1)
        if name not in params:
            line = first_line + text.count("\n", 0, m.start())
            known = ", ".join(f"${{{p}}}" for p in params) or "none"
            raise SqlFileError(f"{path}:{line}: unknown placeholder ${{{name}}} (known here: {known})")
        return str(params[name])

    return _PLACEHOLDER.sub(replace, text)


def placeholders(text: str) -> list[str]:
    """The names of the ``${name}`` placeholders of ``text``, in order of appearance."""
    return _PLACEHOLDER.findall(text)


def parse_file(path: Path, kind: str | None = None) -> SqlFile:
    """Read and check one SQL file; ``kind`` defaults to the kind of its folder (:func:`kind_of`)."""
    path = Path(path)
    return _parse_known(path.read_text(encoding="utf-8"), path, kind or kind_of(path))


@lru_cache(maxsize=4096)
def _parse_known(text: str, path: Path, kind: str) -> SqlFile:
    """:func:`parse_text`, once per content: a night reads every SQL file several times (the marts, the
    dictionary, the fingerprint), and the result is immutable. Keyed by the text itself, so a file that
    changed is parsed again whatever its time stamps say; a file that fails raises each time."""
    return parse_text(text, path, kind)


def parse_text(text: str, path: Path, kind: str) -> SqlFile:
    """Check ``text`` (the content of ``path``) against the grammar and the schema of ``kind``."""
    if kind not in SCHEMAS:
        raise SqlFileError(f"{path}: unknown kind of SQL file {kind!r} (one of {', '.join(SCHEMAS)})")
    schema = SCHEMAS[kind]
    entries, body_line = _entries(text, path)
    lines = text.splitlines()
    while body_line <= len(lines) and not lines[body_line - 1].strip():
        body_line += 1
    body = "\n".join(lines[body_line - 1 :]).rstrip()
    meta: dict[str, str] = {}
    columns: dict[str, str] = {}
    params: dict[str, str] = {}
    per_table: dict[str, dict[str, str]] = {}
    titles: list[Entry] = []
    seen: dict[str, int] = {}
    for e in entries:
        key = schema.key(e.key)
        where = f"{path}:{e.line}"
        if key is None:
            allowed = ", ".join(k.name + (f" <{k.arg}>" if k.arg else "") for k in schema.keys)
            raise SqlFileError(f"{where}: unknown key {e.key!r} in a {kind} file (keys: {allowed})")
        label = f"{e.key} {e.arg}" if e.arg else e.key
        if label in seen:
            raise SqlFileError(f"{where}: {label!r} given twice (first on line {seen[label]})")
        seen[label] = e.line
        if key.arg:
            if e.arg is None:
                raise SqlFileError(f"{where}: {e.key!r} needs its {key.arg}: '-- {e.key} <{key.arg}>: ...'")
            if not re.fullmatch(_NAME, e.arg):
                raise SqlFileError(f"{where}: {e.key} {e.arg!r}: a {key.arg} is a lower-case name")
        elif e.arg is not None and not key.per_table:
            raise SqlFileError(f"{where}: {e.key!r} takes no argument (found {e.arg!r})")
        elif e.arg is not None and not re.fullmatch(_TABLE, e.arg):
            raise SqlFileError(f"{where}: {e.key} {e.arg!r}: the argument is a table, XML1 … XML15")
        if key.form and not re.fullmatch(key.form, e.value):
            raise SqlFileError(f"{where}: {e.key} {e.value!r} is not {key.expect}")
        if e.key == "column":
            columns[e.arg or ""] = e.value
        elif e.key == "param":
            params[e.arg or ""] = e.value
        elif e.key == "title" and key.arg:
            titles.append(e)
        elif e.arg is not None:
            per_table.setdefault(e.key, {})[e.arg] = e.value
        else:
            meta[e.key] = e.value
    _check_presence(schema, {e.key for e in entries}, meta, per_table, seen, path)
    _check_per_table(meta, per_table, seen, path)
    if not body:
        raise SqlFileError(f"{path}: nothing after the header (a file holds one statement)")
    if ";" in _strip_literals(body).rstrip().rstrip(";"):
        raise SqlFileError(f"{path}: a file holds ONE statement (found ';' before its end)")
    known = {**{b: "" for b in schema.builtin_placeholders}, **params}
    substitute(body, known, path, body_line)  # an unknown placeholder is an error naming its line
    used = placeholders(body)
    for name in params:
        if name not in used:
            raise SqlFileError(f"{path}:{seen[f'param {name}']}: param {name!r} is declared but not used")
    if schema.creates:
        created = _CREATES.match(_strip_comments(body))
        if created is None or created.group(1).lower() != meta["object"].lower():
            raise SqlFileError(
                f"{path}:{seen['object']}: the header names {meta['object']} but the file creates "
                f"{created.group(1) if created else 'nothing'}"
            )
    report = _report(meta, columns, titles, seen, path) if "report" in meta else None
    return SqlFile(
        path=path,
        kind=kind,
        meta=meta,
        columns=columns,
        per_table=per_table,
        params=params,
        body=body,
        body_line=body_line,
        lines=seen,
        report=report,
    )


def _entries(text: str, path: Path) -> tuple[list[Entry], int]:
    """The header's entries (continuations joined with a space) and the line the body starts on."""
    entries: list[Entry] = []
    open_entry = False
    lines = text.splitlines()
    for number, line in enumerate(lines, 1):
        if not line.startswith("--"):
            return entries, number
        line = line.rstrip()
        if line == "--":
            open_entry = False
            continue
        m = _ENTRY.match(line)
        if m:
            entries.append(Entry(m.group(1), m.group(2), m.group(3), number))
            open_entry = True
            continue
        c = _CONTINUATION.match(line)
        if c:
            if not open_entry:
                raise SqlFileError(f"{path}:{number}: a continuation line with no entry above it")
            last = entries[-1]
            entries[-1] = Entry(last.key, last.arg, f"{last.value} {c.group(1)}", last.line)
            continue
        raise SqlFileError(
            f"{path}:{number}: not a header line (expected '-- key: value', '-- key argument: value', "
            f"'--   continuation' or '--'): {line[:80]!r}"
        )
    return entries, len(lines) + 1


def _check_presence(
    schema: Schema,
    present: set[str],
    meta: Mapping[str, str],
    per_table: Mapping[str, Mapping[str, str]],
    seen: Mapping[str, int],
    path: Path,
) -> None:
    """Required keys given, keys that need another one with it, exactly one of the alternatives."""
    missing = []
    for key in schema.keys:
        if key.with_key and key.name in present and key.with_key not in present:
            line = min(v for k, v in seen.items() if k.split(" ")[0] == key.name)
            raise SqlFileError(f"{path}:{line}: {key.name!r} only goes with '{key.with_key}'")
        needed = key.required and (key.with_key is None or key.with_key in present)
        if needed and key.name not in present and key.name not in schema.exactly_one:
            missing.append(key.name)
    if missing:
        raise SqlFileError(f"{path}: header lacks {', '.join(missing)}")
    if schema.exactly_one:
        given = [k for k in schema.exactly_one if k in present]
        if len(given) != 1:
            raise SqlFileError(
                f"{path}: give exactly one of {', '.join(schema.exactly_one)} (found {len(given)})"
            )
    if "tables" not in meta and per_table:
        key_name, values = next(iter(per_table.items()))
        table = next(iter(values))
        raise SqlFileError(f"{path}:{seen[f'{key_name} {table}']}: per-table values need 'tables'")


def _check_per_table(
    meta: Mapping[str, str], per_table: Mapping[str, Mapping[str, str]], seen: Mapping[str, int], path: Path
) -> None:
    """A per-table value is given for every table of ``tables``, for no other, and not also for all."""
    tables = [t.strip() for t in meta["tables"].split(",")] if "tables" in meta else []
    if len(set(tables)) != len(tables):
        raise SqlFileError(f"{path}:{seen['tables']}: a table is listed twice in {meta['tables']!r}")
    for key_name, values in per_table.items():
        if key_name in meta:
            raise SqlFileError(
                f"{path}:{seen[key_name]}: {key_name!r} is given for all tables and per table "
                f"(line {min(seen[f'{key_name} {t}'] for t in values)})"
            )
        stray = [t for t in values if t not in tables]
        if stray:
            raise SqlFileError(
                f"{path}:{seen[f'{key_name} {stray[0]}']}: {key_name} {stray[0]}: {stray[0]} is not in "
                f"'tables: {meta.get('tables', '')}'"
            )
        lacking = [t for t in tables if t not in values]
        if lacking:
            raise SqlFileError(f"{path}: {key_name!r} is given per table but not for {', '.join(lacking)}")


def _report(
    meta: Mapping[str, str],
    columns: Mapping[str, str],
    titles: list[Entry],
    seen: Mapping[str, int],
    path: Path,
) -> ReportLayout:
    shown = []
    for e in titles:
        where = f"{path}:{e.line}"
        if e.arg not in columns:
            raise SqlFileError(f"{where}: title {e.arg}: no '-- column {e.arg}:' documents that column")
        title, _, fmt = (part.strip() for part in e.value.partition("|"))
        fmt = fmt or "text"
        if fmt not in FORMATS:
            raise SqlFileError(f"{where}: title {e.arg}: format {fmt!r} is not one of {', '.join(FORMATS)}")
        if not title:
            raise SqlFileError(f"{where}: title {e.arg}: the title is empty")
        shown.append(ReportColumn(e.arg or "", title, fmt))
    names = [c.name for c in shown]
    order = tuple(c.strip() for c in meta["report_order"].split(","))
    for key, wanted, pool, what in (
        ("report_order", order, columns, "a documented column"),
        ("report_label", (meta["report_label"],), names, "a shown column (with a title)"),
        ("report_row_kind", (meta.get("report_row_kind"),), columns, "a documented column"),
    ):
        for name in wanted:
            if name is not None and name not in pool:
                raise SqlFileError(f"{path}:{seen[key]}: {key}: {name} is not {what}")
    frozen = int(meta["report_frozen"])
    if frozen > len(shown):
        raise SqlFileError(
            f"{path}:{seen['report_frozen']}: report_frozen {frozen} > {len(shown)} shown columns"
        )
    return ReportLayout(
        name=meta["report"],
        view=meta["object"],
        title=meta["report_title"],
        columns=tuple(shown),
        order_by=order,
        label_column=meta["report_label"],
        frozen_columns=frozen,
        kind_column=meta.get("report_row_kind"),
    )


def _strip_comments(sql: str) -> str:
    return re.sub(r"--[^\n]*", "", sql)


def _strip_literals(sql: str) -> str:
    """The SQL without its string literals and comments (to look for statement separators)."""
    return _strip_comments(re.sub(r"'(?:[^']|'')*'", "''", sql))


def file_columns(path: Path) -> tuple[str, ...]:
    """The columns a file's header documents, in order (the card eligibility list's, for the generator)."""
    return tuple(parse_file(path).columns)
