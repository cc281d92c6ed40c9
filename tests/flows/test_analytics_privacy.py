"""Issue 19's "done when", as an operator would see it: ``bhyt-etl generate --plant-identifiers`` of 10,000
claims, ``bhyt-etl ingest``, then, in the analytics copy under the default profile: no date below the month,
no place below the province, no free text, k ≥ 5 on every claim over the documented quasi-identifiers, none
of the planted names, phones, CCCD or card numbers, the same money by settlement month as the full
warehouse, and ``bhyt-etl privacy-report`` saying so.

``BHYT_PRIVACY_CLAIMS`` sets the size. The suite runs 1,000 claims (20 facilities), a size at which every
check still means something. At 1,000 every admission month has at least k = 5 claims, so k ≥ 5
is reached, and only by suppression: all five steps of the ladder are used (1,000 claims lose ``tuoi``, 963
the province, 418 sex, 275 the age band, 6 the diagnosis chapter); 549 planted names, 2,365 planted numbers,
380 clinical notes holding one in the full warehouse, 80,000 text cells searched. At 500 a month holds 4
claims and the copy can only report k = 4. Issue 19's 10,000 claims is a manual run (docs/development.md):
``BHYT_PRIVACY_CLAIMS=10000 .venv/bin/python -m pytest tests/flows/test_analytics_privacy.py -n 0``.
"""

from __future__ import annotations

import base64
import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from lxml import etree
from support.built_warehouse import root_flags
from support.columns import distinct_values

from pipelines.generate.planted import unaccented
from pipelines.standard import load_registry
from pipelines.standard.registry import ENVELOPE_TABLES
from pipelines.warehouse.identity import DATE_TYPES, FREE_TEXT_TYPE, identity_policy, province_2025

CLAIMS = int(os.environ.get("BHYT_PRIVACY_CLAIMS", "1000"))
PAYLOAD = re.compile(rb"<LOAIHOSO>\s*XML1\s*</LOAIHOSO>\s*<NOIDUNGFILE>([^<]*)</NOIDUNGFILE>")
IDENTIFIERS = ("HO_TEN", "SO_CCCD", "MA_THE_BHYT", "DIEN_THOAI")
MONTHLY_MONEY = (
    "SELECT nam_qt, thang_qt, count(*), sum(t_tongchi_bv), sum(t_bhtt), sum(t_bncct) FROM core.xml1 "
    "GROUP BY ALL ORDER BY ALL"
)


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z]+", unaccented(text).casefold())


def _numbers(text: str) -> set[str]:
    """Card, CCCD and phone shapes in ``text``, with the separators people put inside numbers removed."""
    joined = re.sub(r"(?<=[0-9A-Za-z])[\s.\-](?=[0-9])", "", unaccented(text).casefold())
    tokens = set(re.findall(r"[a-z]{0,2}[0-9]{8,}", joined))
    return tokens | {re.sub(r"^[a-z]+", "", t) for t in tokens}


def planted_values(landing: Path) -> tuple[set[str], set[str]]:
    """Every patient's name (words, lower case, no diacritics) and CCCD, card and phone (no separators), read
    from the files' XML1."""
    names, numbers = set(), set()
    for path in landing.glob("*/*/*.xml"):  # inbox before the night, archive or rejected after
        for m in PAYLOAD.finditer(path.read_bytes()):
            doc = etree.fromstring(base64.b64decode(b"".join(m.group(1).split())))
            for tag in IDENTIFIERS:
                for value in (doc.findtext(tag) or "").split(";"):
                    if tag == "HO_TEN" and len(_words(value)) >= 2:
                        names.add(" ".join(_words(value)))
                    elif len(value.strip()) >= 8:
                        numbers |= _numbers(value.strip())
    return names, numbers


def _found(text: str, names: set[str], numbers: set[str]) -> bool:
    words = _words(text)
    grams = {" ".join(words[i : i + n]) for n in (2, 3, 4) for i in range(len(words) - n + 1)}
    return bool(grams & names) or bool(_numbers(text) & numbers)


def _finer_than_month(column: str) -> str:
    return f'CAST("{column}" AS TIMESTAMP) <> date_trunc(\'month\', CAST("{column}" AS TIMESTAMP))'


def columns_by_object(con: duckdb.DuckDBPyConnection, where: str) -> dict[tuple[str, str], list[str]]:
    """The columns of every table and view that match ``where`` (on ``duckdb_columns()``), by object."""
    out: dict[tuple[str, str], list[str]] = {}
    for schema, table, column in con.execute(
        f"SELECT schema_name, table_name, column_name FROM duckdb_columns() WHERE NOT internal AND {where} "
        "ORDER BY schema_name, table_name, column_index"
    ).fetchall():
        out.setdefault((schema, table), []).append(column)
    return out


