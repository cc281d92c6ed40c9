"""Table registry: every table of the standard, read once from the XSDs.

The XSDs in ``xsd/`` are the single source of truth. This module asks xmlschema for each table's
root/list/row tags, its fields in order, and the named leaf type of every field, and maps the named type to
an Arrow type. Nothing else in the product lists columns: the generator, the normalizer, the lake and the
warehouse all take them from here.

A table may have several versions (XML13 in its QĐ 130 and QĐ 3176 shapes, XML12 with the root public
exporters write); :meth:`Registry.for_document` picks one from the document itself (its root element, then the
elements only one version has), falling back to the one in force on the file's date
(:meth:`Registry.for_file`), and :meth:`Registry.table_schema` is the union a warehouse table stores.

Each field also carries the standard's stricter text where it is narrower than what loads (``<bhyt:std>``
annotations: maxLength, pattern, required; the named type's decimals): the conformance checks of
``pipelines.decide.conform`` read them from here, so the XSDs stay the one source of both levels.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pyarrow as pa
import xmlschema
from lxml import etree
from xmlschema.validators import XsdComplexType, XsdElement, XsdGroup, XsdSimpleType

from pipelines.common.paths import xsd_dir

SCHEMA_INFO_NS = "urn:bhyt-etl:schema-info"

#: Named leaf types of ``xsd/bhyt-types.xsd`` and the Arrow type each is stored as.
ARROW_TYPES: dict[str, pa.DataType] = {
    "Text": pa.string(),
    "Code": pa.string(),
    "Key": pa.string(),
    "KeyOrEmpty": pa.string(),
    "Integer": pa.int64(),
    "Money": pa.decimal128(19, 4),
    "UnitPrice": pa.decimal128(19, 4),
    "Quantity": pa.decimal128(18, 4),
    "Percent": pa.decimal128(5, 2),
    "Measure": pa.decimal128(10, 4),
    "Date": pa.date32(),
    "DateTime": pa.timestamp("s"),
    "DateOrDateTimeStamp": pa.timestamp("s"),
    "BirthDateTime": pa.string(),
    "DateList": pa.string(),
    "DateOrDateTime": pa.string(),
}

#: Columns added to every row of every table: where the row came from.
LINEAGE_FIELDS: tuple[pa.Field[pa.DataType], ...] = (
    pa.field("source_sha256", pa.string(), nullable=False),
    pa.field("macskcb", pa.string(), nullable=False),
    pa.field("received_at", pa.timestamp("us", tz="UTC"), nullable=False),
    pa.field("standard_version", pa.string(), nullable=False),
)

#: The column of a table that can travel as its own signed message: the row's 1-based position in that message
#: (null for rows that came inside GIAMDINHHS). With the file's ``source_sha256`` it is the row's key.
MESSAGE_COLUMN = "message_stt"

#: LOAIHOSO values carried inside GIAMDINHHS (XML0 is a separate message; XML12 is one too in QĐ 4750, and
#: the public integration guide and HIS exporters also put it in the envelope, where it loads:
#: docs/conformance.md).
ENVELOPE_TABLES = (
    "XML1",
    "XML2",
    "XML3",
    "XML4",
    "XML5",
    "XML6",
    "XML7",
    "XML8",
    "XML9",
    "XML10",
    "XML11",
    "XML12",
    "XML13",
    "XML14",
    "XML15",
)


@dataclass(frozen=True)
class Field:
    """One leaf element of a table."""

    tag: str  # the standard's element name, e.g. T_BHTT
    xsd_type: str  # the named leaf type in bhyt-types.xsd, e.g. Money
    max_length: int | None
    required: bool
    enumeration: tuple[str, ...] | None
    doc_en: str
    doc_vi: str
    #: the warehouse column when it is not the tag's (``<bhyt:column>``: XML13 MA_NOI_DI → ma_cskcb_di)
    alias: str | None = None
    #: the standard's text where it is stricter than what loads (``<bhyt:std>``), for STD.* warnings
    std_max_length: int | None = None
    std_pattern: str | None = None
    std_required: bool = False
    std_decimals: int | None = None  # of the named type: Money 2, UnitPrice 3 ...
    #: fields of one xs:choice count as one position for STD.ORDER (XML2/XML3 T_BNTT, T_BNCCT, T_BHTT)
    order_group: str | None = None

    @functools.cached_property
    def column(self) -> str:
        """Warehouse column name: the standard's name in lower case (``t_bhtt``)."""
        return (self.alias or self.tag).lower()

    @property
    def arrow_type(self) -> pa.DataType:
        return ARROW_TYPES[self.xsd_type]


