"""The standard's XSDs (``xsd/``) and the table registry read from them.

Every table XSD (XML0..XML15, XML13 in both versions) and the GIAMDINHHS envelope accept a realistic
document and refuse an element the standard does not have, an over-long key and a date that is not a date.
Documents of the tables the generator makes are the generator's own (``table_document``); the others are
filled field by field with a value of the field's named type.
"""

from __future__ import annotations

import functools
import re
from datetime import date
from pathlib import Path

import pyarrow as pa
import pytest
import xmlschema
from lxml import etree

from pipelines.generate.envelope import b64, envelope, table_document
from pipelines.generate.writer import LandingWriter
from pipelines.standard import LINEAGE_FIELDS, TableSpec, load_registry
from pipelines.standard.registry import _table_from_xsd

REG = load_registry()
SPECS = list(REG)
SPEC_IDS = [s.xsd_path.stem for s in SPECS]
XS = "{http://www.w3.org/2001/XMLSchema}"
GENERATED = ("XML1", "XML2", "XML3", "XML4", "XML5", "XML7", "XML8", "XML13", "XML14")
UNKNOWN = "GHI_CHU_NOI_BO"

#: A plausible value of each named type of bhyt-types.xsd.
TYPE_VALUES = {
    "Text": "Nguyễn Thị Hồng Nhung, khoa Nội tổng hợp, tầng 3",
    "Code": "01",
    "Key": "2610791010000001",
    "KeyOrEmpty": "2610791010000001",
    "Integer": "1",
    "Money": "12345.5",
    "UnitPrice": "12345.5",
    "Quantity": "1.5",
    "Percent": "80",
    "Measure": "55.5",
    "Date": "20261015",
    "DateTime": "202610150930",
    "BirthDateTime": "198505120000",
    "DateList": "20260101;20261231",
    "DateOrDateTime": "20261015",
}
#: Codes whose table XSD adds a pattern that "01" does not match.
CODE_VALUES = {"MA_CSKCB": "79101", "MA_DOITUONG_KCB": "1.1", "MA_LOAI_KCB": "01"}


@functools.cache
def schema(path: Path) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(path)))


def valid(spec_or_path: TableSpec | Path, doc: bytes) -> tuple[bool, str]:
    path = spec_or_path.xsd_path if isinstance(spec_or_path, TableSpec) else spec_or_path
    s = schema(path)
    ok = s.validate(etree.fromstring(doc))
    return ok, "" if ok else str(s.error_log.last_error)


def filled_value(spec: TableSpec, tag: str) -> str:
    f = spec.field(tag)
    if f.enumeration:
        return f.enumeration[0]
    value = CODE_VALUES.get(tag, TYPE_VALUES[f.xsd_type]) if f.xsd_type == "Code" else TYPE_VALUES[f.xsd_type]
    if f.max_length is not None and len(value) > f.max_length:
        if f.xsd_type == "DateList":
            value = value[:8]
        elif f.xsd_type == "Integer":
            value = "1"
        else:
            value = value[: f.max_length].rstrip()
    return value


def filled_row(spec: TableSpec) -> dict[str, str]:
    return {tag: filled_value(spec, tag) for tag in spec.tags}


@pytest.fixture(scope="module")
def writer(tmp_path_factory: pytest.TempPathFactory) -> LandingWriter:
    root = tmp_path_factory.mktemp("xsd")
    w = LandingWriter(root / "landing", root / "trust", 2, 20240701, "2026-10")
    w._patient_pool(20)
    return w


@pytest.fixture(scope="module")
def rows(writer: LandingWriter) -> dict[str, list[dict[str, str]]]:
    """Generated rows of every table the generator makes (episodes until each table has appeared)."""
    out: dict[str, list[dict[str, str]]] = {}
    for _ in range(1000):
        ep = writer.episode(writer.facilities[0])
        for lh, table_rows in ep.tables.items():
            out.setdefault(lh, table_rows)
        if set(GENERATED) <= set(out):
            return out
    raise AssertionError(f"the generator never made {set(GENERATED) - set(out)}")


def realistic(spec: TableSpec, rows: dict[str, list[dict[str, str]]], style: str = "official") -> bytes:
    if spec.loaihoso in GENERATED:
        return table_document(spec, rows[spec.loaihoso], style)
    return table_document(spec, [filled_row(spec), filled_row(spec)], style)


def first_row(root: etree._Element, spec: TableSpec) -> etree._Element:
    return root if spec.is_flat else root.find(f"{spec.list_tag}/{spec.row_tag}")


def edited(doc: bytes, spec: TableSpec, tag: str, value: str) -> bytes:
    root = etree.fromstring(doc)
    el = first_row(root, spec).find(tag)
    assert el is not None, tag
    el.text = value
    return etree.tostring(root, encoding="utf-8")


