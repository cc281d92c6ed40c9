"""Serialise episodes the way hospital exporters do: inner table documents, base64, the GIAMDINHHS envelope.

Three exporter styles are imitated (STANDARD.md §2.1, §7 item 4):

- ``inventec``: .NET ``XmlSerializer`` habits: XML2/XML3 money fields in the order T_BHTT, T_BNCCT, T_BNTT
  (XML2) and T_BHTT, T_BNTT, T_BNCCT (XML3); empty elements written ``<TAG />``; an indented envelope.
- ``official``: the order of the BHXH template; ``<TAG/>``; a compact envelope.
- ``php``: as official, with the inner documents' free text in CDATA as SimpleXML exporters write it.

Free text always goes in CDATA (HO_TEN, DIA_CHI, CHAN_DOAN_*, TEN_THUOC, ...): every real exporter does.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Sequence
from xml.sax.saxutils import escape

from pipelines.standard import TableSpec

XML_DECL = '<?xml version="1.0" encoding="utf-8"?>'
MONEY_ORDERS = {
    ("inventec", "XML2"): ("T_BHTT", "T_BNCCT", "T_BNTT"),
    ("inventec", "XML3"): ("T_BHTT", "T_BNTT", "T_BNCCT"),
}
OFFICIAL_MONEY = ("T_BNTT", "T_BNCCT", "T_BHTT")
STYLES = ("inventec", "official", "php")


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def field_order(spec: TableSpec, style: str) -> list[str]:
    tags = list(spec.tags)
    order = MONEY_ORDERS.get((style, spec.loaihoso))
    if order:
        i = tags.index(OFFICIAL_MONEY[0])
        tags[i : i + 3] = order
    return tags


def _fields_xml(
    spec: TableSpec, row: dict[str, str], tags: Sequence[str], style: str, out: list[str]
) -> None:
    empty = "<{} />" if style == "inventec" else "<{}/>"
    for tag in tags:
        value = row.get(tag, "")
        if value == "":
            out.append(empty.format(tag))
        elif spec.field(tag).xsd_type == "Text":
            out.append(f"<{tag}>{_cdata(value)}</{tag}>")
        else:
            out.append(f"<{tag}>{escape(value)}</{tag}>")


def table_document(spec: TableSpec, rows: Sequence[dict[str, str]], style: str = "official") -> bytes:
    """One inner document (the content of a NOIDUNGFILE) for the rows of one table."""
    tags = field_order(spec, style)
    out = [XML_DECL, f"<{spec.root_tag}>"]
    if spec.is_flat:
        _fields_xml(spec, rows[0], tags, style, out)
    else:
        out.append(f"<{spec.list_tag}>")
        for row in rows:
            out.append(f"<{spec.row_tag}>")
            _fields_xml(spec, row, tags, style, out)
            out.append(f"</{spec.row_tag}>")
        out.append(f"</{spec.list_tag}>")
    out.append(f"</{spec.root_tag}>")
    return "".join(out).encode("utf-8")


def message_document(spec: TableSpec, rows: Sequence[dict[str, str]], style: str = "official") -> bytes:
    """An unsigned stand-alone message of a table that is one (XML12's ``CHI_TIEU_GIAM_DINH_YKHOA`` ›
    ``DSACH_GIAM_DINH_YKHOA`` › one ``GIAM_DINH_YKHOA`` per person, then the empty ``CHUKYDONVI`` a signer
    fills, as the BHXH template shows it: STANDARD.md XML12). No MA_LK: the message is tied to no claim."""
    assert spec.list_tag is not None and spec.row_tag is not None, "a message has a list of rows"
    tags = [t for t in field_order(spec, style) if t != "MA_LK"]
    out = [XML_DECL, f"<{spec.root_tag}>", f"<{spec.list_tag}>"]
    for row in rows:
        out.append(f"<{spec.row_tag}>")
        _fields_xml(spec, row, tags, style, out)
        out.append(f"</{spec.row_tag}>")
    out += [f"</{spec.list_tag}>", "<CHUKYDONVI/>", f"</{spec.root_tag}>"]
    return "".join(out).encode("utf-8")


def b64(data: bytes) -> str:
    """Base64 on one line, as exporters write NOIDUNGFILE (re-wrapping after signing breaks the digest)."""
    return base64.b64encode(data).decode("ascii")


def envelope(
    macskcb: str,
    ngaylap: str,
    hoso: Iterable[Sequence[tuple[str, str]]],
    style: str = "official",
    soluonghoso: int | None = None,
) -> bytes:
    """An unsigned GIAMDINHHS document: ``hoso`` is, per HOSO, a list of (LOAIHOSO, base64 text).

    ``CHUKYDONVI`` is the empty last child, ready for a signer. ``soluonghoso`` overrides the count (defects).
    """
    hoso = [list(h) for h in hoso]
    count = len(hoso) if soluonghoso is None else soluonghoso
    nl, i1, i2, i3, i4, i5 = (
        ("\n", "  ", "    ", "      ", "        ", "          ") if style == "inventec" else ("",) * 6
    )
    parts = [
        XML_DECL,
        "\n",
        '<GIAMDINHHS xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xmlns:xsd="http://www.w3.org/2001/XMLSchema">',
        nl,
        f"{i1}<THONGTINDONVI>{nl}{i2}<MACSKCB>{macskcb}</MACSKCB>{nl}{i1}</THONGTINDONVI>{nl}",
        f"{i1}<THONGTINHOSO>{nl}{i2}<NGAYLAP>{ngaylap}</NGAYLAP>{nl}{i2}<SOLUONGHOSO>{count}</SOLUONGHOSO>{nl}",
        f"{i2}<DANHSACHHOSO>{nl}",
    ]
    for files in hoso:
        parts.append(f"{i3}<HOSO>{nl}")
        for loaihoso, content in files:
            parts.append(
                f"{i4}<FILEHOSO>{nl}{i5}<LOAIHOSO>{loaihoso}</LOAIHOSO>{nl}"
                f"{i5}<NOIDUNGFILE>{content}</NOIDUNGFILE>{nl}{i4}</FILEHOSO>{nl}"
            )
        parts.append(f"{i3}</HOSO>{nl}")
    parts += [
        f"{i2}</DANHSACHHOSO>{nl}{i1}</THONGTINHOSO>{nl}",
        f"{i1}<CHUKYDONVI></CHUKYDONVI>{nl}",
        "</GIAMDINHHS>",
    ]
    return "".join(parts).encode("utf-8")
