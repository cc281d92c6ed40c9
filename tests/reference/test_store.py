"""Catalogue loading: every kind from .csv and .xlsx as real files come, dated versions kept, as-of look-ups
in the warehouse's ``ref.catalog_*``, and a bad file refused with its row and column, nothing written."""

from __future__ import annotations

import csv
import shutil
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from openpyxl import Workbook

from pipelines.cli import main
from pipelines.marts import review
from pipelines.reference.kinds import load_kinds
from pipelines.reference.read import CatalogFileError, read_catalog
from pipelines.reference.store import list_versions, load_catalog

FIXTURES = Path(__file__).parent / "fixtures"
#: one file per kind in the layout real offices exchange (data/catalogs/README.md), and its facility
FILES = {
    "drugs": ("drugs_portal_template.csv", "01001"),
    "services": ("services_common_tariff.csv", None),
    "supplies": ("supplies_portal_template.csv", "01001"),
    "staff": ("staff_portal_template.csv", "01001"),
    "beds": ("beds_portal_template.csv", "01001"),
    "equipment": ("equipment_portal_template.csv", "01001"),
    "facilities": ("facilities_portal_list.csv", None),
    "admin_units": ("admin_units_gso_2025.csv", None),
    "yhct": ("yhct_codes.csv", None),
}


def as_xlsx(src: Path, out: Path) -> Path:
    """The CSV fixture as a workbook the way spreadsheets hold it: a title row above the header, numbers as
    numbers, dd/mm/yyyy and yyyymmdd dates as date cells."""
    text = src.read_text(encoding="utf-8")
    first = text.split("\n", 1)[0]
    rows = list(csv.reader(text.splitlines(), delimiter=";" if first.count(";") > 1 else ","))
    wb = Workbook()
    ws = wb.active
    ws.append(["DANH MỤC (xuất từ cổng giám định)"])
    ws.append(rows[0])
    for row in rows[1:]:
        cells: list[object] = []
        for header, value in zip(rows[0], row, strict=False):
            h = header.upper()
            if value and ("NGAY" in h or h in ("HD_TU", "HD_DEN")) and "/" in value:
                d, m, y = (int(x) for x in value.split("/"))
                cells.append(datetime(y, m, d))
            elif value and h.startswith("DON_GIA"):
                cells.append(int(value.replace(".", "").replace(",", "")))
            else:
                cells.append(value)
        ws.append(cells)
    wb.save(out)
    return out


def test_every_kind_has_a_fixture():
    assert set(FILES) == set(load_kinds())


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("kind_name", sorted(FILES))
def test_load_every_kind(tmp_path, kind_name, fmt):
    name, facility = FILES[kind_name]
    src = FIXTURES / name
    path = src if fmt == "csv" else as_xlsx(src, tmp_path / f"{src.stem}.xlsx")
    lake = tmp_path / "lake"
    v = load_catalog(lake, kind_name, path, facility=facility)
    assert v.rows >= 2 and v.path.is_file() and not v.already_loaded
    assert [x.version_id for x in list_versions(lake, kind_name)] == [v.version_id]
    con = duckdb.connect()
    review.load_reference(con, lake=lake)
    (n,) = con.execute(f"SELECT count(*) FROM ref.catalog_{kind_name}").fetchone()
    assert n == v.rows
    assert con.execute("SELECT kind, rows FROM ref.catalog_versions").fetchall() == [(kind_name, v.rows)]


def test_values_are_typed_exactly(tmp_path):
    """Thousands separators (both kinds), dd/mm/yyyy and yyyymmdd dates, codes kept as text."""
    kinds = load_kinds()
    table, ignored = read_catalog(kinds["drugs"], FIXTURES / "drugs_portal_template.csv")
    rows = table.to_pylist()
    assert rows[0]["don_gia_bh"] == Decimal("4200") and rows[1]["don_gia_bh"] == Decimal("1150")
    assert rows[0]["tu_ngay"] == date(2025, 1, 1) and rows[1]["den_ngay"] == date(2025, 12, 31)
    assert rows[0]["ma_duong_dung"] == "1.01" and rows[0]["ma_cskcb"] == "01001"
    assert "STT" in ignored and "TCCL" in ignored
    staff, _ = read_catalog(kinds["staff"], FIXTURES / "staff_portal_template.csv")
    assert staff.to_pylist()[0]["ma_bhxh"] == "0112345678"
    units, _ = read_catalog(kinds["admin_units"], FIXTURES / "admin_units_gso_2025.csv")
    assert units.to_pylist()[0]["ma_tinh"] == "01" and units.to_pylist()[0]["ma_xa"] == "00070"


