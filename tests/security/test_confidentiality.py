"""Confidentiality sweep: after a whole night on generated data with defects, no patient identifier is
anywhere it should not be, and what holds them is not readable by other users.

Identifiers are read from the files themselves (the manifest holds none): every XML1 payload of every
inbox file is decoded and its HO_TEN, SO_CCCD, MA_THE_BHYT, DIA_CHI and DIEN_THOAI collected, each both as
text and as the base64 run that carries it inside NOIDUNGFILE (a log line holding the signed envelope leaks
the patient as surely as one holding the name). Searched: every log record of every logger at DEBUG (with
its traceback), what the night printed, every receipt in every outbox, every text cell of the ledger,
``ops.files`` and ``ops.runs``, the catalogue's messages, the run summary, ``bhyt-etl verify`` on
defective files (stdout and stderr, at the CLI's default logging and with the root logger at DEBUG), and
every text cell of the analytics copy under both privacy profiles: the generator plants the patients' names
(as written, in capitals, without diacritics), phones (with spaces or dots), CCCD and card numbers in
clinical notes and in unexpected fields (``pipelines/generate/planted.py``), and the copy must show none.
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import logging
import os
import re
import sqlite3
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from lxml import etree
from support.built_warehouse import ingest
from support.columns import distinct_values

from pipelines.decide.guard import hardened_parser
from pipelines.generate.landing import generate_landing
from pipelines.generate.planted import unaccented
from pipelines.marts import COPIED_TABLES, derived_builders
from pipelines.standard.codes import catalogue
from pipelines.warehouse.analytics import build_analytics
from pipelines.warehouse.identity import PROFILES, pseudonym_key

PII_FIELDS = ("HO_TEN", "SO_CCCD", "MA_THE_BHYT", "DIA_CHI", "DIEN_THOAI")
XML1_PAYLOAD = re.compile(rb"<LOAIHOSO>\s*XML1\s*</LOAIHOSO>\s*<NOIDUNGFILE>([^<]*)</NOIDUNGFILE>")


@dataclass
class Swept:
    root: Path
    values: dict[str, str]  # needle -> what it is (for the failure message; never the value itself)
    logs: list[str]
    printed: str
    summary: dict


def _needles(payload: bytes) -> dict[str, str]:
    """The identifiers of one XML1 document, as text and as the aligned base64 run that encodes them."""
    try:
        doc = etree.fromstring(payload, hardened_parser())
    except etree.XMLSyntaxError:
        return {}
    out = {}
    for tag in PII_FIELDS:
        text = (doc.findtext(tag) or "").strip()
        for value in {text, *text.split(";")}:
            value = value.strip()
            if len(value) < 6:
                continue
            out[value] = tag
            raw = value.encode("utf-8")
            start = payload.find(raw)
            if start >= 0:
                a = -(-start // 3) * 3  # first 3-byte boundary inside the value
                b = a + (start + len(raw) - a) // 3 * 3
                if b - a >= 6:
                    out[base64.b64encode(payload[a:b]).decode("ascii")] = f"{tag} (base64)"
    return out


def collect_identifiers(landing: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    for path in sorted(landing.glob("*/inbox/*")):
        if path.is_symlink() or not path.is_file():
            continue
        for m in XML1_PAYLOAD.finditer(path.read_bytes()):
            try:
                payload = base64.b64decode(b"".join(m.group(1).split()), validate=True)
            except ValueError:
                continue
            values.update(_needles(payload))
    return values


def leaks(text: str, values: dict[str, str]) -> list[str]:
    """What kinds of identifier occur in ``text`` (the kinds only: a failing test must not print them)."""
    return sorted({kind for value, kind in values.items() if value in text})


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))  # message, arguments and traceback


@pytest.fixture(scope="module")
def swept(tmp_path_factory: pytest.TempPathFactory) -> Swept:
    root = tmp_path_factory.mktemp("confidential")
    generate_landing(
        root / "landing",
        root / "trust",
        facilities=3,
        claims=24,
        seed=17,
        defects=True,
        plant_identifiers=True,
    )
    values = collect_identifiers(root / "landing")
    assert sum(kind == "HO_TEN" for kind in values.values()) >= 10  # the sweep looks for something real
    assert any(kind.endswith("(base64)") for kind in values.values())
    # a name no receipt can carry: the night logs an ERROR for it, which proves the capture works
    inbox = next((root / "landing").glob("*/inbox"))
    (inbox / ("x" * 240 + ".xml")).write_bytes(b"<GIAMDINHHS/>")

    handler = _Records()
    top = logging.getLogger()
    levels = {name: lg.level for name, lg in logging.Logger.manager.loggerDict.items()
              if isinstance(lg, logging.Logger)}
    old_root, old_umask = top.level, os.umask(0o022)  # usual umask: the code must not rely on a stricter one
    top.addHandler(handler)
    top.setLevel(logging.DEBUG)
    for name in levels:  # every logger at DEBUG, as an operator's debug session would have them, except
        if not name.startswith("signxml"):  # the one the product caps (pipelines/process.py) on purpose
            logging.getLogger(name).setLevel(logging.NOTSET)
    logging.captureWarnings(True)
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
            summary = ingest(root)
    finally:
        logging.captureWarnings(False)
        top.removeHandler(handler)
        top.setLevel(old_root)
        os.umask(old_umask)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)
    return Swept(root, values, handler.lines, printed.getvalue(), summary)


def test_logs_at_debug_hold_no_identifier(swept: Swept) -> None:
    """Before the fix signxml logged every canonicalized envelope at DEBUG: the patients' tables in base64."""
    assert any("left alone" in line for line in swept.logs), "the capture is broken"
    found = {kind for line in swept.logs for kind in leaks(line, swept.values)}
    assert not found, f"identifiers in the logs: {sorted(found)}"
    assert not leaks(swept.printed, swept.values)


