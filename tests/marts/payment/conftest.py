"""A generated warehouse with the payment views, edited so that every rule of the reports is exercised.

The generator already sends withdrawn claims (MA_DOITUONG_KCB 8), wrong-route patients, other-source money
and TYLE_TT_DV < 100. On a writable copy the fixture turns core.xml1/xml2/xml3 into tables and adds what a
40-claim sample may lack: one more withdrawn claim, a claim moved to the next settlement month, claims of
types 04 and 09, claims with an empty MA_DKBD, and lines in every MA_NHOM bucket (legacy and unknown codes).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pytest
from support.built_warehouse import build_warehouse_from_generated

from pipelines.marts.payment import create_payment_objects

PERIOD = (2026, 10)
NEXT_PERIOD = (2026, 11)


@dataclass
class PaymentWarehouse:
    path: Path  # edited copy with the payment views
    root: Path  # the generated tree (warehouse.duckdb, warehouse-analytics.duckdb, lake ...)
    withdrawn: set[tuple[str, str]] = field(default_factory=set)  # (macskcb, ma_lk)
    moved: tuple[str, str] = ("", "")  # claim moved to NEXT_PERIOD
    facility: str = ""  # the facility with the most claims
    period: tuple[int, int] = PERIOD
    next_period: tuple[int, int] = NEXT_PERIOD

    def connect(self) -> duckdb.DuckDBPyConnection:
        return duckdb.connect(str(self.path), read_only=True)


def _materialize(con: duckdb.DuckDBPyConnection, table: str) -> None:
    con.execute(f"CREATE TABLE core.{table}_t AS SELECT * FROM core.{table}")
    con.execute(f"DROP VIEW core.{table}")
    con.execute(f"ALTER TABLE core.{table}_t RENAME TO {table}")


def _edit(con: duckdb.DuckDBPyConnection) -> dict:
    for table in ("xml1", "xml2", "xml3"):
        _materialize(con, table)
    claims = con.execute(
        "SELECT x.macskcb, x.ma_lk, x.ma_loai_kcb, x.ma_doituong_kcb, "
        "(SELECT count(*) FROM core.xml2 l WHERE l.macskcb = x.macskcb AND l.ma_lk = x.ma_lk) AS drugs, "
        "(SELECT count(*) FROM core.xml3 l WHERE l.macskcb = x.macskcb AND l.ma_lk = x.ma_lk) AS services "
        "FROM core.xml1 x ORDER BY x.macskcb, x.ma_lk"
    ).fetchall()
    live = [c for c in claims if c[3] != "8" and c[4] and c[5]]
    # one more withdrawn claim, built by hand (the generator's own ones stay as they are)
    withdrawn_key = live[0][:2]
    con.execute(
        "UPDATE core.xml1 SET ma_doituong_kcb = '8' WHERE macskcb = ? AND ma_lk = ?", list(withdrawn_key)
    )
    # a claim settled in the next month (its lines follow it, as the lake partitions them)
    moved = live[1][:2]
    for table in ("xml1", "xml2", "xml3"):
        con.execute(
            f"UPDATE core.{table} SET nam_qt = ?, thang_qt = ? WHERE macskcb = ? AND ma_lk = ?",
            [*NEXT_PERIOD, *moved],
        )
    # types of care 04 and 09 (inpatient) and 02 (outpatient treatment)
    for claim, code in zip(live[2:5], ("04", "09", "02"), strict=True):
        con.execute(
            "UPDATE core.xml1 SET ma_loai_kcb = ? WHERE macskcb = ? AND ma_lk = ?", [code, *claim[:2]]
        )
    # empty MA_DKBD: the card's province decides between B and C
    for claim in live[5:7]:
        con.execute("UPDATE core.xml1 SET ma_dkbd = NULL WHERE macskcb = ? AND ma_lk = ?", list(claim[:2]))
    # a line in every bucket, legacy and unknown codes included
    scoped = [c[:2] for c in live[2:]]
    xml3 = con.execute("SELECT rowid, macskcb, ma_lk FROM core.xml3 ORDER BY macskcb, ma_lk, stt").fetchall()
    xml3 = [r[0] for r in xml3 if r[1:] in scoped]
    for rowid, code in zip(xml3[::7], ("9", "11", "12", "14", "16", "18", "19", "99"), strict=False):
        con.execute("UPDATE core.xml3 SET ma_nhom = ? WHERE rowid = ?", [code, rowid])
    xml2 = con.execute("SELECT rowid, macskcb, ma_lk FROM core.xml2 ORDER BY macskcb, ma_lk, stt").fetchall()
    xml2 = [r[0] for r in xml2 if r[1:] in scoped]
    for rowid, code in zip(xml2[::5], ("5", "6", "7", "17"), strict=False):
        con.execute("UPDATE core.xml2 SET ma_nhom = ? WHERE rowid = ?", [code, rowid])
    # other-source money, when the generator made none: 1,000 đ of a line's T_BHTT paid by "other sources"
    (other,) = con.execute("SELECT count(*) FROM core.xml2 WHERE t_nguonkhac > 0").fetchall()[0]
    (other3,) = con.execute("SELECT count(*) FROM core.xml3 WHERE t_nguonkhac > 0").fetchall()[0]
    if not other + other3:
        rowid, macskcb, ma_lk = con.execute(
            "SELECT l.rowid, l.macskcb, l.ma_lk FROM core.xml3 l JOIN core.xml1 x USING (macskcb, ma_lk) "
            "WHERE l.t_bhtt >= 1000 AND x.ma_doituong_kcb <> '8' ORDER BY l.macskcb, l.ma_lk, l.stt LIMIT 1"
        ).fetchall()[0]
        con.execute(
            "UPDATE core.xml3 SET t_nguonkhac_cl = t_nguonkhac_cl + 1000, t_nguonkhac = t_nguonkhac + 1000, "
            "t_bhtt = t_bhtt - 1000 WHERE rowid = ?",
            [rowid],
        )
        con.execute(
            "UPDATE core.xml1 SET t_nguonkhac = t_nguonkhac + 1000, t_bhtt = t_bhtt - 1000 "
            "WHERE macskcb = ? AND ma_lk = ?",
            [macskcb, ma_lk],
        )
    withdrawn = set(
        con.execute("SELECT macskcb, ma_lk FROM core.xml1 WHERE trim(ma_doituong_kcb) = '8'").fetchall()
    )
    (facility,) = con.execute(
        "SELECT macskcb FROM core.xml1 GROUP BY macskcb ORDER BY count(*) DESC, macskcb LIMIT 1"
    ).fetchall()[0]
    return {"withdrawn": withdrawn, "moved": moved, "facility": facility}


@pytest.fixture(scope="session")
def generated_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_warehouse_from_generated(tmp_path_factory.mktemp("payment"), facilities=3, claims=40, seed=5)


@pytest.fixture(scope="session")
def payment_wh(generated_root: Path) -> PaymentWarehouse:
    path = generated_root / "payment-edited.duckdb"
    shutil.copy(generated_root / "warehouse.duckdb", path)
    con = duckdb.connect(str(path))
    try:
        edits = _edit(con)
        create_payment_objects(con)
    finally:
        con.close()
    return PaymentWarehouse(path=path, root=generated_root, **edits)