@dataclass(frozen=True)
class TableSpec:
    """One version of one table of the standard."""

    loaihoso: str  # XML1 .. XML15 (XML0: check-in, XML12: medical assessment)
    version: str  # QD4750, QD3176
    effective_from: date
    root_tag: str
    list_tag: str | None  # None for flat tables (fields directly under the root)
    row_tag: str | None
    title_vi: str
    title_en: str
    xsd_path: Path
    fields: tuple[Field, ...]
    shape: str | None = None  # XML13: QD130 | QD3176, stored in the column xml13_shape
    variant: bool = (
        False  # another serialisation of a version (XML12 flat): chosen by its root, never by date
    )
    #: the root is also a signed message on its own (XML12's CHI_TIEU_GIAM_DINH_YKHOA with CHUKYDONVI, outside
    #: GIAMDINHHS); its rows record their position in the message in ``MESSAGE_COLUMN``
    message: bool = False
    _by_tag: dict[str, Field] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_tag.update({f.tag: f for f in self.fields})

    @property
    def is_flat(self) -> bool:
        return self.list_tag is None

    @property
    def tags(self) -> tuple[str, ...]:
        return tuple(f.tag for f in self.fields)

    def field(self, tag: str) -> Field:
        return self._by_tag[tag]

    def has(self, tag: str) -> bool:
        return tag in self._by_tag

    def arrow_schema(self, lineage: bool = True) -> pa.Schema:
        cols = [pa.field(f.column, f.arrow_type) for f in self.fields]
        return pa.schema(cols + (list(LINEAGE_FIELDS) if lineage else []))

    @property
    def shape_column(self) -> str:
        return f"{self.loaihoso.lower()}_shape"


@dataclass
class Registry:
    """All tables of the standard, from the XSDs of one folder."""

    xsd_folder: Path
    versions: dict[str, tuple[TableSpec, ...]]  # loaihoso -> versions, oldest first
    envelope_xsd: Path
    _columns: dict[str, tuple[Field, ...]] = field(default_factory=dict, compare=False, repr=False)
    _schemas: dict[tuple[str, bool], pa.Schema] = field(default_factory=dict, compare=False, repr=False)
    _exclusives: dict[tuple[str, str], frozenset[str]] = field(
        default_factory=dict, compare=False, repr=False
    )
    _messages: dict[str, TableSpec] | None = field(default=None, compare=False, repr=False)

    def loaihoso(self) -> tuple[str, ...]:
        return tuple(self.versions)

    def latest(self, loaihoso: str) -> TableSpec:
        return [s for s in self.versions[loaihoso] if not s.variant][-1]

    def for_file(self, loaihoso: str, file_date: date) -> TableSpec:
        """The version of a table in force on ``file_date`` (the envelope's NGAYLAP)."""
        candidates = [s for s in self.versions[loaihoso] if not s.variant]
        chosen = candidates[0]
        for spec in candidates:
            if spec.effective_from <= file_date:
                chosen = spec
        return chosen

    def for_document(self, loaihoso: str, root: etree._Element, file_date: date) -> TableSpec:
        """The version a document is written in, read from the document: its root element, then the elements
        only one version has (XML13 MA_CSKCB_DI is QĐ 3176, MA_NOI_DI QĐ 130); the date decides only when the
        content does not (real facilities send either XML13 shape whatever the date)."""
        candidates = self.versions[loaihoso]
        if len(candidates) == 1:
            return candidates[0]
        by_root = [s for s in candidates if s.root_tag == root.tag]
        if len(by_root) == 1:
            return by_root[0]
        if not by_root:  # an unknown root: the dated version's schema says so
            return self.for_file(loaihoso, file_date)
        row = root if by_root[0].row_tag is None else root.find(f"{by_root[0].list_tag}/{by_root[0].row_tag}")
        if row is not None:
            tags = {child.tag for child in row}
            hits = [(len(tags & self._exclusive(s)), s) for s in by_root]
            best = max(n for n, _ in hits)
            winners = [s for n, s in hits if n == best]
            if best and len(winners) == 1:
                return winners[0]
        dated = self.for_file(loaihoso, file_date)
        return dated if dated in by_root else by_root[-1]

    def _exclusive(self, spec: TableSpec) -> frozenset[str]:
        """Tags of ``spec`` that no other version of its table with the same root has."""
        key = (spec.loaihoso, spec.version)
        cached = self._exclusives.get(key)
        if cached is None:
            others: set[str] = set()
            for s in self.versions[spec.loaihoso]:
                if s is not spec and s.root_tag == spec.root_tag:
                    others.update(s.tags)
            cached = self._exclusives[key] = frozenset(spec.tags) - others
        return cached

    def table_columns(self, loaihoso: str) -> tuple[Field, ...]:
        """Fields of every version of a table, in order of first appearance (what a warehouse table holds)."""
        cached = self._columns.get(loaihoso)
        if cached is not None:
            return cached
        seen: dict[str, Field] = {}  # by column: two tags may share one (bhyt:column)
        for spec in reversed(self.versions[loaihoso]):
            for f in spec.fields:
                seen.setdefault(f.column, f)
        order: list[str] = []
        for spec in self.versions[loaihoso]:
            for f in spec.fields:
                if f.column not in order:
                    order.append(f.column)
        out = self._columns[loaihoso] = tuple(seen[c] for c in order)
        return out

    def shape_column(self, loaihoso: str) -> str | None:
        """The column that records which shape a row came in, for tables written in several shapes."""
        specs = self.versions[loaihoso]
        return specs[0].shape_column if any(s.shape for s in specs) else None

    def message_spec(self, root_tag: str) -> TableSpec | None:
        """The table version whose root element is a signed message of its own (XML12's
        ``CHI_TIEU_GIAM_DINH_YKHOA``), when ``root_tag`` is one; else None (every file asks: one look-up)."""
        if self._messages is None:
            self._messages = {s.root_tag: s for specs in self.versions.values() for s in specs if s.message}
        return self._messages.get(root_tag)

    def message_column(self, loaihoso: str) -> str | None:
        """The column of a row's position in its stand-alone message, for tables that can be one."""
        return MESSAGE_COLUMN if any(s.message for s in self.versions[loaihoso]) else None

    def table_schema(self, loaihoso: str, lineage: bool = True) -> pa.Schema:
        key = (loaihoso, lineage)
        if key not in self._schemas:
            cols = [pa.field(f.column, f.arrow_type) for f in self.table_columns(loaihoso)]
            shape = self.shape_column(loaihoso)
            if shape:
                cols.append(pa.field(shape, pa.string()))
            if self.message_column(loaihoso):
                cols.append(pa.field(MESSAGE_COLUMN, pa.int32()))
            self._schemas[key] = pa.schema(cols + (list(LINEAGE_FIELDS) if lineage else []))
        return self._schemas[key]

    def __iter__(self) -> Iterator[TableSpec]:
        for specs in self.versions.values():
            yield from specs