# -- every XSD accepts a realistic document ------------------------------------------------------------------


def test_every_xsd_of_the_folder_is_covered() -> None:
    on_disk = {p.stem for p in REG.xsd_folder.glob("XML*.xsd")}
    assert on_disk == set(SPEC_IDS)
    assert {f"XML{i}" for i in range(16)} <= on_disk and "XML13_QD3176" in on_disk


@pytest.mark.parametrize("path", sorted(REG.xsd_folder.glob("*.xsd")), ids=lambda p: p.stem)
def test_every_xsd_is_a_valid_schema_document(path: Path) -> None:
    """The registry reads the XSDs without xmlschema's meta-schema check (1.2 s in every process the product
    starts): the check is made here, strictly, for every XSD of the folder, and the specs it reads are the
    same either way."""
    strict = xmlschema.XMLSchema(str(path), validation="strict")  # raises on a document that is no schema
    assert strict.validation == "strict" and strict.built
    if path.stem.startswith("XML"):
        read = next(s for s in SPECS if s.xsd_path.stem == path.stem)
        assert _table_from_xsd(path, validation="strict") == read


@pytest.mark.parametrize("spec", SPECS, ids=SPEC_IDS)
def test_realistic_document_validates(spec: TableSpec, rows: dict) -> None:
    doc = realistic(spec, rows)
    ok, why = valid(spec, doc)
    assert ok, why
    if spec.loaihoso not in GENERATED:  # every field carries a value, none left empty
        leaf_texts = [el.text for el in first_row(etree.fromstring(doc), spec)]
        assert all(leaf_texts) and len(leaf_texts) == len(spec.fields)


@pytest.mark.parametrize("style", ["inventec", "php"])
@pytest.mark.parametrize("lh", GENERATED)
def test_generated_documents_of_every_exporter_style_validate(lh: str, style: str, rows: dict) -> None:
    spec = REG.for_file(lh, date(2026, 10, 15))
    ok, why = valid(spec, table_document(spec, rows[lh], style))
    assert ok, why


@pytest.mark.parametrize("shape", ["dotnet", "signxml"])
def test_envelope_validates_unsigned_and_signed(writer: LandingWriter, shape: str) -> None:
    ep = writer.episode(writer.facilities[0])
    path = REG.envelope_xsd
    hoso = [writer.hoso_files(ep, "20261020", "official")]
    unsigned = envelope(writer.facilities[0].macskcb, "20261020", hoso)
    ok, why = valid(path, unsigned)
    assert ok, why
    signed, _, _ = writer.claim_file(writer.facilities[0], [ep], shape=shape)
    ok, why = valid(path, signed)
    assert ok, why


# -- every XSD refuses what the standard does not allow ------------------------------------------------------


@pytest.mark.parametrize("spec", SPECS, ids=SPEC_IDS)
def test_unknown_element_is_rejected(spec: TableSpec, rows: dict) -> None:
    root = etree.fromstring(realistic(spec, rows))
    etree.SubElement(first_row(root, spec), UNKNOWN).text = "x"
    ok, why = valid(spec, etree.tostring(root, encoding="utf-8"))
    assert not ok
    assert UNKNOWN in why


@pytest.mark.parametrize("spec", SPECS, ids=SPEC_IDS)
def test_overlong_key_is_rejected(spec: TableSpec, rows: dict) -> None:
    doc = realistic(spec, rows)
    if spec.has("MA_LK"):
        tag, value = "MA_LK", "L" * 101
    else:  # XML12 (medical assessment) has no MA_LK
        assert spec.loaihoso == "XML12"
        tag, value = "HO_TEN", "Nguyễn Văn " + "A" * 245
    assert len(value) == (101 if tag == "MA_LK" else 256)
    assert valid(spec, edited(doc, spec, tag, value[:-1]))[0]  # one character less is fine
    ok, why = valid(spec, edited(doc, spec, tag, value))
    assert not ok and tag in why


@pytest.mark.parametrize("spec", SPECS, ids=SPEC_IDS)
def test_malformed_date_is_rejected(spec: TableSpec, rows: dict) -> None:
    doc = realistic(spec, rows)
    fields = ([f for f in spec.fields if f.xsd_type == "DateTime"]
              or [f for f in spec.fields if f.xsd_type == "Date"])
    assert fields, f"{spec.loaihoso} has no Date or DateTime field"
    f = fields[0]
    bad, good = ("202513011200", "202612311159") if f.xsd_type == "DateTime" else ("20251301", "20261231")
    assert valid(spec, edited(doc, spec, f.tag, good))[0]
    ok, why = valid(spec, edited(doc, spec, f.tag, bad))
    assert not ok and f.tag in why