def test_receipts_in_every_outbox_hold_no_identifier(swept: Swept) -> None:
    receipts = sorted((swept.root / "landing").glob("*/outbox/*.receipt.json"))
    assert len(receipts) == swept.summary["files"]["received"]
    statuses = set()
    for path in receipts:
        text = path.read_text(encoding="utf-8")
        statuses.add(json.loads(text)["status"])
        assert not leaks(text, swept.values), path.name
    assert {"accepted", "rejected", "partially_accepted", "duplicate"} <= statuses  # defects were answered


def test_ledger_and_kept_receipts_hold_no_identifier(swept: Swept) -> None:
    """Every receipt the lake keeps (``receipts/<run>/<batch>.jsonl``), and every text cell of every table of
    the ledger."""
    receipts = [
        line
        for path in sorted((swept.root / "lake" / "receipts").rglob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
    ]
    assert receipts
    for receipt in receipts:
        assert not leaks(receipt, swept.values)
    db = sqlite3.connect(f"file:{swept.root / 'lake' / 'ledger.sqlite'}?mode=ro", uri=True)
    try:
        tables = [t for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            for row in db.execute(f'SELECT * FROM "{table}"'):  # noqa: S608 - names from sqlite_master
                text = " ".join(str(v) for v in row if isinstance(v, str | bytes))
                assert not leaks(text, swept.values), table
    finally:
        db.close()


def test_ops_tables_and_run_summary_hold_no_identifier(swept: Swept) -> None:
    con = duckdb.connect(str(swept.root / "warehouse.duckdb"), read_only=True)
    try:
        for table in ("ops.files", "ops.runs"):
            rows = con.execute(f"SELECT * FROM {table}").fetchall()  # noqa: S608 - fixed names
            assert rows, table
            assert not leaks(json.dumps(rows, default=str, ensure_ascii=False), swept.values), table
    finally:
        con.close()
    assert not leaks(json.dumps(swept.summary, default=str, ensure_ascii=False), swept.values)


def test_catalogue_messages_hold_no_identifier(swept: Swept) -> None:
    text = json.dumps([(e.message_vi, e.message_en) for e in catalogue().values()], ensure_ascii=False)
    assert not leaks(text, swept.values)


DEFECTS = ("xsd_unknown_element.xml", "value_30_february.xml", "sig_tampered_amount.xml",
           "xsd_second_claim_xml2.xml", "env_bad_base64.xml")
#: ``bhyt-etl verify`` on each file named, in one process (what the ``bhyt-etl`` script runs:
#: ``pipelines.cli:main``), with the logging left as the CLI leaves it or the root logger at DEBUG; after each
#: file its exit code and a mark on both streams, so that each file's output is told apart
_MARK = "----- verified, exit code"
_VERIFY_EACH = (
    "import logging, sys\n"
    "from pipelines.cli import main\n"
    "if sys.argv[1] == 'debug':\n"
    "    logging.basicConfig(level=logging.DEBUG)\n"
    "for path in sys.argv[3:]:\n"
    "    code = main(['verify', path, '--trust', sys.argv[2]])\n"
    "    for stream in (sys.stdout, sys.stderr):\n"
    f"        print('\\n{_MARK}', code, file=stream, flush=True)\n"
)


@pytest.mark.parametrize("debug", [False, True], ids=["default_logging", "root_at_debug"])
def test_bhyt_etl_verify_prints_no_identifier(swept: Swept, debug: bool) -> None:
    """Every defective file through ``bhyt-etl verify`` under each logging configuration: one process per
    configuration (each used to start a process per file; the debug pass took two files to stay short)."""
    files = [p for name in DEFECTS for p in (swept.root / "landing").glob(f"*/*/{name}")]
    assert len(files) == len(DEFECTS)
    out = subprocess.run(
        [sys.executable, "-c", _VERIFY_EACH, "debug" if debug else "default", str(swept.root / "trust"),
         *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    chunks = out.stdout.split(f"\n{_MARK} ")  # receipt 1 | code 1, receipt 2 | ... | code n
    assert len(chunks) == len(files) + 1
    receipts = [chunks[0], *(chunk.partition("\n")[2] for chunk in chunks[1:-1])]
    codes = [int(chunk.partition("\n")[0]) for chunk in chunks[1:]]
    for path, text, code in zip(files, receipts, codes, strict=True):
        receipt = json.loads(text)
        assert receipt["status"] in ("rejected", "partially_accepted"), (path.name, receipt["status"])
        assert code == (1 if receipt["status"] == "rejected" else 0), path.name
    assert out.stderr.count(_MARK) == len(files)
    assert not leaks(out.stdout, swept.values)
    assert not leaks(out.stderr, swept.values)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def test_lake_raw_zone_ledger_and_warehouse_are_not_world_readable(swept: Swept) -> None:
    """Owner and group only (the night ran under umask 022): the lake folder, every folder and file of the
    raw zone (before the fix ``raw/`` itself was 0755), the ledger and the warehouse file."""
    lake = swept.root / "lake"
    checked = [lake, lake / "raw", lake / "ledger.sqlite", swept.root / "warehouse.duckdb"]
    checked += [p for p in (lake / "ledger.sqlite-wal", lake / "ledger.sqlite-shm") if p.exists()]
    for dirpath, dirnames, filenames in os.walk(lake / "raw"):
        checked += [Path(dirpath) / n for n in dirnames + filenames]
    assert len(checked) > 10
    world = [f"{p.relative_to(swept.root)} {oct(_mode(p))}" for p in checked if _mode(p) & 0o007]
    assert not world, world


def test_lake_parquet_files_and_folders_are_not_world_readable(swept: Swept) -> None:
    lake = swept.root / "lake"
    parquet = list(lake.rglob("*.parquet"))
    assert parquet
    folders = [p for p in lake.rglob("*") if p.is_dir() and not p.is_symlink()]
    world = [str(p.relative_to(swept.root)) for p in parquet + folders if _mode(p) & 0o007]
    assert not world, world


def _normal(text: str) -> str:
    """Case, diacritics and the separators people put inside numbers (space, dot, dash) do not matter."""
    return re.sub(r"[\s.\-]", "", unaccented(text).casefold())


def _text_cells(path: Path) -> list[tuple[str, str]]:
    """(where, text) of every text cell of every table and view of a DuckDB file (lists and JSON as text)."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        columns = con.execute(
            "SELECT schema_name, table_name, column_name FROM duckdb_columns() WHERE NOT internal "
            "AND (data_type LIKE 'VARCHAR%' OR data_type = 'JSON')"
        ).fetchall()
        cells = []
        for (schema, table, column), values in distinct_values(con, columns, as_text=True).items():
            cells += [(f"{schema}.{table}.{column}", v) for v in values if v]
        return cells
    finally:
        con.close()


def _identifier_hits(cells: list[tuple[str, str]], values: dict[str, str]) -> dict[str, set[str]]:
    """Where each kind of identifier occurs (kinds and places only: never the value)."""
    needles = {_normal(v): kind for v, kind in values.items() if not kind.endswith("(base64)")}
    needles = {n: kind for n, kind in needles.items() if len(n) >= 8}
    any_needle = re.compile("|".join(map(re.escape, needles)))  # a cell none of them is in is passed by
    normals: dict[str, str] = {}  # the same text in many cells is normalised once
    hits: dict[str, set[str]] = {}
    for where, text in cells:
        normal = normals.get(text)
        if normal is None:
            normal = normals[text] = _normal(text)
        if not any_needle.search(normal):
            continue
        for needle, kind in needles.items():
            if needle in normal:
                hits.setdefault(kind, set()).add(where)
    return hits


@pytest.fixture(scope="module")
def copies(swept: Swept) -> dict[str, Path]:
    """The night's analytics copy (the default profile) and the limited copy of the same warehouse."""
    limited = swept.root / "warehouse-analytics-limited.duckdb"
    build_analytics(
        swept.root / "warehouse.duckdb",
        limited,
        key=pseudonym_key(None, swept.root / "lake"),
        run_id="sweep-limited",
        derived=derived_builders(),
        copied=COPIED_TABLES,
        profile="limited",
    )
    return {"deidentified": swept.root / "warehouse-analytics.duckdb", "limited": limited}


def test_the_planted_identifiers_reach_the_full_warehouse(swept: Swept) -> None:
    """The control: the full warehouse holds the planted text (the sweep of the copies is not vacuous)."""
    hits = _identifier_hits(_text_cells(swept.root / "warehouse.duckdb"), swept.values)
    places = set().union(*hits.values())
    assert {"HO_TEN", "SO_CCCD", "MA_THE_BHYT", "DIEN_THOAI"} <= set(hits)
    for place in (
        "core.xml5.dien_bien_ls",
        "core.xml8.qt_benhly",
        "core.xml1.du_phong",
        "core.xml3.nguoi_thuc_hien",
    ):
        assert place in places, place


@pytest.mark.parametrize("profile", PROFILES)
def test_the_analytics_copy_holds_no_identifier_under_either_profile(
    swept: Swept, copies: dict[str, Path], profile: str
) -> None:
    cells = _text_cells(copies[profile])
    assert len(cells) > 1000
    hits = _identifier_hits(cells, swept.values)
    assert not hits, f"identifiers in the {profile} copy: " + "; ".join(
        f"{kind} in {sorted(places)}" for kind, places in sorted(hits.items())
    )


def test_the_analytics_copy_is_readable_by_analysts(copies: dict[str, Path]) -> None:
    assert _mode(copies["deidentified"]) == 0o644
