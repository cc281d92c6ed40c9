"""Night two: files that resend night-one claims, each with the outcome the pipeline must give it.

``generate_resends`` writes into the same inboxes:

- ``duplicate``: a byte-identical copy of one night-one claim file under a new name;
- ``corrected``: a new file for an existing (MACSKCB, MA_LK): one drug line's quantity changed, the line and
  header formulas (STANDARD.md §5.1, §5.2) recomputed, a later NGAYLAP, signed again (``accepted``: the
  claim's second version);
- ``withdrawn``: the same claim sent again with MA_DOITUONG_KCB 8 (thu hồi đề nghị thanh toán, QĐ 3276),
  amounts unchanged, a later NGAYLAP (``accepted``: the current version is a withdrawal).

The night-one files are read back rather than rebuilt: from ``<landing>/<MACSKCB>/archive/`` when the
pipeline has moved them there, else from the inbox. Reading works whatever ``--claims`` and ``--defects``
night one was made with (the manifest does not record them), and the bytes are the same either way, so
the result is deterministic for a seed. The signing keys are rebuilt from the seed and the manifest's
facilities (the test PKI is a pure function of both) and checked against ``<trust>/facilities.csv``.
"""

from __future__ import annotations

import base64
import csv
import random
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

from lxml import etree

from pipelines.decide.guard import hardened_parser
from pipelines.decide.normalize import table_rows
from pipelines.generate.catalogs import load_catalogs
from pipelines.generate.claims import FULL_COVER_THRESHOLD, finish_line, header_totals
from pipelines.generate.envelope import b64, envelope, table_document
from pipelines.generate.pki import FacilityIdentity, Issued, TestPKI
from pipelines.generate.signing import dotnet_guid, sign_dotnet, sign_signxml
from pipelines.generate.writer import ExpectedClaim, Manifest, ManifestEntry
from pipelines.standard import Registry, TableSpec, load_registry

NIGHT2_MANIFEST = "manifest-night2.json"


def _text(element: etree._Element, path: str) -> str:
    text = element.findtext(path)
    if text is None:
        raise ValueError(f"a night-one file has no {path}")
    return text


class _File:
    """A night-one claim file read back: envelope facts and its inner tables as rows."""

    def __init__(self, entry: ManifestEntry, data: bytes, registry: Registry) -> None:
        self.entry, self.data = entry, data
        root = etree.fromstring(data, hardened_parser())
        self.ngaylap = _text(root, "THONGTINHOSO/NGAYLAP")
        self.style = "inventec" if b"\n  <THONGTINDONVI>" in data else "official"
        hoso = root.findall("THONGTINHOSO/DANHSACHHOSO/HOSO")
        self.files = [
            (_text(f, "LOAIHOSO"), _text(f, "NOIDUNGFILE")) for f in hoso[0].findall("FILEHOSO")
        ]
        self.single = len(hoso) == 1
        day = datetime.strptime(self.ngaylap, "%Y%m%d").date()
        self.specs = {lh: registry.for_file(lh, day) for lh, _ in self.files}

    def rows(self, loaihoso: str) -> list[dict[str, str]]:
        content = next((c for lh, c in self.files if lh == loaihoso), None)
        if content is None:
            return []
        root = etree.fromstring(base64.b64decode(content), hardened_parser())
        return table_rows(root, self.specs[loaihoso])


def _locate(landing: Path, entry: ManifestEntry) -> Path:
    archived = landing / entry.macskcb / "archive" / Path(entry.path).name
    return archived if archived.exists() else landing / entry.path


def _signers(trust: Path, seed: int, manifest: Manifest) -> dict[str, Issued]:
    catalogs = load_catalogs()
    identities = [
        FacilityIdentity(f["macskcb"], f["name"], f["tax_code"], catalogs.provinces.get(f["macskcb"][:2], ""))
        for f in manifest.facilities
    ]
    pki = TestPKI.build(identities, seed)
    registered = trust / "facilities.csv"
    if registered.exists():
        with registered.open(encoding="utf-8", newline="") as fh:
            known = {(r["macskcb"], r["cert_sha256"]) for r in csv.DictReader(fh)}
        for mac, issued in pki.facility.items():
            if (mac, issued.sha256_hex) not in known:
                raise ValueError(f"{trust} was not made with seed {seed} for these facilities ({mac})")
    return pki.facility


