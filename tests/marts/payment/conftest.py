"""A generated warehouse with the payment views, edited so that every rule of the reports is exercised.

The warehouse is the clean night of seed 5 (``marts_support``: 3 facilities, 160 claims, shared with the
review and patient tests; it was a 40-claim night of the same seed with the generator's defective files, whose
accepted claims are ordinary clean ones). The generator already sends withdrawn claims (MA_DOITUONG_KCB 8),
wrong-route patients, other-source money outside the insurance scope (with the patient's out-of-scope self-pay
T_BNTT beside it), benefit levels below 100 % and TYLE_TT_DV < 100. On a writable copy the fixture turns
core.xml1/xml2/xml3 into tables and adds what a generated sample may lack: one more withdrawn claim, a claim
moved to the next settlement month, claims of types 04 and 09, claims with an empty MA_DKBD, lines in every
MA_NHOM bucket (legacy and unknown codes), and, each written consistently in the line and in XML1 (STANDARD
§5.1 L6/L7): other-source money inside the insurance scope, a drug line paid at TYLE_TT_BH 50 %, and half-đồng
amounts that round the wrong way when every part is rounded on its own. A managed-facilities file moves a
section-B registration facility into section A.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from marts_support import CLEAN_SEEDS

from pipelines.marts.payment import create_payment_objects

PERIOD = (2026, 10)
NEXT_PERIOD = (2026, 11)


@dataclass
class PaymentWarehouse:
    path: Path  # edited copy with the payment views
    root: Path  # the generated tree (warehouse.duckdb, warehouse-analytics.duckdb, lake ...)
    managed: Path = Path()  # the managed-facilities file the views were built with
    managed_pairs: set[tuple[str, str]] = field(default_factory=set)  # (macskcb, ma_dkbd)
    special: dict[str, tuple[str, str]] = field(default_factory=dict)  # edit -> (macskcb, ma_lk)
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
    special = _money_cases(con, [c[:2] for c in live[7:]])
    withdrawn = set(
        con.execute("SELECT macskcb, ma_lk FROM core.xml1 WHERE trim(ma_doituong_kcb) = '8'").fetchall()
    )
    (facility,) = con.execute(
        "SELECT macskcb FROM core.xml1 GROUP BY macskcb ORDER BY count(*) DESC, macskcb LIMIT 1"
    ).fetchall()[0]
    return {"withdrawn": withdrawn, "moved": moved, "facility": facility, "special": special}


def _shift(con: duckdb.DuckDBPyConnection, table: str, rowid: int, **delta: Decimal) -> None:
    sets = ", ".join(f"{k} = coalesce({k}, 0) + ?" for k in delta)
    con.execute(f"UPDATE core.{table} SET {sets} WHERE rowid = ?", [*delta.values(), rowid])


def _shift_claim(con: duckdb.DuckDBPyConnection, key: tuple[str, str], **delta: Decimal) -> None:
    sets = ", ".join(f"{k} = coalesce({k}, 0) + ?" for k in delta)
    con.execute(f"UPDATE core.xml1 SET {sets} WHERE macskcb = ? AND ma_lk = ?", [*delta.values(), *key])


def _money_cases(con: duckdb.DuckDBPyConnection, candidates: list[tuple[str, str]]) -> dict:
    """Three claims edited in their lines and XML1 alike (L6/L7 of STANDARD §5.1 hold after the edit)."""
    plain = con.execute(
        "SELECT l.rowid, l.macskcb, l.ma_lk, l.ma_nhom, l.thanh_tien_bh, l.t_bncct, l.t_bhtt "
        "FROM core.xml3 l WHERE l.thanh_tien_bv = l.thanh_tien_bh AND coalesce(l.t_nguonkhac, 0) = 0 "
        "AND l.t_bhtt >= 5000 "
        "ORDER BY l.macskcb, l.ma_lk, l.stt"
    ).fetchall()
    plain = [r for r in plain if r[1:3] in candidates]
    by_claim: dict[tuple[str, str], list] = {}
    for r in plain:
        by_claim.setdefault(r[1:3], []).append(r)
    claims = iter(by_claim.items())
    cases = {}
    # 1. other sources pay the co-payment and 1,000 đ of the fund's part (L7: BNCCT first, then BHTT)
    key, lines = next(claims)
    rowid, _, _, _, _, bncct, _ = lines[0]
    nk = bncct + 1000
    _shift(con, "xml3", rowid, t_nguonkhac=nk, t_nguonkhac_cl=nk, t_bncct=-bncct, t_bhtt=Decimal(-1000))
    _shift_claim(con, key, t_nguonkhac=nk, t_bncct=-bncct, t_bhtt=Decimal(-1000))
    cases["other_source_in_scope"] = key
    # 2. half-đồng amounts in two buckets: each part alone rounds up, the whole only once
    key, lines = next((k, v) for k, v in claims if len({bucket(r[3]) for r in v}) > 1)
    first = lines[0]
    second = next(r for r in lines if bucket(r[3]) != bucket(first[3]))
    half = Decimal("0.5")
    _shift(con, "xml3", first[0], thanh_tien_bv=half, thanh_tien_bh=half, t_bncct=half)
    _shift(con, "xml3", second[0], thanh_tien_bv=half, thanh_tien_bh=half, t_bhtt=half)
    _shift_claim(con, key, t_tongchi_bv=Decimal(1), t_tongchi_bh=Decimal(1), t_bncct=half, t_bhtt=half)
    cases["half_dong"] = key
    # 3. a drug paid at TYLE_TT_BH 50 %: half its price is outside the scope and the patient's own (T_BNTT)
    drug = con.execute(
        "SELECT l.rowid, l.macskcb, l.ma_lk, l.thanh_tien_bh, l.t_bncct, l.t_bhtt, l.muc_huong "
        "FROM core.xml2 l WHERE l.tyle_tt_bh = 100 AND coalesce(l.t_nguonkhac, 0) = 0 "
        "AND l.thanh_tien_bh >= 2000 "
        "AND l.thanh_tien_bv = l.thanh_tien_bh ORDER BY l.macskcb, l.ma_lk, l.stt"
    ).fetchall()
    used = set(cases.values())
    rowid, macskcb, ma_lk, bh, bncct, bhtt, muc_huong = next(
        r for r in drug if r[1:3] in candidates and r[1:3] not in used
    )
    new_bh = (bh / 2).quantize(Decimal("0.01"))
    new_bhtt = (new_bh * muc_huong / 100).quantize(Decimal("0.01"))
    new_bncct = new_bh - new_bhtt
    con.execute(
        "UPDATE core.xml2 SET tyle_tt_bh = 50, thanh_tien_bh = ?, t_bntt = coalesce(t_bntt, 0) + ?, "
        "t_bncct = ?, t_bhtt = ? WHERE rowid = ?",
        [new_bh, bh - new_bh, new_bncct, new_bhtt, rowid],
    )
    _shift_claim(
        con,
        (macskcb, ma_lk),
        t_tongchi_bh=new_bh - bh,
        t_bntt=bh - new_bh,
        t_bncct=new_bncct - bncct,
        t_bhtt=new_bhtt - bhtt,
    )
    cases["reduced_rate"] = (macskcb, ma_lk)
    return cases


def bucket(ma_nhom: str | None) -> str:
    """The 7980a bucket of a MA_NHOM, coarsely (enough to tell two lines' buckets apart)."""
    code = (ma_nhom or "").strip()
    groups = {"2": "3", "7": "17", "8": "18", "5": "6", "14": "16", "15": "16"}
    return groups.get(code, code)


def _managed_file(con: duckdb.DuckDBPyConnection, path: Path) -> set[tuple[str, str]]:
    """One registration facility of a section-B claim, listed as managed by the claim's facility."""
    found = con.execute(
        "SELECT macskcb, trim(split_part(ma_dkbd, ';', 1)) AS dkbd FROM core.xml1 "
        "WHERE trim(split_part(ma_dkbd, ';', 1)) <> macskcb "
        "AND left(trim(split_part(ma_dkbd, ';', 1)), 2) = left(macskcb, 2) ORDER BY macskcb, ma_lk LIMIT 1"
    ).fetchall()
    path.write_text(
        "macskcb,ma_dkbd,ghi_chu\n" + "".join(f"{m},{d},trạm y tế xã (test)\n" for m, d in found),
        encoding="utf-8",
    )
    return set(found)


@pytest.fixture(scope="session")
def generated_root(clean_warehouse: Callable[[int], Path]) -> Path:
    """The clean night (read only: the payment warehouse is an edited copy in a folder of its own)."""
    return clean_warehouse(CLEAN_SEEDS[1])


@pytest.fixture(scope="session")
def payment_wh(generated_root: Path, tmp_path_factory: pytest.TempPathFactory) -> PaymentWarehouse:
    folder = tmp_path_factory.mktemp("payment")
    path = folder / "payment-edited.duckdb"
    shutil.copy(generated_root / "warehouse.duckdb", path)
    con = duckdb.connect(str(path))
    managed = folder / "managed_facilities.csv"
    try:
        edits = _edit(con)
        pairs = _managed_file(con, managed)
        create_payment_objects(con, managed_facilities=managed)
    finally:
        con.close()
    return PaymentWarehouse(path=path, root=generated_root, managed=managed, managed_pairs=pairs, **edits)
