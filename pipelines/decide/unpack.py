"""Unpack stage: from the signed envelope to the inner table documents of each claim (HOSO).

Reads only the tree the signature stage returned (``VerifyResult.signed_xml``). Checks the envelope's
consistency (facility folder, SOLUONGHOSO, LOAIHOSO, one XML1 per HOSO, unique MA_LK), decodes every
NOIDUNGFILE strictly (whitespace and line breaks tolerated, anything else rejected) under a size cap, and
parses each inner document with the same hardened parser.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from datetime import date

from lxml import etree

from pipelines.decide.guard import parse_document
from pipelines.standard.codes import Problem
from pipelines.standard.registry import ENVELOPE_TABLES

IGNORED_TABLES = ("XML16", "XML17", "XML18")  # QĐ 3176 values accepted and skipped by other importers
_WHITESPACE = b" \t\r\n"  # base64 may be wrapped over lines (what was signed); it is not part of the data


@dataclass
class InnerTable:
    loaihoso: str
    root: etree._Element | None  # None when the payload did not parse
    problem: Problem | None = None  # claim-level: the payload is not well-formed


@dataclass
class Claim:
    """One HOSO: its tables, keyed by LOAIHOSO (a table may repeat, e.g. XML7 for twins)."""

    index: int  # 1-based position in the file
    tables: list[InnerTable] = field(default_factory=list)
    ma_lk: str | None = None

    def table(self, loaihoso: str) -> list[InnerTable]:
        return [t for t in self.tables if t.loaihoso == loaihoso]


@dataclass
class Envelope:
    macskcb: str
    ngaylap: date
    claims: list[Claim]
    warnings: list[Problem]


def decode_payload(text: str | None, max_bytes: int) -> tuple[bytes | None, Problem | None]:
    raw = (text or "").encode("ascii", errors="replace").translate(None, _WHITESPACE)
    if len(raw) // 4 * 3 > max_bytes:
        return None, Problem(
            "ENV.PAYLOAD_TOO_LARGE", detail=f"about {len(raw) // 4 * 3} bytes > cap {max_bytes}"
        )
    if not raw:
        return None, Problem("ENV.BASE64", detail="empty NOIDUNGFILE")
    try:
        return base64.b64decode(raw, validate=True), None
    except (binascii.Error, ValueError) as exc:
        return None, Problem("ENV.BASE64", detail=f"not base64: {exc}")


def _ngaylap(text: str) -> date | None:
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except (ValueError, TypeError):
        return None


def unpack(
    signed_root: etree._Element,
    *,
    folder_macskcb: str,
    parser: etree.XMLParser,
    max_payload_bytes: int,
    max_hoso: int | None = None,
) -> tuple[Envelope | None, list[Problem]]:
    """The claims of a verified envelope, or the file-level problems that reject it.

    More than ``max_hoso`` HOSO is SEC.TOO_LARGE before any payload is decoded: each claim costs a decode,
    parses and schema checks, so an uncapped count lets one file hold a night's worth of work.
    """
    macskcb = (signed_root.findtext("THONGTINDONVI/MACSKCB") or "").strip()
    if macskcb != folder_macskcb:
        return None, [
            Problem(
                "ENV.FACILITY_MISMATCH",
                detail=f"file says {macskcb}, folder is {folder_macskcb}",
                path="/GIAMDINHHS/THONGTINDONVI/MACSKCB",
            )
        ]
    hoso_elements = signed_root.findall("THONGTINHOSO/DANHSACHHOSO/HOSO")
    if max_hoso is not None and len(hoso_elements) > max_hoso:
        return None, [
            Problem(
                "SEC.TOO_LARGE",
                detail=f"{len(hoso_elements)} HOSO > cap of {max_hoso} per file",
                path="/GIAMDINHHS/THONGTINHOSO/DANHSACHHOSO",
            )
        ]
    declared = (signed_root.findtext("THONGTINHOSO/SOLUONGHOSO") or "").strip()
    if declared != str(len(hoso_elements)):
        return None, [
            Problem(
                "ENV.COUNT_MISMATCH",
                detail=f"SOLUONGHOSO={declared}, HOSO found={len(hoso_elements)}",
                path="/GIAMDINHHS/THONGTINHOSO/SOLUONGHOSO",
            )
        ]
    problems: list[Problem] = []
    warnings: list[Problem] = []
    claims: list[Claim] = []
    for i, hoso in enumerate(hoso_elements, 1):
        claim = Claim(index=i)
        hpath = f"/GIAMDINHHS/THONGTINHOSO/DANHSACHHOSO/HOSO[{i}]"
        for j, fh in enumerate(hoso.findall("FILEHOSO"), 1):
            loaihoso = (fh.findtext("LOAIHOSO") or "").strip()
            fpath = f"{hpath}/FILEHOSO[{j}]"
            if loaihoso in IGNORED_TABLES:
                warnings.append(
                    Problem("ENV.IGNORED_LOAIHOSO", detail=loaihoso, loaihoso=loaihoso, path=fpath)
                )
                continue
            if loaihoso not in ENVELOPE_TABLES:
                problems.append(
                    Problem(
                        "ENV.UNKNOWN_LOAIHOSO", detail=f"LOAIHOSO={loaihoso[:20]}", path=f"{fpath}/LOAIHOSO"
                    )
                )
                continue
            payload, problem = decode_payload(fh.findtext("NOIDUNGFILE"), max_payload_bytes)
            if problem:
                problem.loaihoso, problem.path = loaihoso, f"{fpath}/NOIDUNGFILE"
                problems.append(problem)
                continue
            assert payload is not None, "decode_payload returns bytes or a problem"
            root, problem = parse_document(payload, parser, what=f"{loaihoso} payload")
            if problem and problem.code.startswith("SEC."):
                problem.loaihoso, problem.path = loaihoso, f"{fpath}/NOIDUNGFILE"
                problems.append(problem)  # hostile content inside a payload rejects the whole file
                continue
            if problem:  # not well-formed inner document: that claim fails its table
                problem = Problem(
                    f"XSD.{loaihoso}",
                    detail=f"not well-formed: {problem.detail}",
                    loaihoso=loaihoso,
                    line=problem.line,
                    column=problem.column,
                )
            claim.tables.append(InnerTable(loaihoso, root, problem))
        xml1 = claim.table("XML1")
        if not xml1:
            problems.append(Problem("ENV.MISSING_XML1", path=hpath))
        elif len(xml1) > 1:
            problems.append(Problem("ENV.DUPLICATE_TABLE", detail="XML1 appears more than once", path=hpath))
        elif xml1[0].root is not None:
            claim.ma_lk = (xml1[0].root.findtext("MA_LK") or "").strip() or None
        claims.append(claim)
    seen: set[str] = set()
    for claim in claims:
        if claim.ma_lk and claim.ma_lk in seen:
            problems.append(
                Problem(
                    "ENV.DUPLICATE_MA_LK",
                    ma_lk=claim.ma_lk,
                    path=f"/GIAMDINHHS/THONGTINHOSO/DANHSACHHOSO/HOSO[{claim.index}]",
                )
            )
        if claim.ma_lk:
            seen.add(claim.ma_lk)
    if problems:
        return None, problems
    ngaylap = _ngaylap((signed_root.findtext("THONGTINHOSO/NGAYLAP") or "").strip())
    if ngaylap is None:  # the pattern passed (month and day in range) but there is no such day
        return None, [
            Problem(
                "ENV.SCHEMA", detail="NGAYLAP is not a real date", path="/GIAMDINHHS/THONGTINHOSO/NGAYLAP"
            )
        ]
    return Envelope(macskcb=macskcb, ngaylap=ngaylap, claims=claims, warnings=warnings), []
