"""Read generated claim files back the way a reviewer would: envelope, base64, inner tables as rows.

Independent of the generator's and of the product's code (no signature check, no XSD): plain lxml.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

PARSER = dict(resolve_entities=False, no_network=True, load_dtd=False)

Claim = dict[str, list[dict[str, str]]]  # LOAIHOSO -> rows ({TAG: text})


def table_rows(doc: bytes) -> list[dict[str, str]]:
    root = etree.fromstring(doc, etree.XMLParser(**PARSER))
    if all(len(c) == 0 for c in root):  # flat (XML1, XML7, XML8, XML13, XML14): fields under the root
        return [{c.tag: c.text or "" for c in root}]
    return [{f.tag: f.text or "" for f in row} for row in root[0]]  # root > DSACH_* > rows


def envelope_facts(data: bytes) -> tuple[str, str]:
    """(MACSKCB, NGAYLAP) of a file."""
    root = etree.fromstring(data, etree.XMLParser(**PARSER))
    return root.findtext("THONGTINDONVI/MACSKCB"), root.findtext("THONGTINHOSO/NGAYLAP")


def claims_in(data: bytes) -> list[Claim]:
    root = etree.fromstring(data, etree.XMLParser(**PARSER))
    out = []
    for hoso in root.iterfind("THONGTINHOSO/DANHSACHHOSO/HOSO"):
        claim: Claim = {}
        for f in hoso.iterfind("FILEHOSO"):
            claim[f.findtext("LOAIHOSO")] = table_rows(base64.b64decode(f.findtext("NOIDUNGFILE")))
        out.append(claim)
    return out


def manifest_claims(
    landing: Path, manifest: dict, kinds: tuple[str, ...] = ("claim",)
) -> Iterator[tuple[str, Claim]]:
    """(macskcb, claim) of every claim in the manifest's files of ``kinds``."""
    for entry in manifest["files"]:
        if entry["kind"] in kinds:
            for claim in claims_in((landing / entry["path"]).read_bytes()):
                yield entry["macskcb"], claim


def claim_index(landing: Path, manifest: dict) -> dict[tuple[str, str], Claim]:
    """(macskcb, MA_LK) -> claim, for the regular (night-one, kind 'claim') files."""
    return {(mac, c["XML1"][0]["MA_LK"]): c for mac, c in manifest_claims(landing, manifest)}
