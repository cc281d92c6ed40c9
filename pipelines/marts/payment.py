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

import duckdb

from pipelines.common.paths import SQL_ROOT
from pipelines.common.sqlheader import ReportLayout, SqlFile
from pipelines.warehouse.sqlfiles import create_all, folder_files

SQL_DIR = SQL_ROOT / "payment"

#: Execution order: each view may read the ones before it.
PAYMENT_SQL = (
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


def create_payment_objects(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Create (or replace) every ``payment.*`` view on a writable warehouse connection; returns their names.

    Raises :class:`~pipelines.common.sqlheader.SqlFileError` naming the file when a view's columns differ
    from its documented ones (the warehouse build then keeps the previous warehouse).
    """
    con.execute("CREATE SCHEMA IF NOT EXISTS payment")
    return create_all(con, payment_objects())