def _named(xsd_type: XsdSimpleType) -> XsdSimpleType:
    t: XsdSimpleType | None = xsd_type
    while t is not None and t.name not in ARROW_TYPES:
        t = getattr(t, "base_type", None)
    if t is None or t.name is None:
        raise ValueError(f"leaf type {xsd_type!r} does not derive from a named type of bhyt-types.xsd")
    return t


def _named_base(xsd_type: XsdSimpleType) -> str:
    return str(_named(xsd_type).name)


def _appinfo(component: XsdElement | XsdSimpleType, name: str) -> dict[str, str]:
    """Attributes of the ``<bhyt:{name}>`` annotation of an element or type (empty when it has none)."""
    out: dict[str, str] = {}
    if component.annotation is not None:
        for info in component.annotation.appinfo:
            for child in info:
                if child.tag == f"{{{SCHEMA_INFO_NS}}}{name}":
                    out.update(child.attrib)
    return out


def _docs(element: XsdElement) -> tuple[str, str]:
    en = vi = ""
    if element.annotation is not None:
        for d in element.annotation.documentation:
            lang = d.get("{http://www.w3.org/XML/1998/namespace}lang")
            if lang == "vi":
                vi = (d.text or "").strip()
            else:
                en = (d.text or "").strip()
    if not en and element.type.annotation is not None:  # named types (XML2/XML3 money fields)
        for d in element.type.annotation.documentation:
            if d.get("{http://www.w3.org/XML/1998/namespace}lang") == "vi":
                vi = vi or (d.text or "").strip()
            else:
                en = (d.text or "").strip()
    return en, vi


def _leaves(
    group: XsdGroup, out: dict[str, XsdElement], where: str, groups: dict[str, str], choice: str | None = None
) -> None:
    """The leaf elements of a model group in declaration order; ``groups``: the leaves of an xs:choice (the
    XML2/XML3 money fields, whose order exporters vary) share the name of the choice's first leaf as their
    order group, one position for STD.ORDER."""
    for particle in group:
        if isinstance(particle, XsdElement):
            if particle.name is None:
                raise ValueError(f"{where}: an element without a name")
            out.setdefault(particle.name, particle)  # the money choice repeats names: first order wins
            if choice is not None:
                groups.setdefault(particle.name, choice)
        elif isinstance(particle, XsdGroup):
            inner = choice
            if inner is None and particle.model == "choice":
                first = next(particle.iter_elements(), None)
                inner = first.name if first is not None else None
            _leaves(particle, out, where, groups, inner)
        else:
            raise ValueError(f"{where}: <xs:any> where the standard names its elements")