def generate_resends(landing: Path, trust: Path, *, seed: int, manifest: Manifest) -> Manifest:
    """Write night two's files into the inboxes; return their manifest (also ``manifest-night2.json``)."""
    rng = random.Random(f"{seed}/night2")
    registry = load_registry()
    signers = _signers(trust, seed, manifest)
    candidates = [
        e
        for e in sorted(manifest.files, key=lambda e: e.path)
        if e.kind == "claim" and e.expected_status == "accepted" and len(e.claims) == 1
    ]
    if len(candidates) < 3:
        raise ValueError("night two needs at least three single-claim files from night one")
    read = {e.path: _File(e, _locate(landing, e).read_bytes(), registry) for e in candidates}
    entries: list[ManifestEntry] = []
    payment_cases: list[dict] = []
    number = len(manifest.files)

    def write(mac: str, name: str, data: bytes) -> str:
        inbox = landing / mac / "inbox"
        inbox.mkdir(parents=True, exist_ok=True)
        (inbox / name).write_bytes(data)
        return f"{mac}/inbox/{name}"

    # (a) a byte-identical copy under a new name
    dup = read[rng.choice(candidates).path]
    name = Path(dup.entry.path).stem + "_resend.xml"
    entries.append(
        ManifestEntry(
            path=write(dup.entry.macskcb, name, dup.data),
            macskcb=dup.entry.macskcb,
            kind="resend",
            expected_status="duplicate",
            description=f"byte-identical copy of {Path(dup.entry.path).name} sent again the next night",
            signature_shape=dup.entry.signature_shape,
            claims=[ExpectedClaim(c.ma_lk, "accepted") for c in dup.entry.claims],
            resend_of=dup.entry.path,
        )
    )

    def editable(f: _File) -> bool:
        x1 = f.rows("XML1")[0]
        return (
            f is not dup
            and f.single
            and x1["MA_DOITUONG_KCB"] != "8"
            and Decimal(x1["T_TONGCHI_BH"]) >= FULL_COVER_THRESHOLD  # MUC_HUONG stays as it is
            and bool(f.rows("XML2"))
        )

    pool = [read[e.path] for e in candidates if editable(read[e.path])]
    if len(pool) < 2:
        raise ValueError("night two found no claim to correct and withdraw")
    corrected, withdrawn = rng.sample(pool, 2)

    def resend(f: _File, tables: dict[str, list[dict[str, str]]], description: str) -> ManifestEntry:
        nonlocal number
        number += 1
        ngaylap = (datetime.strptime(f.ngaylap, "%Y%m%d") + timedelta(days=rng.randint(5, 9))).strftime(
            "%Y%m%d"
        )
        day = datetime.strptime(ngaylap, "%Y%m%d").date()
        files = []
        for loaihoso, content in f.files:
            if loaihoso in tables:
                spec: TableSpec = registry.for_file(loaihoso, day)
                content = b64(table_document(spec, tables[loaihoso], f.style))
            files.append((loaihoso, content))
        mac = f.entry.macskcb
        unsigned = envelope(mac, ngaylap, [files], f.style)
        shape = f.entry.signature_shape or "signxml"
        if shape == "dotnet":
            data = sign_dotnet(unsigned, signers[mac], signature_id=dotnet_guid(rng))
        else:
            data = sign_signxml(unsigned, signers[mac])
        ma_lk = f.entry.claims[0].ma_lk
        entry = ManifestEntry(
            path=write(mac, f"{mac}_{ma_lk}_{ngaylap}{number:06d}.xml", data),
            macskcb=mac,
            kind="resend",
            expected_status="accepted",
            description=description,
            signature_shape=shape,
            claims=[ExpectedClaim(ma_lk, "accepted")],
            resend_of=f.entry.path,
        )
        entries.append(entry)
        return entry

    # (b) a corrected claim: one drug line's quantity, every formula recomputed
    xml1, xml2, xml3 = corrected.rows("XML1")[0], corrected.rows("XML2"), corrected.rows("XML3")
    line = rng.choice(xml2)
    before = line["SO_LUONG"]
    line["SO_LUONG"] = str(Decimal(before) + rng.choice((2, 4, 6, 10)))
    finish_line(line, "XML2", Decimal(line["MUC_HUONG"]))
    xml1.update(header_totals(xml2, xml3))
    resend(
        corrected,
        {"XML1": [xml1], "XML2": xml2},
        f"corrected claim: XML2 line {line['STT']} SO_LUONG {before} -> {line['SO_LUONG']}, "
        "line and header amounts recomputed",
    )

    # (c) a withdrawal: the same claim with MA_DOITUONG_KCB 8
    tables = {"XML1": withdrawn.rows("XML1")}
    tables["XML1"][0]["MA_DOITUONG_KCB"] = "8"
    if withdrawn.rows("XML14"):  # XML14 copies MA_DOITUONG_KCB from XML1
        tables["XML14"] = withdrawn.rows("XML14")
        tables["XML14"][0]["MA_DOITUONG_KCB"] = "8"
    entry = resend(
        withdrawn,
        tables,
        "withdrawal: the claim sent again with MA_DOITUONG_KCB 8 (thu hồi đề nghị thanh toán)",
    )
    payment_cases.append(
        {
            "macskcb": entry.macskcb,
            "ma_lk": entry.claims[0].ma_lk,
            "kinds": ["withdrawn"],
            "ma_doituong_kcb": "8",
            "muc_huong": withdrawn.rows("XML2")[0]["MUC_HUONG"],
        }
    )
    night2 = Manifest(
        seed=seed,
        period=manifest.period,
        facilities=manifest.facilities,
        files=entries,
        payment_cases=payment_cases,
    )
    night2.write(landing / NIGHT2_MANIFEST)
    return night2