@pytest.mark.parametrize("bad", ["hour_24", "day_32", "short", "letters"])
def test_datetime_pattern_details(bad: str, rows: dict) -> None:
    spec = REG.latest("XML1")
    value = {"hour_24": "202610152400", "day_32": "202610320930", "short": "2026101509",
             "letters": "2026101509ab"}[bad]
    assert not valid(spec, edited(realistic(spec, rows), spec, "NGAY_VAO", value))[0]


@pytest.mark.parametrize("how", ["unknown_element", "macskcb_6", "ngaylap_month_13"])
def test_envelope_rejects(writer: LandingWriter, how: str) -> None:
    ep = writer.episode(writer.facilities[0])
    doc = envelope(writer.facilities[0].macskcb, "20261020", [writer.hoso_files(ep, "20261020", "official")])
    if how == "unknown_element":
        doc = doc.replace(b"</THONGTINDONVI>", f"<{UNKNOWN}>x</{UNKNOWN}></THONGTINDONVI>".encode())
    elif how == "macskcb_6":
        doc = re.sub(rb"<MACSKCB>(\w+)</MACSKCB>", rb"<MACSKCB>\g<1>9</MACSKCB>", doc)
    else:
        doc = doc.replace(b"<NGAYLAP>20261020", b"<NGAYLAP>20251301")
    assert not valid(REG.envelope_xsd, doc)[0]


# -- the registry --------------------------------------------------------------------------------------------


def xsd_leaf_order(spec: TableSpec) -> list[str]:
    """Element names declared in the XSD, in document order, without the structure and the repeats (a variant
    such as XML12_FLAT.xsd declares its fields in the XSD it includes)."""
    path = spec.xsd_path
    if spec.variant:
        include = etree.parse(str(path)).find(f"{XS}include")
        path = path.parent / include.get("schemaLocation")
        spec = next(s for s in REG.versions[spec.loaihoso] if s.xsd_path == path)
    tree = etree.parse(str(path))
    skip = {spec.root_tag, spec.list_tag, spec.row_tag, "CHUKYDONVI"}
    out: list[str] = []
    for el in tree.iter(f"{XS}element"):
        name = el.get("name")
        if name and name not in skip and name not in out:
            out.append(name)
    return out


@pytest.mark.parametrize("spec", SPECS, ids=SPEC_IDS)
def test_field_order_is_the_xsd_order(spec: TableSpec) -> None:
    assert list(spec.tags) == xsd_leaf_order(spec)
    assert len(set(spec.tags)) == len(spec.tags)


MONEY_ORDERS = {
    "official": ("T_BNTT", "T_BNCCT", "T_BHTT"),
    "inventec_xml2": ("T_BHTT", "T_BNCCT", "T_BNTT"),
    "inventec_xml3": ("T_BHTT", "T_BNTT", "T_BNCCT"),
}


def with_money(doc: bytes, spec: TableSpec, order: tuple[str, ...], duplicate: bool = False) -> bytes:
    """Every row of ``doc`` with its three money fields in ``order``, where T_BNTT stands officially."""
    root = etree.fromstring(doc)
    for row in root.find(spec.list_tag):
        elements = {tag: row.find(tag) for tag in MONEY_ORDERS["official"]}
        anchor = elements["T_BNTT"].getprevious()
        for el in elements.values():
            row.remove(el)
        for tag in reversed(order):
            anchor.addnext(elements[tag])
        if duplicate:
            copy = etree.SubElement(row, "T_BHTT")
            copy.text = "0"
            elements[order[-1]].addnext(copy)
    return etree.tostring(root, encoding="utf-8")


@pytest.mark.parametrize("order", list(MONEY_ORDERS))
@pytest.mark.parametrize("lh", ["XML2", "XML3"])
def test_money_orders_are_accepted(lh: str, order: str, rows: dict) -> None:
    spec = REG.latest(lh)
    doc = with_money(table_document(spec, rows[lh], "official"), spec, MONEY_ORDERS[order])
    written = [el.tag for el in etree.fromstring(doc).iter(*MONEY_ORDERS["official"])][:3]
    assert written == list(MONEY_ORDERS[order])
    ok, why = valid(spec, doc)
    assert ok, why


@pytest.mark.parametrize("lh", ["XML2", "XML3"])
def test_inventec_money_order_is_what_the_generator_writes(lh: str, rows: dict) -> None:
    spec = REG.latest(lh)
    doc = table_document(spec, rows[lh], "inventec")
    order = [el.tag for el in etree.fromstring(doc).iter(*MONEY_ORDERS["official"])][:3]
    assert tuple(order) == MONEY_ORDERS[f"inventec_{lh.lower()}"]
    assert valid(spec, doc)[0]