def write_drugs(path: Path, price: str, tu_ngay: str = "01/01/2025") -> Path:
    text = (FIXTURES / "drugs_portal_template.csv").read_text(encoding="utf-8")
    text = text.replace('"4,200","4,200"', f'"{price}","{price}"').replace("01/01/2025", tu_ngay)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_price_change_is_a_new_version_read_as_of_the_day(tmp_path):
    lake = tmp_path / "lake"
    first = load_catalog(lake, "drugs", write_drugs(tmp_path / "v1.csv", "4,200"), facility="01001")
    second = load_catalog(
        lake,
        "drugs",
        write_drugs(tmp_path / "v2.csv", "3,900"),
        facility="01001",
        valid_from=date(2025, 7, 1),
    )
    assert first.version_from is None and second.version_from == date(2025, 7, 1)
    assert first.path.is_file() and second.path.is_file()  # history kept
    con = duckdb.connect()
    review.load_reference(con, lake=lake)

    def price_on(day: str) -> list:
        return con.execute(
            "SELECT don_gia_bh FROM ref.catalog_drugs WHERE ma_thuoc = '40.219' AND macskcb = '01001' "
            "AND CAST(? AS DATE) BETWEEN valid_from AND valid_to",
            [day],
        ).fetchall()

    assert price_on("2025-03-01") == [(Decimal("4200"),)]
    assert price_on("2025-07-01") == [(Decimal("3900"),)]
    assert price_on("2024-12-31") == []  # before the entry's own TU_NGAY
    spans = con.execute(
        "SELECT valid_from, valid_to FROM ref.catalog_versions ORDER BY valid_from"
    ).fetchall()
    assert spans == [(date(1, 1, 1), date(2025, 6, 30)), (date(2025, 7, 1), date(9999, 12, 31))]


def test_loading_the_same_file_again_writes_nothing(tmp_path):
    lake = tmp_path / "lake"
    path = FIXTURES / "staff_portal_template.csv"
    v1 = load_catalog(lake, "staff", path, facility="01001")
    v2 = load_catalog(lake, "staff", path, facility="01001", now=datetime(2030, 1, 1, tzinfo=UTC))
    assert v2.already_loaded is False or v2.version_id == v1.version_id
    # a later load without --valid-from applies from the day it is loaded (a new version)
    assert len(list_versions(lake, "staff")) == (1 if v2.already_loaded else 2)
    v3 = load_catalog(lake, "staff", path, facility="01001", valid_from=v2.version_from)
    assert v3.already_loaded


def test_a_bad_row_is_refused_with_row_and_column_and_nothing_written(tmp_path):
    lake = tmp_path / "lake"
    bad = tmp_path / "drugs_bad.csv"
    text = (FIXTURES / "drugs_portal_template.csv").read_text(encoding="utf-8")
    bad.write_text(text.replace('"1.150","1.150"', '"1.150","mười nghìn"').replace("20251231", "31/02/2025"))
    with pytest.raises(CatalogFileError) as e:
        load_catalog(lake, "drugs", bad, facility="01001")
    msg = str(e.value)
    assert "row 3, column DON_GIA_BH: 'mười nghìn' is not an amount in VND" in msg
    assert "row 3, column DEN_NGAY: '31/02/2025' is not a real date" in msg
    assert not lake.exists() or not any(p.is_file() for p in lake.rglob("*"))


def test_a_missing_column_names_it(tmp_path):
    bad = tmp_path / "staff_no_cchn.csv"
    text = (FIXTURES / "staff_portal_template.csv").read_text(encoding="utf-8")
    bad.write_text(text.replace("MACCHN", "GHI_CHU"), encoding="utf-8")
    with pytest.raises(CatalogFileError, match="missing: MACCHN"):
        load_catalog(tmp_path / "lake", "staff", bad, facility="01001")


def test_a_repeated_entry_is_refused(tmp_path):
    bad = tmp_path / "equipment_twice.csv"
    lines = (FIXTURES / "equipment_portal_template.csv").read_text(encoding="utf-8").splitlines()
    bad.write_text("\n".join([*lines, lines[1]]) + "\n", encoding="utf-8")
    with pytest.raises(
        CatalogFileError, match=r"row 4: the same entry \(MA_MAY = XQ.1.01001.1\) is already on row 2"
    ):
        load_catalog(tmp_path / "lake", "equipment", bad, facility="01001")


def test_scope_is_checked(tmp_path):
    with pytest.raises(Exception, match="give --facility"):
        load_catalog(tmp_path, "drugs", FIXTURES / "drugs_portal_template.csv")
    with pytest.raises(Exception, match="national"):
        load_catalog(tmp_path, "yhct", FIXTURES / "yhct_codes.csv", facility="01001")


def test_cli_load_and_list(tmp_path, capsys):
    lake = tmp_path / "lake"
    src = shutil.copy(FIXTURES / "equipment_portal_template.csv", tmp_path / "may.csv")
    assert main(["catalog", "load", "equipment", str(src), "--facility", "01001", "--lake", str(lake)]) == 0
    assert "loaded 2 equipment entries for 01001" in capsys.readouterr().out
    assert main(["catalog", "list", "--lake", str(lake)]) == 0
    out = capsys.readouterr().out
    assert "equipment" in out and "01001" in out and "always" in out and "may.csv" in out
    bad = tmp_path / "bad.csv"
    bad.write_text(Path(src).read_text(encoding="utf-8").replace("2019", "năm 2019"), encoding="utf-8")
    assert main(["catalog", "load", "equipment", str(bad), "--facility", "01001", "--lake", str(lake)]) != 0
    assert "row 2, column NAM_SX" in capsys.readouterr().err
