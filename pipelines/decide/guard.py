"""Guard stage: the one hardened XML parser, size caps, and hostile-input detection.

Every XML document the product reads (outer envelope and inner tables) goes through
:func:`hardened_parser`: no DTD, no entity expansion, no network, libxml2's depth and
text-size limits kept (``huge_tree`` off).
"""

from __future__ import annotations

import re

from lxml import etree

from pipelines.standard.codes import Problem


def hardened_parser(*, remove_blank_text: bool = False, remove_comments: bool = False) -> etree.XMLParser:
    """A new hardened parser. lxml parsers are not thread-safe: make one per process or thread.

    ``remove_blank_text`` is only for the signature stage's diagnostic second pass (a file re-indented
    after signing); everything else keeps whitespace, which is signed. ``remove_comments`` is for the
    inner table documents (not signed on their own): a comment inside a value must not cut it short.
    """
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        attribute_defaults=False,
        huge_tree=False,
        collect_ids=False,
        remove_blank_text=remove_blank_text,
        remove_comments=remove_comments,
        remove_pis=False,
    )


# Raw bytes → parsed tree, or the SEC/XML problem that stops the file.

_PROLOG_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)
_DECLARED_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")  # UTF-32 LE starts with the UTF-16 LE one
_UTF8_NAMES = (b"utf-8", b"utf8")
_LIMIT_MARKERS = ("Excessive depth", "Resource limit", "huge", "too long", "amplification", "limit exceeded")


def check_size(raw: bytes, max_bytes: int) -> Problem | None:
    """SEC.TOO_LARGE over the cap, XML.EMPTY for a zero-byte or blank upload."""
    if len(raw) > max_bytes:
        return Problem("SEC.TOO_LARGE", detail=f"{len(raw)} bytes > cap of {max_bytes} bytes")
    if not raw.strip(b" \t\r\n\x00" + _UTF8_BOM):
        return Problem("XML.EMPTY", detail=f"{len(raw)} bytes, no content")
    return None


def _prolog(raw: bytes) -> bytes:
    """The bytes before the root element (where a DOCTYPE would have to stand)."""
    i = 0
    while True:
        j = raw.find(b"<", i)
        if j < 0:
            return raw
        nxt = raw[j + 1 : j + 2]
        if nxt == b"?":
            k = raw.find(b"?>", j)
        elif raw.startswith(b"<!--", j):
            k = raw.find(b"-->", j)
        elif raw.startswith(b"<!", j):
            return raw[: j + 2 + 16]  # a declaration: DOCTYPE or worse
        else:
            return raw[:j]
        if k < 0:
            return raw
        i = k + 2


def check_encoding(raw: bytes) -> Problem | None:
    """The standard is UTF-8: a UTF-16/UTF-32 byte-order mark, a NUL byte, or a declared encoding other than
    UTF-8 is XML.ENCODING.

    A declaration that lies (ISO-8859-1 on UTF-8 Vietnamese text) would otherwise parse into mojibake. A NUL
    byte is never XML (U+0000 is not an XML character, and UTF-8 writes no other character with a zero
    byte): it means UTF-16 or UTF-32 without a byte-order mark, which libxml2 would otherwise detect and
    decode, or a damaged upload (NUL padding). A UTF-8 byte-order mark is allowed (XML 1.0 §4.3.3; .NET
    writes one by default; it is outside what is signed).
    """
    if raw.startswith(_UTF16_BOMS):
        return Problem("XML.ENCODING", detail="UTF-16 or UTF-32 byte-order mark; the standard requires UTF-8")
    nul = raw.find(b"\x00")
    if nul >= 0:
        line = raw.count(b"\n", 0, nul) + 1
        return Problem(
            "XML.ENCODING",
            detail=f"NUL byte at offset {nul}: UTF-16/UTF-32 without a byte-order mark, or a damaged upload",
            line=line,
            column=nul - (raw.rfind(b"\n", 0, nul) + 1) + 1,
        )
    body = raw[3:] if raw.startswith(_UTF8_BOM) else raw
    m = _DECLARED_ENCODING.match(body[:200])
    if m and m.group(1).lower().replace(b"_", b"-") not in _UTF8_NAMES:
        return Problem(
            "XML.ENCODING",
            detail=f"declared encoding {m.group(1).decode('ascii')!r}; the standard requires UTF-8",
        )
    return None


def parse_document(
    raw: bytes, parser: etree.XMLParser, *, what: str = "file"
) -> tuple[etree._Element | None, Problem | None]:
    """Parse untrusted bytes with the hardened parser. Returns (root, None) or (None, problem).

    Any DOCTYPE or entity declaration is SEC.DOCTYPE (checked on the prolog before parsing, and on the
    parsed document's info after); parser resource limits are SEC.LIMIT; anything else not well-formed is
    XML.MALFORMED with line and column; bad bytes for UTF-8 are XML.ENCODING.
    """
    if _PROLOG_DOCTYPE.search(_prolog(raw)):
        return None, Problem("SEC.DOCTYPE", detail=f"{what}: DOCTYPE or ENTITY declaration before the root")
    problem = check_encoding(raw)
    if problem:
        return None, problem
    try:
        root = etree.fromstring(raw, parser)
    except etree.XMLSyntaxError as exc:
        msg = str(exc.msg or exc)
        line, col = exc.position
        if any(m in msg for m in _LIMIT_MARKERS):
            return None, Problem("SEC.LIMIT", detail=f"{what}: {msg}", line=line, column=col)
        if "UTF-8" in msg or "encoding" in msg.lower() or "Char 0x" in msg:
            return None, Problem("XML.ENCODING", detail=f"{what}: {msg}", line=line, column=col)
        # A DOCTYPE before the root was refused above; what libxml2 says about entities from here on is an
        # undefined reference (&nbsp;) or a bare '&' in text (AT&T): not well-formed, not hostile.
        return None, Problem("XML.MALFORMED", detail=f"{what}: {msg}", line=line, column=col)
    except ValueError as exc:  # lxml refuses some inputs before libxml2 sees them
        return None, Problem("XML.MALFORMED", detail=f"{what}: {exc}")
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        return None, Problem("SEC.DOCTYPE", detail=f"{what}: document type declaration")
    if (docinfo.encoding or "UTF-8").lower().encode() not in _UTF8_NAMES:  # what libxml2 detected and used
        return None, Problem(
            "XML.ENCODING", detail=f"{what}: read as {docinfo.encoding}; the standard requires UTF-8"
        )
    return root, None