@pytest.mark.parametrize("order", list(MONEY_ORDERS))
@pytest.mark.parametrize("lh", ["XML2", "XML3"])
def test_duplicated_money_field_is_rejected(lh: str, order: str, rows: dict) -> None:
    spec = REG.latest(lh)
    doc = with_money(table_document(spec, rows[lh], "official"), spec, MONEY_ORDERS[order], duplicate=True)
    assert len(etree.fromstring(doc).find(f"{spec.list_tag}/{spec.row_tag}").findall("T_BHTT")) == 2
    assert not valid(spec, doc)[0]


@pytest.mark.parametrize(("lh", "tag", "arrow"), [
    # exact at 4 decimals, which database exporters print : beyond the standard's, STD.DECIMALS
    ("XML1", "T_BHTT", pa.decimal128(19, 4)),
    ("XML2", "T_BHTT", pa.decimal128(19, 4)),
    ("XML2", "SO_LUONG", pa.decimal128(18, 4)),
    ("XML2", "DON_GIA", pa.decimal128(19, 4)),
    ("XML3", "SO_LUONG", pa.decimal128(18, 4)),
    ("XML14", "NGAY_HEN_KL", pa.timestamp("s")),
    ("XML1", "NGAY_VAO", pa.timestamp("s")),
    ("XML7", "NGAY_CT", pa.date32()),
    ("XML8", "NGAY_CT", pa.date32()),
    ("XML1", "MA_LOAI_KCB", pa.string()),
    ("XML1", "MA_DOITUONG_KCB", pa.string()),
    ("XML1", "NGAY_SINH", pa.string()),
    ("XML1", "STT", pa.int64()),
])
def test_arrow_types(lh: str, tag: str, arrow: pa.DataType) -> None:
    spec = REG.latest(lh)
    assert spec.field(tag).arrow_type == arrow
    assert spec.arrow_schema().field(tag.lower()).type == arrow
    assert REG.table_schema(lh).field(tag.lower()).type == arrow


def test_timestamps_are_timestamps_everywhere() -> None:
    for spec in SPECS:
        for f in spec.fields:
            if f.xsd_type == "DateTime":
                assert pa.types.is_timestamp(f.arrow_type), (spec.loaihoso, f.tag)
            if f.xsd_type in ("Code", "Key"):
                assert f.arrow_type == pa.string(), (spec.loaihoso, f.tag)


@pytest.mark.parametrize(("day", "version"), [
    (date(2024, 1, 1), "QD4750"),
    (date(2024, 7, 1), "QD4750"),
    (date(2024, 12, 31), "QD4750"),
    (date(2025, 1, 1), "QD3176"),
    (date(2026, 10, 15), "QD3176"),
])
def test_for_file_picks_the_xml13_in_force(day: date, version: str) -> None:
    assert REG.for_file("XML13", day).version == version
    assert REG.for_file("XML1", day).version == "QD4750"


def test_xml13_versions() -> None:
    old, new = REG.versions["XML13"]
    assert (old.version, old.effective_from) == ("QD4750", date(2024, 7, 1))
    assert (new.version, new.effective_from) == ("QD3176", date(2025, 1, 1))
    assert old.tags != new.tags
    assert REG.latest("XML13") is new


def test_xml13_table_schema_is_the_union() -> None:
    old, new = REG.versions["XML13"]
    schema_ = REG.table_schema("XML13")
    names = schema_.names
    lineage = [f.name for f in LINEAGE_FIELDS]
    assert names[-len(lineage):] == lineage
    data = names[: -len(lineage)]
    assert len(data) == len(set(data))
    assert set(data) == {f.column for f in old.fields} | {f.column for f in new.fields} | {"xml13_shape"}
    assert data[-1] == "xml13_shape"  # which shape the paper came in: QD130 | QD3176
    data = data[:-1]
    assert set(data) > {f.column for f in new.fields} or set(data) > {f.column for f in old.fields}
    old_cols = [f.column for f in old.fields]
    assert data == old_cols + [f.column for f in new.fields if f.column not in old_cols]  # first appearance
    for f in (*old.fields, *new.fields):  # a field in both versions is typed as the newest says
        newest = new.field(f.tag) if new.has(f.tag) else f
        assert schema_.field(f.column).type == newest.arrow_type


def test_other_tables_schema_is_their_only_version() -> None:
    for lh, versions in REG.versions.items():
        if len(versions) == 1:
            assert REG.table_schema(lh) == versions[0].arrow_schema(), lh


def test_payload_in_envelope_round_trips(rows: dict) -> None:
    spec = REG.latest("XML1")
    doc = table_document(spec, rows["XML1"])
    env = envelope("79101", "20261020", [[("XML1", b64(doc))]])
    ok, why = valid(REG.envelope_xsd, env)
    assert ok, why