def check_copy(copy_path: Path, full_path: Path, landing: Path) -> dict[str, int]:
    """Every "done when" check of the de-identified copy; returns what was checked."""
    copy = duckdb.connect(str(copy_path), read_only=True)
    full = duckdb.connect(str(full_path), read_only=True)
    registry = load_registry()
    checked = {"dates": 0, "text_cells": 0}
    # no date below the month (patients' objects; run and reference tables are not about people)
    for (schema, table), columns in columns_by_object(
        copy,
        "(data_type LIKE 'DATE%' OR data_type LIKE 'TIMESTAMP%') "
        "AND (schema_name IN ('core', 'lake', 'review', 'payment') "
        "OR (schema_name, table_name) IN (('ops', 'files'), ('ref', 'eligibility')))",
    ).items():
        # one reading of the object for all its date columns; a NULL date is never finer than the month
        finer = copy.execute(
            "SELECT "
            + ", ".join(f"count(*) FILTER (WHERE {_finer_than_month(c)})" for c in columns)
            + f" FROM {schema}.{table}"
        ).fetchone()
        for column, n in zip(columns, finer, strict=True):
            assert n == 0, (schema, table, column)
            checked["dates"] += 1
    policy = identity_policy("deidentified")
    for lh in ENVELOPE_TABLES:
        for f in registry.table_columns(lh):
            t = f"core.{lh.lower()}"
            if f.xsd_type in DATE_TYPES and f.xsd_type not in ("Date", "DateTime"):
                assert (
                    copy.execute(
                        f"SELECT count(*) FROM {t} WHERE length(regexp_extract({f.column}, '[0-9]+')) > 6"
                    ).fetchone()[0]
                    == 0
                ), (lh, f.tag)
            if f.xsd_type == FREE_TEXT_TYPE and policy[lh][f.tag] == "drop":
                assert (
                    copy.execute(f"SELECT count(*) FROM {t} WHERE {f.column} IS NOT NULL").fetchone()[0] == 0
                )
    # no place below the province
    provinces = set(province_2025().values()) | {None}
    for t in ("core.xml1", "core.xml6", "core.xml9"):
        assert (
            copy.execute(
                f"SELECT count(*) FROM {t} WHERE maxa_cu_tru IS NOT NULL OR mahuyen_cu_tru IS NOT NULL"
            ).fetchone()[0]
            == 0
        )
        assert {v for (v,) in copy.execute(f"SELECT DISTINCT matinh_cu_tru FROM {t}").fetchall()} <= provinces
    # k >= 5 over the quasi-identifiers every claim shows
    smallest = copy.execute(
        "SELECT min(n), count(*) FROM (SELECT count(*) AS n FROM core.xml1 x LEFT JOIN ref.icd10 c "
        "ON c.code = upper(left(replace(trim(x.ma_benh_chinh), '.', ''), 3)) GROUP BY x.tuoi, x.nhom_tuoi, "
        "x.gioi_tinh, x.matinh_cu_tru, date_trunc('month', x.ngay_vao), c.chapter)"
    ).fetchone()
    assert smallest[0] >= 5, smallest
    # none of the planted identifiers, in any text cell
    names, numbers = planted_values(landing)
    assert len(names) > 100 and len(numbers) > 300
    text_columns = [
        (schema, table, column)
        for (schema, table), columns in columns_by_object(
            copy, "(data_type LIKE 'VARCHAR%' OR data_type = 'JSON')"
        ).items()
        for column in columns
    ]
    # every distinct value of every text column, each object read once (support/columns.py)
    for (schema, table, column), values in distinct_values(copy, text_columns, as_text=True).items():
        for text in values:
            if text:
                checked["text_cells"] += 1
                assert not _found(text, names, numbers), f"an identifier in {schema}.{table}.{column}"
    full_hits = sum(
        _found(text, names, numbers)
        for (text,) in full.execute("SELECT DISTINCT dien_bien_ls FROM core.xml5").fetchall()
        if text
    )
    assert full_hits > 100  # the control: the full warehouse holds what was planted
    # the same money by settlement month
    assert copy.execute(MONTHLY_MONEY).fetchall() == full.execute(MONTHLY_MONEY).fetchall()
    copy.close()
    full.close()
    return checked


@pytest.fixture(scope="module")
def night(prefect_api: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp(f"privacy-{CLAIMS}-claims")
    env = {**os.environ, "PREFECT_API_URL": prefect_api}
    cli = [sys.executable, "-m", "pipelines.cli"]
    subprocess.run(
        [
            *cli,
            "generate",
            "--landing",
            str(root / "landing"),
            "--trust",
            str(root / "trust"),
            "--facilities",
            "20",
            "--claims",
            str(CLAIMS),
            "--seed",
            "11",
            "--plant-identifiers",
        ],
        check=True,
        capture_output=True,
        timeout=1800,
        env=env,
    )
    subprocess.run(
        [
            *cli,
            "ingest",
            *root_flags(root),
            "--settle-seconds",
            "0",
        ],
        check=True,
        capture_output=True,
        timeout=3600,
        env=env,
    )
    return root


def test_the_default_copy_of_a_generated_night_meets_every_privacy_promise(night: Path) -> None:
    checked = check_copy(night / "warehouse-analytics.duckdb", night / "warehouse.duckdb", night / "landing")
    assert checked["dates"] > 20 and checked["text_cells"] > 1000
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipelines.cli",
            "privacy-report",
            "--warehouse",
            str(night / "warehouse.duckdb"),
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    assert "profile deidentified (the default)" in out and "k = " in out and "(required 5)" in out
