"""Interop of the test-data signers with independent verifiers.

The signers are imported only to PRODUCE files. Verification is done here without the product's
verifier: (1) signxml configured inline exactly as SIGNATURE.md §6 says, (2) for both shapes an
independent hand check with lxml C14N and ``cryptography``.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import random
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from lxml import etree
from signxml import DigestAlgorithm, SignatureConfiguration, SignatureMethod, XMLVerifier

from pipelines.generate.pki import FacilityIdentity, TestPKI
from pipelines.generate.signing import SignatureShape, dotnet_guid, sign, sign_dotnet, sign_signxml

DS = "http://www.w3.org/2000/09/xmldsig#"
NS = {"ds": DS}
SEED = 1302024
VERIFY_AT = datetime(2026, 11, 15, tzinfo=UTC)
FACILITY = FacilityIdentity("79001", "Bệnh viện Đa khoa TEST Quận 1", "0301234567", "Hồ Chí Minh")


def unsigned_document(*, compact: bool = False) -> bytes:
    inner = (
        '<?xml version="1.0" encoding="utf-8"?>'
        "<TONG_HOP><MA_LK>LK0001</MA_LK><T_TONGCHI>1</T_TONGCHI></TONG_HOP>"
    )
    b64 = base64.b64encode(inner.encode()).decode()
    nl = "" if compact else "\n"
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<GIAMDINHHS xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xmlns:xsd="http://www.w3.org/2001/XMLSchema">'
        f"{nl}<THONGTINDONVI><MACSKCB>79001</MACSKCB></THONGTINDONVI>"
        f"{nl}<THONGTINHOSO><NGAYLAP>20261114</NGAYLAP><SOLUONGHOSO>1</SOLUONGHOSO>"
        f"{nl}  <DANHSACHHOSO><HOSO><FILEHOSO><LOAIHOSO>XML1</LOAIHOSO><NOIDUNGFILE>{b64}</NOIDUNGFILE>"
        f"</FILEHOSO></HOSO></DANHSACHHOSO>{nl}</THONGTINHOSO>{nl}<CHUKYDONVI/>{nl}</GIAMDINHHS>"
    ).encode()


PARSER_ARGS = dict(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


class QD130Verifier(XMLVerifier):
    """signxml as SIGNATURE.md §6 configures it (inline, independent of pipelines.decide.signature)."""

    excise_empty_xmlns_declarations = True

    def validate_schema(self, signature):
        stripped = copy.deepcopy(signature)
        stripped.attrib.pop("Id", None)
        return super().validate_schema(stripped)


@pytest.fixture(scope="module")
def pki() -> TestPKI:
    return TestPKI.build([FACILITY], seed=SEED)


@pytest.fixture(scope="module")
def ca_pem(pki: TestPKI, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    path.write_text(pki.root.cert_pem + pki.intermediate.cert_pem, encoding="ascii")
    return path


def signxml_verify(path: Path, ca_pem: Path, *, sha1: bool = False):
    config = SignatureConfiguration(
        location="./CHUKYDONVI/",
        expect_references=1,
        signature_methods=frozenset({SignatureMethod.RSA_SHA1 if sha1 else SignatureMethod.RSA_SHA256}),
        digest_algorithms=frozenset({DigestAlgorithm.SHA1 if sha1 else DigestAlgorithm.SHA256}),
        verification_time=VERIFY_AT,
    )
    return QD130Verifier().verify(
        path.read_bytes(),
        ca_pem_file=str(ca_pem),
        expect_config=config,
        parser=etree.XMLParser(**PARSER_ARGS),
    )


def hand_verify(data: bytes, leaf: x509.Certificate, *, sha1: bool = False) -> etree._Element:
    """Recompute the enveloped digest and check the RSA signature without signxml."""
    root = etree.fromstring(data, parser=etree.XMLParser(**PARSER_ARGS))
    signature = root.find("CHUKYDONVI/ds:Signature", NS)
    assert signature is not None
    signed_info = signature.find("ds:SignedInfo", NS)
    # SignatureValue over C14N 1.0 of SignedInfo in document context (inherits xmlns:xsi/xsd); the
    # replace emulates a conforming C14N for default-namespace signatures (lxml adds xmlns="").
    si_c14n = etree.tostring(signed_info, method="c14n", exclusive=False, with_comments=False)
    si_c14n = si_c14n.replace(b' xmlns=""', b"")
    assert b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"' in si_c14n
    raw_sig = base64.b64decode(signature.findtext("ds:SignatureValue", namespaces=NS))
    algorithm = hashes.SHA1() if sha1 else hashes.SHA256()
    leaf.public_key().verify(raw_sig, si_c14n, padding.PKCS1v15(), algorithm)
    # Enveloped transform: the document without the Signature, C14N 1.0 without comments.
    doc = copy.deepcopy(root)
    sig_copy = doc.find("CHUKYDONVI/ds:Signature", NS)
    assert sig_copy.tail is None
    sig_copy.getparent().remove(sig_copy)
    digest = (hashlib.sha1 if sha1 else hashlib.sha256)(
        etree.tostring(doc, method="c14n", exclusive=False, with_comments=False)
    ).digest()
    expected = base64.b64decode(signed_info.findtext("ds:Reference/ds:DigestValue", namespaces=NS))
    assert digest == expected
    return signature


def guid_starting_with(kind: str) -> str:
    rng = random.Random(f"guid-{kind}")
    while True:
        guid = dotnet_guid(rng)
        if guid[0].isdigit() == (kind == "digit"):
            return guid


@pytest.mark.parametrize("c14n_transform", [False, True])
@pytest.mark.parametrize("kind", ["digit", "letter"])
def test_dotnet_shape_verifies_with_signxml_and_by_hand(
    pki: TestPKI, ca_pem: Path, tmp_path: Path, kind: str, c14n_transform: bool
) -> None:
    leaf = pki.facility["79001"]
    guid = guid_starting_with(kind)
    unsigned = unsigned_document()
    signed = sign_dotnet(unsigned, leaf, signature_id=guid, c14n_transform=c14n_transform)
    path = tmp_path / "dotnet.xml"
    path.write_bytes(signed)

    result = signxml_verify(path, ca_pem)
    assert result.signed_xml.findtext("THONGTINDONVI/MACSKCB") == "79001"
    assert result.signature_key == leaf.cert.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )

    signature = hand_verify(path.read_bytes(), leaf.cert)
    assert signature.get("Id") == guid
    assert signature.prefix is None  # unprefixed default namespace, like .NET SignedXml
    transforms = [t.get("Algorithm") for t in signature.iterfind(".//ds:Transform", NS)]
    expected = [DS + "enveloped-signature"]
    if c14n_transform:
        expected.append("http://www.w3.org/TR/2001/REC-xml-c14n-20010315")
    assert transforms == expected
    subject_name = signature.findtext("ds:KeyInfo/ds:X509Data/ds:X509SubjectName", namespaces=NS)
    assert "OID.0.9.2342.19200300.100.1.1=MST:0301234567" in subject_name
    assert "CN=Bệnh viện Đa khoa TEST Quận 1" in subject_name and "S=Hồ Chí Minh" in subject_name
    assert len(signature.findall("ds:KeyInfo/ds:X509Data/ds:X509Certificate", NS)) == 1  # leaf only

    # compact signature, the rest of the input kept byte for byte
    sig_bytes = re.search(rb"<Signature .*</Signature>", signed, re.S).group(0)
    assert not re.search(rb">\s+<", sig_bytes)
    assert signed.startswith(b'<?xml version="1.0" encoding="utf-8"?>\n<GIAMDINHHS ')
    assert signed.replace(b"<CHUKYDONVI>" + sig_bytes + b"</CHUKYDONVI>", b"<CHUKYDONVI/>") == unsigned


@pytest.mark.parametrize("c14n_transform", [False, True])
@pytest.mark.parametrize("with_chain", [False, True])
def test_signxml_shape_verifies_with_signxml_and_by_hand(
    pki: TestPKI, ca_pem: Path, tmp_path: Path, c14n_transform: bool, with_chain: bool
) -> None:
    leaf = pki.facility["79001"]
    chain = [pki.intermediate.cert] if with_chain else []
    unsigned = unsigned_document()
    signed = sign_signxml(unsigned, leaf, chain=chain, c14n_transform=c14n_transform)
    path = tmp_path / "ds.xml"
    path.write_bytes(signed)

    result = signxml_verify(path, ca_pem)
    assert result.signed_xml.findtext("THONGTINDONVI/MACSKCB") == "79001"
    signature = hand_verify(path.read_bytes(), leaf.cert)
    assert signature.prefix == "ds"
    assert signature.get("Id") is None  # the placeholder Id is removed
    certs = signature.findall("ds:KeyInfo/ds:X509Data/ds:X509Certificate", NS)
    assert len(certs) == 1 + len(chain)
    assert signed.startswith(b'<?xml version="1.0" encoding="utf-8"?>\n<GIAMDINHHS ')
    body = re.sub(rb"<CHUKYDONVI>.*</CHUKYDONVI>", b"<CHUKYDONVI/>", signed, flags=re.S)
    assert body == unsigned


@pytest.mark.parametrize("shape", ["signxml", "dotnet"])
def test_sha1_variants(pki: TestPKI, ca_pem: Path, tmp_path: Path, shape: str) -> None:
    leaf = pki.facility["79001"]
    if shape == "signxml":
        signed = sign_signxml(unsigned_document(), leaf, sha1=True)
    else:
        signed = sign_dotnet(unsigned_document(), leaf, signature_id=guid_starting_with("digit"), sha1=True)
    path = tmp_path / "sha1.xml"
    path.write_bytes(signed)
    assert b"rsa-sha1" in signed
    signxml_verify(path, ca_pem, sha1=True)
    hand_verify(signed, leaf.cert, sha1=True)
    with pytest.raises(Exception, match="forbidden by configuration"):
        signxml_verify(path, ca_pem, sha1=False)


def test_compact_document_stays_compact(pki: TestPKI, tmp_path: Path, ca_pem: Path) -> None:
    unsigned = unsigned_document(compact=True)
    signed = sign_dotnet(unsigned, pki.facility["79001"], signature_id=guid_starting_with("letter"))
    body = signed.split(b"\n", 1)[1]
    assert b"\n" not in body
    path = tmp_path / "compact.xml"
    path.write_bytes(signed)
    signxml_verify(path, ca_pem)


def test_signing_is_deterministic(pki: TestPKI) -> None:
    leaf = pki.facility["79001"]
    assert sign_signxml(unsigned_document(), leaf) == sign_signxml(unsigned_document(), leaf)
    guid = guid_starting_with("digit")
    assert sign_dotnet(unsigned_document(), leaf, signature_id=guid) == sign_dotnet(
        unsigned_document(), leaf, signature_id=guid
    )


def test_dotnet_guid_shape_and_digit_share() -> None:
    rng = random.Random(4750)
    guids = [dotnet_guid(rng) for _ in range(4000)]
    pattern = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
    assert all(pattern.match(g) for g in guids)
    share = sum(g[0].isdigit() for g in guids) / len(guids)
    assert 0.58 < share < 0.67  # ~62.5 % are not valid xs:ID values
    assert dotnet_guid(random.Random(1)) == dotnet_guid(random.Random(1))


def test_signer_refuses_a_non_empty_chukydonvi(pki: TestPKI) -> None:
    signed = sign_signxml(unsigned_document(), pki.facility["79001"])
    with pytest.raises(ValueError, match="CHUKYDONVI"):
        sign_dotnet(signed, pki.facility["79001"], signature_id="x")


# -- every shape of the hand-rolled signer, cross-checked by signxml (an independent verifier) -----------

MORE = "http://www.w3.org/2001/04/xmldsig-more#"
EXC = "http://www.w3.org/2001/10/xml-exc-c14n#"
SHAPES = {
    "dotnet_intermediate_then_leaf": (SignatureShape(x509=("chain", "certificate")), "rsa"),
    "ds_leaf_then_intermediate": (SignatureShape(prefix="ds", x509=("certificate", "chain")), "rsa"),
    "keyvalue_beside_x509data": (SignatureShape(key_value=True), "rsa"),
    "exclusive_c14n": (SignatureShape(prefix="ds", c14n=EXC, transform=EXC), "rsa"),
    "exclusive_c14n_inclusive_prefixes": (
        SignatureShape(
            prefix="ds", c14n=EXC, c14n_prefixes=("xsi",), transform=EXC, transform_prefixes=("xsd",)
        ),
        "rsa",
    ),
    "exclusive_with_comments": (
        SignatureShape(c14n=EXC + "WithComments", transform=EXC + "WithComments"),
        "rsa",
    ),
    "c14n_1_1": (SignatureShape(c14n="http://www.w3.org/2006/12/xml-c14n11"), "rsa"),
    "rsa_sha384": (
        SignatureShape(signature_method=MORE + "rsa-sha384", digest_method=MORE + "sha384"),
        "rsa",
    ),
    "rsa_sha512": (
        SignatureShape(
            signature_method=MORE + "rsa-sha512", digest_method="http://www.w3.org/2001/04/xmlenc#sha512"
        ),
        "rsa",
    ),
    "rsa_pss": (
        SignatureShape(signature_method="http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1"),
        "rsa",
    ),
    "ecdsa_p256": (SignatureShape(prefix="ds", signature_method=MORE + "ecdsa-sha256"), "P-256"),
    "ecdsa_p384_keyvalue": (
        SignatureShape(signature_method=MORE + "ecdsa-sha384", digest_method=MORE + "sha384", key_value=True),
        "P-384",
    ),
    "signing_time_tt78": (SignatureShape(signature_id="sig", signing_time="2026-11-14T16:05:09"), "rsa"),
    "signing_time_bksoft": (
        SignatureShape(signing_time="2026-11-14T16:05:09", signing_time_style="bksoft"),
        "rsa",
    ),
    "java_line_breaks": (
        SignatureShape(
            prefix="ds", c14n=EXC, transform=EXC, java_line_breaks=True, signing_time="2026-11-14"
        ),
        "rsa",
    ),
}


@pytest.mark.parametrize("name", list(SHAPES))
def test_hand_rolled_shapes_verify_with_signxml(pki: TestPKI, ca_pem: Path, name: str) -> None:
    shape, key = SHAPES[name]
    signer = pki.facility["79001"] if key == "rsa" else pki.ec_leaf("79001", key)
    signed = sign(unsigned_document(), signer, shape, chain=[pki.intermediate.cert])
    references = 2 if shape.signing_time else 1
    config = SignatureConfiguration(
        location="./CHUKYDONVI/",
        expect_references=references,
        signature_methods=frozenset(m for m in SignatureMethod if "SHA1" not in m.name),
        digest_algorithms=frozenset(d for d in DigestAlgorithm if "SHA1" not in d.name),
        verification_time=VERIFY_AT,
    )
    result = QD130Verifier().verify(
        signed,
        ca_pem_file=str(ca_pem),
        # signxml, like the old verifier, takes X509Data's first certificate as the signer (the
        # intermediate here): pin the leaf to check the signature itself
        x509_cert=signer.cert if shape.x509[0] == "chain" else None,
        expect_config=config,
        parser=etree.XMLParser(**PARSER_ARGS),
        # signxml's schema lacks ec:InclusiveNamespaces, and the XMLDSig schema wants a SignatureProperty's
        # content in another namespace, while TT 78 signers write SigningTime in the ds namespace
        validate_schema=not (
            shape.c14n_prefixes or (shape.signing_time and shape.signing_time_style == "tt78")
        ),
    )
    whole = result if references == 1 else result[0]
    assert whole.signed_xml.findtext("THONGTINDONVI/MACSKCB") == "79001"
    assert whole.signature_key == signer.cert.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    # and the document outside the signature is byte for byte the input
    body = re.sub(rb"<CHUKYDONVI>.*</CHUKYDONVI>", b"<CHUKYDONVI/>", signed, flags=re.S)
    assert body == unsigned_document()


def test_dotnet_shape_is_unchanged_by_the_generalised_signer(pki: TestPKI) -> None:
    """sign_dotnet is sign() with the .NET shape: the committed sample stays byte-identical."""
    guid = guid_starting_with("digit")
    shape = SignatureShape(signature_id=guid, x509=("subject_name", "certificate"))
    leaf = pki.facility["79001"]
    assert sign(unsigned_document(), leaf, shape) == sign_dotnet(unsigned_document(), leaf, signature_id=guid)
