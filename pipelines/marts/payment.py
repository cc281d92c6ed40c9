"""Payment marts: the ``payment.*`` views behind the settlement reports (7980a, C79a/C80a, forms 19/20/21).

Every object is one SQL file in ``pipelines/sql/payment/``, executed in the fixed order of
``PAYMENT_SQL`` (later views read earlier ones). ``create_payment_objects(con)`` runs them on a warehouse
connection through the one SQL-file runner (:mod:`pipelines.warehouse.sqlfiles`), which refuses a view whose
columns differ from its header's ``-- column`` lines; ``payment_objects()`` returns the parsed files.

The views read only ``core.xml1``/``core.xml2``/``core.xml3`` (current accepted versions; rejected claims
never get there) and leave out withdrawn claims (MA_DOITUONG_KCB 8) in one place, ``payment.claims``.

The header of a view that is a report (``bhyt-etl report``) also says how the report shows it: its name,
title, order and layout (``-- report: c79a``, ``-- report_title: ...``) and, for every shown column in the
order shown, its Vietnamese title and format (``-- title t_bhtt: Đề nghị BHXH thanh toán | money``). The
grammar is :mod:`pipelines.common.sqlheader`, described in ``docs/sql-files.md``.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from pipelines.common.paths import SQL_ROOT, catalog_dir, data_dir
from pipelines.common.sqlheader import ReportLayout, SqlFile
from pipelines.warehouse.sqlfiles import create_all, folder_files

SQL_DIR = SQL_ROOT / "payment"

#: Execution order: each view may read the ones before it.
PAYMENT_SQL = (
    "managed_facilities.sql",
    "claims.sql",
    "report_7980a.sql",
    "c79a_c80a.sql",
    "c79a.sql",
    "c80a.sql",
    "m19.sql",
    "m20.sql",
    "m21.sql",
)


def payment_objects() -> list[SqlFile]:
    """The ``payment.*`` files, parsed, in execution order (every ``*.sql`` of the folder must be listed)."""
    return folder_files(SQL_DIR, PAYMENT_SQL, "object")


def report_layouts() -> list[ReportLayout]:
    """The reports the payment views' headers declare, in execution order of their views."""
    return [f.report for f in payment_objects() if f.report is not None]


def managed_facilities_file() -> Path:
    """The list of facilities each reporting facility manages (section A of C79a/C80a):
    ``BHYT_MANAGED_FACILITIES`` when set, else ``data/payment/managed_facilities.csv``."""
    given = os.environ.get("BHYT_MANAGED_FACILITIES")
    return Path(given) if given else data_dir() / "payment" / "managed_facilities.csv"


def sql_literal(value: str) -> str:
    """``value`` as a quoted SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def _columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> set[str]:
    found = con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = ?",
        [schema, table],
    ).fetchall()
    return {r[0] for r in found}


def catalogue_relations(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The catalogue columns forms 19 and 20 print, as SQL relations for the placeholders of m19/m20.

    The drug catalogue gives the active ingredient (``ref.drugs.ten_hoat_chat``), the supply catalogue the
    name in the Ministry's list and the packaging (``ref.supplies.ten_vat_tu``, ``quy_cach``). A warehouse
    whose catalogue lacks a column (or the catalogue) gets an empty column instead: the form prints it blank.
    """
    drugs = _columns(con, "ref", "drugs")
    ingredient = "ten_hoat_chat" if "ten_hoat_chat" in drugs else "NULL::VARCHAR"
    drug = (
        f"(SELECT DISTINCT ON (ma_thuoc) ma_thuoc, {ingredient}::VARCHAR AS ten_hoat_chat FROM ref.drugs)"  # noqa: S608
        if "ma_thuoc" in drugs
        else "(SELECT NULL::VARCHAR AS ma_thuoc, NULL::VARCHAR AS ten_hoat_chat WHERE false)"
    )
    supplies = _columns(con, "ref", "supplies")
    name = "ten_vat_tu" if "ten_vat_tu" in supplies else "NULL::VARCHAR"
    packaging = "quy_cach" if "quy_cach" in supplies else "NULL::VARCHAR"
    columns = f"{name}::VARCHAR AS ten_vat_tu_dm, {packaging}::VARCHAR AS quy_cach"
    supply = (
        f"(SELECT DISTINCT ON (ma_vat_tu) ma_vat_tu, {columns} FROM ref.supplies)"  # noqa: S608
        if "ma_vat_tu" in supplies
        else "(SELECT NULL::VARCHAR AS ma_vat_tu, NULL::VARCHAR AS ten_vat_tu_dm, NULL::VARCHAR AS quy_cach "
        "WHERE false)"
    )
    return {"drug_catalogue": drug, "supply_catalogue": supply}


def create_payment_objects(
    con: duckdb.DuckDBPyConnection, *, managed_facilities: Path | None = None
) -> list[str]:
    """Create (or replace) every ``payment.*`` view on a writable warehouse connection; returns their names.

    ``managed_facilities`` is the CSV of the facilities each reporting facility manages (default
    :func:`managed_facilities_file`). Raises :class:`~pipelines.common.sqlheader.SqlFileError` naming the
    file when a view's columns differ from its documented ones (the warehouse build then keeps the previous
    warehouse).
    """
    con.execute("CREATE SCHEMA IF NOT EXISTS payment")
    managed = Path(managed_facilities) if managed_facilities is not None else managed_facilities_file()
    params = {
        "managed_file": sql_literal(str(managed)),
        "duong_dung_file": sql_literal(str(catalog_dir() / "duong_dung.csv")),
        **catalogue_relations(con),
    }
    return create_all(con, payment_objects(), params)