def _content(element: XsdElement, where: str) -> XsdGroup:
    """The model group of an element of complex type (a table's root, list or row element)."""
    if not isinstance(element.type, XsdComplexType) or not isinstance(element.type.content, XsdGroup):
        raise ValueError(f"{where}: <{element.name}> has no element content")
    return element.type.content


def _first_child(element: XsdElement, where: str) -> XsdElement:
    child = _content(element, where)[0]
    if not isinstance(child, XsdElement):
        raise ValueError(f"{where}: <{element.name}> does not start with an element")
    return child


def _leaf_type(element: XsdElement, where: str) -> XsdSimpleType:
    if not isinstance(element.type, XsdSimpleType):
        raise ValueError(f"{where}: field <{element.name}> is not of a simple type")
    return element.type


def _info(info: etree._Element, name: str, where: str) -> str:
    value = info.get(name)
    if value is None:
        raise ValueError(f"{where}: <bhyt:table> has no {name} attribute")
    return value


def _table_from_xsd(path: Path, validation: str = "skip") -> TableSpec:
    info = etree.parse(str(path)).find(f".//{{{SCHEMA_INFO_NS}}}table")
    if info is None:
        raise ValueError(f"{path.name}: no <bhyt:table> annotation")
    # The structure is all that is read here. xmlschema's default ("strict") first validates the XSD document
    # against the XSD meta-schema: 1.2 s of CPU per process for the 18 tables, in every process the product
    # starts (the run, each worker, each command), for documents that do not change. That check is made once,
    # by tests/standard/test_xsd.py (every XSD builds in strict mode, to the same spec).
    schema = xmlschema.XMLSchema(str(path), validation=validation)
    root = schema.elements[_info(info, "root", path.name)]
    container = root
    list_tag = info.get("list") or None
    row_tag = info.get("row") or None
    if list_tag:
        container = _first_child(root, path.name)
        assert container.name == list_tag, f"{path.name}: list element {container.name} != {list_tag}"
        container = _first_child(container, path.name)
        assert container.name == row_tag, f"{path.name}: row element {container.name} != {row_tag}"
    leaves: dict[str, XsdElement] = {}
    groups: dict[str, str] = {}
    _leaves(_content(container, path.name), leaves, path.name, groups)
    fields = []
    for tag, el in leaves.items():
        if tag == "CHUKYDONVI":
            continue
        en, vi = _docs(el)
        leaf_type = _leaf_type(el, path.name)
        enum = leaf_type.enumeration
        max_len = leaf_type.max_length
        std = _appinfo(el, "std")
        named = _named(leaf_type)
        decimals = _appinfo(named, "std").get("decimals")
        fields.append(
            Field(
                tag=tag,
                xsd_type=str(named.name),
                alias=_appinfo(el, "column").get("name"),
                std_max_length=int(std["maxLength"]) if "maxLength" in std else None,
                std_pattern=std.get("pattern"),
                std_required=std.get("required") == "true",
                std_decimals=int(decimals) if decimals is not None else None,
                order_group=groups.get(tag),
                max_length=max_len,
                required=el.min_occurs > 0 and (leaf_type.min_length or 0) > 0,
                enumeration=tuple(str(v) for v in enum if v != "") if enum else None,
                doc_en=en,
                doc_vi=vi,
            )
        )
    return TableSpec(
        loaihoso=_info(info, "loaihoso", path.name),
        version=_info(info, "version", path.name),
        effective_from=date.fromisoformat(_info(info, "effective_from", path.name)),
        root_tag=_info(info, "root", path.name),
        list_tag=list_tag,
        row_tag=row_tag,
        title_vi=_info(info, "title_vi", path.name),
        title_en=_info(info, "title_en", path.name),
        xsd_path=path,
        fields=tuple(fields),
        shape=info.get("shape") or None,
        variant=info.get("variant") == "true",
        message=info.get("message") == "true",
    )


@functools.cache
def load_registry(folder: Path | None = None) -> Registry:
    """Read every table XSD of ``folder`` (default: the project's ``xsd/``) once per process."""
    folder = Path(folder) if folder else xsd_dir()
    versions: dict[str, list[TableSpec]] = {}
    for path in sorted(folder.glob("XML*.xsd")):
        spec = _table_from_xsd(path)
        versions.setdefault(spec.loaihoso, []).append(spec)
    ordered = {
        lh: tuple(sorted(specs, key=lambda s: (s.effective_from, s.version)))
        for lh, specs in sorted(versions.items(), key=lambda kv: int(kv[0][3:]))
    }
    return Registry(xsd_folder=folder, versions=ordered, envelope_xsd=folder / "GIAMDINHHS.xsd")
