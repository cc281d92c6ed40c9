"""Validate stage: documents against the XSDs. libxml2 on the hot path; xmlschema only to explain a failure.

The XSDs are the load level (docs/conformance.md). Their rows are sequences, in the standard's order, because
libxml2 checks a sequence in half the time of an xs:all; a document whose only fault is the order of its
elements (an exporter's own order, which carries the same data) is validated a second time with each row's
elements in the standard's order, and loads: the normalizer reports the order as STD.ORDER.

Validators are compiled once per process (lxml schemas are not shared across processes) and reused.
Explanations name the element path, the line and the rule broken (maxLength 100, the yyyyMMddHHmm pattern,
an element the standard does not have), never the offending text: it may be a patient's name.
"""

from __future__ import annotations

import functools
from pathlib import Path

import xmlschema
from lxml import etree

from pipelines.decide.conform import in_standard_order
from pipelines.standard import Registry, TableSpec
from pipelines.standard.codes import Problem

MAX_EXPLAINED = 5


@functools.cache
def _lxml_schema(path: Path) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(path)))


@functools.cache
def _xmlschema(path: Path) -> xmlschema.XMLSchema:
    # validation="skip" builds the schema without checking the XSD document against the XSD meta-schema
    # (about 1 s in each worker that explains a failure); the documents are checked once, strictly, by
    # tests/standard/test_xsd.py, and lxml compiles the same XSDs on the happy path. Instances are still
    # validated in full: this mode is the schema's build mode, not the mode of iter_errors.
    return xmlschema.XMLSchema(str(path), validation="skip")


def _describe(error: xmlschema.XMLSchemaValidationError) -> str:
    """A reason without the instance value (which may be a patient identifier)."""
    v = error.validator
    name = type(v).__name__
    facet = getattr(v, "value", None)
    if name == "XsdMaxLengthFacet":
        return f"longer than the maximum length {facet}"
    if name == "XsdMinLengthFacet":
        return "empty, but the standard requires a value" if facet == 1 else f"shorter than {facet}"
    if name == "XsdPatternFacets":
        patterns = [getattr(p, "pattern", str(p)) for p in getattr(v, "patterns", [])] or list(
            getattr(v, "regexps", [])
        )
        return "does not match the required format " + " or ".join(str(p) for p in patterns)
    if name == "XsdEnumerationFacets":
        allowed = [x for x in (getattr(v, "enumeration", None) or []) if x != ""]
        return "not one of the allowed codes " + ", ".join(allowed)
    reason = error.reason or "invalid"
    # content-model errors name tags, not values ("Unexpected child with tag 'X' at position 5")
    if "Unexpected child" in reason or "not complete" in reason or "missing" in reason.lower():
        return reason.split(". Tag")[0].rstrip(".")
    return name.replace("Xsd", "").replace("Facet", "") + " rule broken"


def _path(error: xmlschema.XMLSchemaValidationError) -> str | None:
    path = getattr(error, "path", None)
    return path if path else None


def explain(
    xsd_path: Path, root: etree._Element, code: str, *, loaihoso: str | None = None, ma_lk: str | None = None
) -> list[Problem]:
    """Problems for a document that libxml2 rejected, explained by xmlschema (path, line, rule)."""
    problems = []
    # types-lxml types _Element.tag as str | bytes | QName, so an lxml element does not match elementpath's
    # ElementProtocol (tag: str) that xmlschema declares; xmlschema reads lxml trees by design.
    for error in _xmlschema(xsd_path).iter_errors(root):  # type: ignore[arg-type]
        elem = error.elem
        line = getattr(elem, "sourceline", None) if elem is not None else None
        tag = elem.tag if elem is not None and isinstance(elem.tag, str) else None
        detail = f"{tag}: {_describe(error)}" if tag else _describe(error)
        problems.append(
            Problem(code, detail=detail, loaihoso=loaihoso, ma_lk=ma_lk, path=_path(error), line=line)
        )
        if len(problems) >= MAX_EXPLAINED:
            break
    if not problems:  # libxml2 and xmlschema disagree: still report, with libxml2's first message
        log = _lxml_schema(xsd_path).error_log
        first = log[0] if len(log) else None
        problems.append(
            Problem(
                code,
                detail=(first.message if first else "schema validation failed"),
                loaihoso=loaihoso,
                ma_lk=ma_lk,
                path=first.path if first else None,
                line=first.line if first else None,
            )
        )
    return problems


def validate_envelope(root: etree._Element, registry: Registry) -> list[Problem]:
    """The GIAMDINHHS wrapper schema; ENV.SCHEMA problems, empty when valid."""
    schema = _lxml_schema(registry.envelope_xsd)
    if schema.validate(root):
        return []
    return explain(registry.envelope_xsd, root, "ENV.SCHEMA")


def validate_table(root: etree._Element, spec: TableSpec, *, ma_lk: str | None = None) -> list[Problem]:
    """One inner table against its XSD; XSD.<LOAIHOSO> problems, empty when valid. Elements in another order
    than the standard's load (a second validation, only for such documents)."""
    return validate_table_order(root, spec, ma_lk=ma_lk)[0]


def validate_table_order(
    root: etree._Element, spec: TableSpec, *, ma_lk: str | None = None
) -> tuple[list[Problem], bool]:
    """:func:`validate_table`, and whether the document passed as it stands (its elements in the standard's
    order, so the normalizer need not look at their order)."""
    schema = _lxml_schema(spec.xsd_path)
    if schema.validate(root):
        return [], True
    ordered = in_standard_order(root, spec)
    if ordered is not None:
        if schema.validate(ordered):
            return [], False
        root = ordered  # explain what is wrong besides the order
    return explain(spec.xsd_path, root, f"XSD.{spec.loaihoso}", loaihoso=spec.loaihoso, ma_lk=ma_lk), False
