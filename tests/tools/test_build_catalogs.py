"""tools/build_catalogs.py: the published catalogues are what data/catalogs/src gives, and a bad src row is
refused with its file, line and column. Corruptions are made in a temporary copy, never in the repository."""

from __future__ import annotations

import csv
import importlib.util
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGS = ROOT / "data" / "catalogs"


def _load_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_catalogs", ROOT / "tools" / "build_catalogs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


tool = _load_tool()


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str]:
    code = tool.main([str(a) for a in args])
    return code, capsys.readouterr().err


@pytest.fixture
def catalogs(tmp_path: Path) -> Path:
    """A copy of data/catalogs (src and published files) to corrupt."""
    copy = tmp_path / "catalogs"
    shutil.copytree(CATALOGS, copy, ignore=shutil.ignore_patterns("README.md"))
    return copy


def edit(path: Path, key: str, column: str, value: str) -> int:
    """Set ``column`` of the row whose first field is ``key``; return the row's line number."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    index = next(i for i, r in enumerate(rows) if i and r[0] == key)
    rows[index][header.index(column)] = value
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)
    return index + 1


def published(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.csv"))}


def test_committed_catalogues_are_what_src_gives(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run(capsys, "--check")
    assert code == 0, err


def test_rebuild_writes_the_committed_bytes(catalogs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for p in catalogs.glob("*.csv"):
        p.unlink()
    code, err = run(capsys, "--catalog-dir", catalogs)
    assert code == 0, err
    assert published(catalogs) == published(CATALOGS)


def test_a_src_change_shows_in_the_published_cell_until_rebuilt(
    catalogs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(catalogs / "src" / "drugs.csv", "40.17", "don_gia", "96")
    line = edit(catalogs / "drugs.csv", "40.17", "don_gia", "95")  # as committed

    code, err = run(capsys, "--check", "--catalog-dir", catalogs)
    assert code == 1
    assert f"drugs.csv line {line} (ma_thuoc 40.17): column don_gia: file has '95', src gives '96'" in err

    code, err = run(capsys, "--catalog-dir", catalogs)
    assert code == 0, err
    assert run(capsys, "--check", "--catalog-dir", catalogs)[0] == 0
    changed = {n for n, b in published(catalogs).items() if b != published(CATALOGS)[n]}
    assert changed == {"drugs.csv"}


def test_a_hand_edit_of_a_published_file_is_found(catalogs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = edit(catalogs / "services.csv", "02.1896", "ten_dich_vu", "Khám Nội khoa")
    code, err = run(capsys, "--check", "--catalog-dir", catalogs)
    assert code == 1
    where = f"services.csv line {line} (ma_dich_vu 02.1896)"
    assert f"{where}: column ten_dich_vu: file has 'Khám Nội khoa', src gives 'Khám Nội'" in err


def test_a_published_file_without_src_is_found(catalogs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (catalogs / "catalog_provenance.csv").write_text("file,key\n", encoding="utf-8")
    code, err = run(capsys, "--check", "--catalog-dir", catalogs)
    assert code == 1
    assert "catalog_provenance.csv: not derived from src" in err


BAD_ROWS = [
    # (src file, key of the row, column, new value, words of the message)
    ("drugs", "40.17", "don_gia", "95.000", "no thousands separator"),
    ("drugs", "40.17", "don_gia", "-95", "'-95' is not a VND amount in plain digits"),
    ("drugs", "40.17", "don_gia", "", "'' is not a VND amount"),
    ("drugs", "40.17", "duong_dung", "9.99", "'9.99' is not in src/duong_dung.csv"),
    ("drugs", "40.17", "ma_nhom", "13", "cost group 13 (XML3) does not belong in drugs"),
    ("drugs", "40.17", "ma_nhom", "20", "'20' is not in src/ma_nhom.csv"),
    ("drugs", "40.17", "code_status", "illustrative", "exactly the codes in the invented range"),
    ("drugs", "40.9001", "code_status", "real", "exactly the codes in the invented range"),
    ("drugs", "40.9001", "code_status", "verified", "not one of real, in_use, inferred, illustrative"),
    ("drugs", "40.9001", "tt_thau", "", "empty; required outside MA_NHOM 7, 17"),
    ("drugs", "40.9001", "tt_thau", "1825/QĐ-SYT;G1;2024", "is not 'decision;Gn;Nn;year'"),
    ("drugs", "40.9002", "ma_thuoc", "40.9001", "duplicate key '40.9001' (first on line 2)"),
    ("services", "02.1896", "source", "", "'' is not filled"),
    ("services", "02.1896", "price_status", "", "is not one of real, corrected, derived, illustrative"),
    ("services", "02.1896", "ma_nhom", "10", "cost group 10 (XML3) does not belong in services"),
    ("ma_nhom", "19", "price_status", "real", "'real' is not empty in a list without prices"),
    ("ma_nhom", "19", "table", "XML4", "'XML4' is not one of XML2, XML3"),
    ("supplies", "N08.01.010.0000.000.0039", "don_gia", "106000000", "above the T_TRANTT ceiling"),
    ("supplies", "N08.01.010.0000.000.0039", "code_status", "real", "with the synthetic suffix"),
    ("card_groups", "DN", "benefit_level", "6", "'6' is not of the form [1-5]?"),
    ("ma_doituong_kcb", "1.13", "factor_from_20260701", "1.5", "not a factor from 0 to 1"),
    ("provinces", "79", "name", "TP Hồ Chí Minh ", "leading or trailing spaces"),
    ("icd10_limits", "A34", "age_max_years", "5", "5 is below age_min_years 10"),
    ("icd10_limits", "Z39", "first_code", "Z37", "ranges setting the same limit must not overlap"),
    ("icd10_limits", "Z87.5", "last_code", "Z80", "'Z80' sorts before first_code"),
    ("icd10_asterisk", "G01", "title_en", "Meningitis", "title is 'Meningitis in bacterial diseases"),
    ("icd10_asterisk", "G01", "code", "U99", "'U99' is not an ICD-10 category of the package"),
    ("icd10_asterisk", "G01", "code", "G01.0", "'G01.0' is not of the form"),
]


@pytest.mark.parametrize(("name", "key", "column", "value", "message"), BAD_ROWS)
def test_a_bad_src_row_is_refused_naming_file_line_and_column(
    catalogs: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    key: str,
    column: str,
    value: str,
    message: str,
) -> None:
    line = edit(catalogs / "src" / f"{name}.csv", key, column, value)
    before = published(catalogs)

    code, err = run(capsys, "--check", "--catalog-dir", catalogs)
    assert code == 1
    problem = next((m for m in err.splitlines() if f"src/{name}.csv line {line}" in m), err)
    assert f", column {column}: " in problem and message in problem, err

    assert run(capsys, "--catalog-dir", catalogs)[0] == 1  # nothing is written from invalid src
    assert published(catalogs) == before


def test_a_src_header_without_provenance_is_refused(
    catalogs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = catalogs / "src" / "provinces.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text(lines[0].replace(",source_note", "") + "".join(lines[1:]), encoding="utf-8")
    code, err = run(capsys, "--check", "--catalog-dir", catalogs)
    assert code == 1
    assert "src/provinces.csv: header: missing columns ['source_note']" in err


def test_a_short_src_row_is_refused(catalogs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = catalogs / "src" / "duong_dung.csv"
    path.write_text(path.read_text(encoding="utf-8") + "6.05,Nhỏ họng\n", encoding="utf-8")
    code, err = run(capsys, "--check", "--catalog-dir", catalogs)
    assert code == 1
    assert "src/duong_dung.csv line 47: 2 fields, the header has 6" in err


def test_a_spreadsheet_bom_is_accepted(catalogs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = catalogs / "src" / "ma_nhom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    code, err = run(capsys, "--check", "--catalog-dir", catalogs)
    assert code == 0, err


def test_every_problem_is_reported_in_one_run(catalogs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    drugs = catalogs / "src" / "drugs.csv"
    price_line = edit(drugs, "40.17", "don_gia", "95.000")
    route_line = edit(drugs, "40.9001", "duong_dung", "9.99")
    code, err = run(capsys, "--check", "--catalog-dir", catalogs)
    assert code == 1
    assert f"drugs.csv line {price_line} (ma_thuoc 40.17), column don_gia: '95.000'" in err
    assert f"drugs.csv line {route_line} (ma_thuoc 40.9001), column duong_dung: '9.99'" in err
