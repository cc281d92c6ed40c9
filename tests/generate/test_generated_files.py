"""What `bhyt-etl generate` writes: files indistinguishable in shape from real exporters', deterministic.

The generator runs as a separate process (the CLI); this module imports neither its signing code nor the
product's verifier. Signatures are checked with signxml configured as SIGNATURE.md §6 describes.
"""

from __future__ import annotations

import base64
import copy
import csv
import hashlib
import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import etree
from signxml import DigestAlgorithm, SignatureConfiguration, SignatureMethod, XMLVerifier

DS = "{http://www.w3.org/2000/09/xmldsig#}"
PARSER = dict(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


class Section6Verifier(XMLVerifier):
    """SIGNATURE.md §6: excise the lxml xmlns="" quirk; schema-check a copy without the .NET GUID Id."""

    excise_empty_xmlns_declarations = True

    def validate_schema(self, signature):
        stripped = copy.deepcopy(signature)
        stripped.attrib.pop("Id", None)
        return super().validate_schema(stripped)


def generate(out: Path, *extra: str, seed: int = 11) -> tuple[Path, Path, dict]:
    landing, trust = out / "landing", out / "trust"
    cmd = [
        sys.executable,
        "-m",
        "pipelines.cli",
        "generate",
        "--landing",
        str(landing),
        "--trust",
        str(trust),
        "--facilities",
        "3",
        "--claims",
        "24",
        "--seed",
        str(seed),
        *extra,
    ]
    subprocess.run(cmd, check=True, capture_output=True)
    return landing, trust, json.loads((landing / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict]:
    return generate(tmp_path_factory.mktemp("gen"), "--defects")


def test_both_signature_shapes_verify_with_signxml_as_section_6_configures_it(generated, tmp_path):
    landing, trust, manifest = generated
    ca = tmp_path / "ca-for-test.pem"
    ca.write_bytes((trust / "roots.pem").read_bytes() + (trust / "intermediates.pem").read_bytes())
    config = SignatureConfiguration(
        location="./CHUKYDONVI/",
        expect_references=1,
        signature_methods=frozenset({SignatureMethod.RSA_SHA256}),
        digest_algorithms=frozenset({DigestAlgorithm.SHA256}),
        verification_time=datetime(2026, 11, 20, tzinfo=UTC),
    )
    shapes = {"dotnet": 0, "signxml": 0}
    for entry in manifest["files"]:
        if entry["kind"] != "claim":
            continue
        raw = (landing / entry["path"]).read_bytes()
        root = etree.fromstring(raw, etree.XMLParser(**PARSER))
        signature = root.find(f"CHUKYDONVI/{DS}Signature")
        assert signature is not None
        if entry["signature_shape"] == "dotnet":
            assert signature.prefix is None and signature.get("Id")  # unprefixed, GUID Id
            assert signature.find(f"{DS}KeyInfo/{DS}X509Data/{DS}X509SubjectName") is not None
        else:
            assert signature.prefix == "ds"
        result = Section6Verifier().verify(
            raw, ca_pem_file=str(ca), expect_config=config, parser=etree.XMLParser(**PARSER)
        )
        assert result.signed_xml.findtext("THONGTINDONVI/MACSKCB") == entry["macskcb"]
        shapes[entry["signature_shape"]] += 1
    assert shapes["dotnet"] > 0 and shapes["signxml"] > 0
    assert abs(shapes["dotnet"] - shapes["signxml"]) <= 1  # half and half


def test_files_look_like_real_exports(generated):
    landing, trust, manifest = generated
    claims = [e for e in manifest["files"] if e["kind"] == "claim"]
    raw = (landing / claims[0]["path"]).read_bytes()
    assert raw.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    root = etree.fromstring(raw, etree.XMLParser(**PARSER))
    assert [c.tag for c in root] == ["THONGTINDONVI", "THONGTINHOSO", "CHUKYDONVI"]
    assert root.nsmap == {
        "xsi": "http://www.w3.org/2001/XMLSchema-instance",
        "xsd": "http://www.w3.org/2001/XMLSchema",
    }
    xml1 = base64.b64decode(root.findtext("THONGTINHOSO/DANHSACHHOSO/HOSO/FILEHOSO/NOIDUNGFILE"))
    assert xml1.startswith(b'<?xml version="1.0" encoding="utf-8"?><TONG_HOP>')
    assert b"<HO_TEN><![CDATA[" in xml1  # free text in CDATA, with diacritics
    text = xml1.decode("utf-8")
    assert any(ch in text for ch in "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ")
    # trust directory of the contract
    assert sorted(p.name for p in trust.iterdir()) == [
        "certs",  # the facilities' registered certificates (signatures that name but do not embed theirs)
        "crl",
        "facilities.csv",
        "intermediates.pem",
        "roots.pem",
    ]
    with (trust / "facilities.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["macskcb"] for r in rows} == {f["macskcb"] for f in manifest["facilities"]}


def test_defects_cover_every_error_family_with_a_labelled_outcome(generated):
    _, _, manifest = generated
    defects = [e for e in manifest["files"] if e["kind"] == "defect"]
    families = {code.split(".")[0] for e in defects for code in e["expected_codes"]}
    assert {"SEC", "XML", "ENV", "SIG", "XSD"} <= families
    statuses = {e["expected_status"] for e in defects}
    assert {"rejected", "partially_accepted", "duplicate", "accepted"} <= statuses
    assert all(e["description"] for e in defects)


def test_same_seed_same_bytes_other_seed_other_bytes(generated, tmp_path):
    def digest(folder: Path) -> str:
        h = hashlib.sha256()
        for p in sorted(folder.rglob("*")):
            if p.is_file():
                h.update(str(p.relative_to(folder)).encode() + p.read_bytes())
        return h.hexdigest()

    landing, trust, _ = generated  # seed 11, with defects
    again, again_trust, _ = generate(tmp_path / "again", "--defects")
    assert digest(again) == digest(landing) and digest(again_trust) == digest(trust)
    other, other_trust, _ = generate(tmp_path / "other", "--defects", seed=12)
    assert digest(other) != digest(landing) and digest(other_trust) != digest(trust)
