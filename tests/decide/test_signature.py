"""The signature stage against real signatures from the test PKI: one test per outcome code."""

from __future__ import annotations

import base64
import copy
import dataclasses
import functools
import random
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import dsa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from support.fuzzing import examples

from pipelines.decide.signature import (
    C14N10,
    C14N10_COMMENTS,
    C14N11,
    C14N11_COMMENTS,
    EXC_C14N,
    EXC_C14N_COMMENTS,
    SignatureOutcome,
    SignaturePolicy,
    TrustStore,
    algorithms,
    verify_envelope,
)
from pipelines.generate.pki import FacilityIdentity, TestPKI
from pipelines.generate.signing import SignatureShape, dotnet_guid, sign, sign_dotnet, sign_signxml

SEED = 1302024
RECEIVED = datetime(2026, 11, 15, 2, 30, tzinfo=UTC)
FACILITIES = [
    FacilityIdentity("79001", "Bệnh viện Đa khoa TEST Quận 1", "0301234567", "Hồ Chí Minh"),
    FacilityIdentity("01002", "Bệnh viện TEST Hoàn Kiếm", "0100987654", "Hà Nội"),
    FacilityIdentity("48003", "Trung tâm Y tế TEST Hải Châu", "0400112233", "Đà Nẵng"),
]
ALL_CODES = {
    None,
    "SIG.UNSIGNED",
    "SIG.STRUCTURE",
    "SIG.ALGORITHM",
    "SIG.INVALID",
    "SIG.REFORMATTED",
    "SIG.UNTRUSTED",
    "SIG.EXPIRED",
    "SIG.REVOKED",
    "SIG.NOT_BOUND",
}


def envelope(macskcb: str = "79001", *, compact: bool = False, slot: str = "<CHUKYDONVI/>") -> bytes:
    """A small unsigned GIAMDINHHS (synthetic content, no real person)."""
    inner = (
        '<?xml version="1.0" encoding="utf-8"?><TONG_HOP><MA_LK>LK0001</MA_LK>'
        "<HO_TEN>NGUYEN VAN TEST</HO_TEN><T_TONGCHI>150000</T_TONGCHI></TONG_HOP>"
    )
    b64 = base64.b64encode(inner.encode("utf-8")).decode("ascii")
    nl, sp = ("", "") if compact else ("\n", " ")
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<GIAMDINHHS xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xmlns:xsd="http://www.w3.org/2001/XMLSchema">'
        f"{nl}<THONGTINDONVI><MACSKCB>{macskcb}</MACSKCB></THONGTINDONVI>"
        f"{nl}<THONGTINHOSO><NGAYLAP>20261114</NGAYLAP><SOLUONGHOSO>1</SOLUONGHOSO>"
        f"{nl}{sp}<DANHSACHHOSO><HOSO><FILEHOSO><LOAIHOSO>XML1</LOAIHOSO>"
        f"<NOIDUNGFILE>{b64}</NOIDUNGFILE></FILEHOSO></HOSO></DANHSACHHOSO>"
        f"{nl}</THONGTINHOSO>"
        f"{nl}{slot}"
        f"{nl}</GIAMDINHHS>"
    ).encode()


@pytest.fixture(scope="session")
def pki() -> TestPKI:
    return TestPKI.build(FACILITIES, seed=SEED)


@pytest.fixture(scope="session")
def trust_dir(pki: TestPKI, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("trust")
    pki.write_trust_dir(path)
    return path


@pytest.fixture(scope="session")
def trust(trust_dir: Path) -> TrustStore:
    return TrustStore.load(trust_dir)


def variant_trust(
    trust_dir: Path, tmp_path: Path, *, csv_text: str | None = None, crl: bytes | None = None
) -> TrustStore:
    """A copy of the trust directory with facilities.csv and/or the CRL replaced."""
    target = tmp_path / "trust"
    shutil.copytree(trust_dir, target)
    if csv_text is not None:
        (target / "facilities.csv").write_text(csv_text, encoding="utf-8")
    if crl is not None:
        (target / "crl" / "intermediate.crl").write_bytes(crl)
    return TrustStore.load(target)


def check(raw: bytes, trust: TrustStore, code: str | None, **kwargs: object) -> SignatureOutcome:
    outcome = verify_envelope(raw, trust, received_at=kwargs.pop("received_at", RECEIVED), **kwargs)  # type: ignore[arg-type]
    assert outcome.code == code, (outcome.code, outcome.status, outcome.detail)
    if code is None:
        assert outcome.status in ("valid", "valid_legacy_sha1")
        assert outcome.signed_root is not None
    else:
        assert outcome.signed_root is None
    return outcome


def guid_starting_with(kind: str) -> str:
    rng = random.Random(kind)
    while True:
        guid = dotnet_guid(rng)
        if guid[0].isdigit() == (kind == "digit"):
            return guid


# -- valid ------------------------------------------------------------------------------------


def test_valid_signxml_ds_prefix(pki: TestPKI, trust: TrustStore) -> None:
    leaf = pki.facility["79001"]
    out = check(sign_signxml(envelope(), leaf), trust, None)
    assert out.status == "valid"
    assert out.revocation == "good"
    assert out.algorithm == "rsa-sha256/sha256"
    assert out.signer_sha256 == leaf.sha256_hex
    assert "UID=MST:0301234567" in (out.signer_subject or "")
    assert out.signed_root.findtext("THONGTINDONVI/MACSKCB") == "79001"
    assert out.signed_root.find("CHUKYDONVI") is not None
    assert len(out.signed_root.find("CHUKYDONVI")) == 0  # the signature is not part of the signed data


@pytest.mark.parametrize("kind", ["digit", "letter"])
@pytest.mark.parametrize("c14n_transform", [False, True])
def test_valid_dotnet_shape(pki: TestPKI, trust: TrustStore, kind: str, c14n_transform: bool) -> None:
    signed = sign_dotnet(
        envelope(),
        pki.facility["79001"],
        signature_id=guid_starting_with(kind),
        c14n_transform=c14n_transform,
    )
    assert b'<Signature xmlns="http://www.w3.org/2000/09/xmldsig#"' in signed
    out = check(signed, trust, None)
    assert out.signer_sha256 == pki.facility["79001"].sha256_hex


def test_valid_with_embedded_chain_and_c14n_transform(pki: TestPKI, trust: TrustStore) -> None:
    signed = sign_signxml(
        envelope(), pki.facility["79001"], chain=[pki.intermediate.cert], c14n_transform=True
    )
    out = check(signed, trust, None)
    assert out.signer_sha256 == pki.facility["79001"].sha256_hex


def test_valid_via_legacy_aki_intermediate(pki: TestPKI, trust: TrustStore) -> None:
    # The leaf's CA has the VNPT-style AKI (keyid + issuer + serial) and comes from intermediates.pem.
    leaf = pki.legacy_leaf("01002")
    out = check(sign_dotnet(envelope("01002"), leaf, signature_id=guid_starting_with("digit")), trust, None)
    assert out.revocation == "unchecked"  # no CRL for the legacy CA in the trust dir


def test_comment_injected_after_signing_reads_signed_data(pki: TestPKI, trust: TrustStore) -> None:
    signed = sign_signxml(envelope(), pki.facility["79001"])
    injected = signed.replace(b"<MACSKCB>79001</MACSKCB>", b"<MACSKCB>79<!---->001</MACSKCB>")
    assert injected != signed
    naive = etree.fromstring(injected).findtext("THONGTINDONVI/MACSKCB")
    assert naive == "79"  # what a naive reader of the raw tree would see
    out = check(injected, trust, None)
    assert out.signed_root.findtext("THONGTINDONVI/MACSKCB") == "79001"


def test_expired_certificate_was_valid_at_an_earlier_receipt(pki: TestPKI, trust: TrustStore) -> None:
    signed = sign_signxml(envelope(), pki.expired("79001"))
    check(signed, trust, None, received_at=datetime(2021, 6, 1, tzinfo=UTC))


def test_revoked_certificate_before_its_revocation_date_is_valid(pki: TestPKI, trust: TrustStore) -> None:
    signed = sign_signxml(envelope(), pki.revoked("79001"))
    out = check(signed, trust, None, received_at=datetime(2025, 1, 1, tzinfo=UTC))
    assert out.revocation == "good"


# -- binding ----------------------------------------------------------------------------------


def test_not_bound_other_facility_certificate(pki: TestPKI, trust: TrustStore) -> None:
    # A perfectly valid signature by facility 01002 over data that claims to be from 79001.
    out = check(sign_signxml(envelope("79001"), pki.facility["01002"]), trust, "SIG.NOT_BOUND")
    assert out.status == "not_bound"
    assert out.signer_sha256 == pki.facility["01002"].sha256_hex


def test_binding_by_cert_sha256_only(pki: TestPKI, trust_dir: Path, tmp_path: Path) -> None:
    leaf = pki.facility["79001"]
    csv_text = f"macskcb,name,tax_code,cert_sha256\n79001,Bệnh viện Đa khoa TEST Quận 1,,{leaf.sha256_hex}\n"
    only_hash = variant_trust(trust_dir, tmp_path, csv_text=csv_text)
    check(sign_signxml(envelope(), leaf), only_hash, None)
    # the same registry does not bind another certificate with the same tax code
    check(sign_signxml(envelope(), pki.legacy_leaf("79001")), only_hash, "SIG.NOT_BOUND")


def test_binding_wrong_tax_code_and_no_hash(pki: TestPKI, trust_dir: Path, tmp_path: Path) -> None:
    csv_text = "macskcb,name,tax_code,cert_sha256\n79001,Bệnh viện Đa khoa TEST Quận 1,0309999999,\n"
    wrong = variant_trust(trust_dir, tmp_path, csv_text=csv_text)
    check(sign_signxml(envelope(), pki.facility["79001"]), wrong, "SIG.NOT_BOUND")


# -- certificate problems ---------------------------------------------------------------------


@pytest.mark.parametrize("embed_chain", [False, True])
def test_expired(pki: TestPKI, trust: TrustStore, embed_chain: bool) -> None:
    chain = [pki.intermediate.cert] if embed_chain else []
    out = check(sign_signxml(envelope(), pki.expired("79001"), chain=chain), trust, "SIG.EXPIRED")
    assert out.status == "expired"
    assert out.signer_sha256 == pki.expired("79001").sha256_hex


def test_untrusted_rogue_root(pki: TestPKI, trust: TrustStore) -> None:
    out = check(sign_signxml(envelope(), pki.untrusted("79001")), trust, "SIG.UNTRUSTED")
    assert out.status == "untrusted"


@pytest.mark.parametrize("embed_chain", [False, True])
def test_untrusted_without_digital_signature(pki: TestPKI, trust: TrustStore, embed_chain: bool) -> None:
    # With the intermediate embedded, signxml's reversed-order retry would have produced INVALID.
    chain = [pki.intermediate.cert] if embed_chain else []
    check(sign_signxml(envelope(), pki.no_digital_signature("79001"), chain=chain), trust, "SIG.UNTRUSTED")


def test_revoked(pki: TestPKI, trust: TrustStore) -> None:
    out = check(sign_signxml(envelope(), pki.revoked("79001")), trust, "SIG.REVOKED")
    assert out.revocation == "revoked"
    assert out.status == "revoked"


def _crl(pki: TestPKI, *, next_update: datetime, key_of: str = "intermediate") -> bytes:
    signing_key = pki.intermediate.key if key_of == "intermediate" else pki.root.key
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(pki.intermediate.cert.subject)
        .last_update(datetime(2025, 1, 1, tzinfo=UTC))
        .next_update(next_update)
    )
    for serial in pki.revoked_serials():
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(serial)
            .revocation_date(datetime(2025, 6, 1, tzinfo=UTC))
            .build()
        )
    return builder.sign(signing_key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM)


def test_stale_crl_gives_unknown_not_good(pki: TestPKI, trust_dir: Path, tmp_path: Path) -> None:
    stale = variant_trust(trust_dir, tmp_path, crl=_crl(pki, next_update=datetime(2026, 1, 1, tzinfo=UTC)))
    out = check(sign_signxml(envelope(), pki.facility["79001"]), stale, None)
    assert out.revocation == "unknown"
    # a revocation listed in an authentic (if stale) CRL still counts
    check(sign_signxml(envelope(), pki.revoked("79001")), stale, "SIG.REVOKED")


def test_crl_not_signed_by_issuer_is_ignored(pki: TestPKI, trust_dir: Path, tmp_path: Path) -> None:
    forged = variant_trust(
        trust_dir, tmp_path, crl=_crl(pki, next_update=datetime(2045, 1, 1, tzinfo=UTC), key_of="root")
    )
    out = check(sign_signxml(envelope(), pki.revoked("79001")), forged, None)
    assert out.revocation == "unknown"


# -- algorithms -------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", ["signxml", "dotnet"])
def test_sha1_rejected_by_default_and_legacy_with_policy(pki: TestPKI, trust: TrustStore, shape: str) -> None:
    leaf = pki.facility["79001"]
    if shape == "signxml":
        signed = sign_signxml(envelope(), leaf, sha1=True)
    else:
        signed = sign_dotnet(envelope(), leaf, signature_id=guid_starting_with("digit"), sha1=True)
    out = check(signed, trust, "SIG.ALGORITHM")
    assert out.algorithm == "rsa-sha1/sha1"
    late = SignaturePolicy(allow_sha1_before=datetime(2026, 1, 1, tzinfo=UTC))
    check(signed, trust, "SIG.ALGORITHM", policy=late)
    allowed = SignaturePolicy(allow_sha1_before=datetime(2027, 1, 1, tzinfo=UTC))
    out = check(signed, trust, None, policy=allowed)
    assert out.status == "valid_legacy_sha1"


def test_unknown_signature_algorithm(pki: TestPKI, trust: TrustStore) -> None:
    signed = sign_signxml(envelope(), pki.facility["79001"])
    other = signed.replace(
        b"http://www.w3.org/2001/04/xmldsig-more#rsa-sha256", b"urn:example:vendor-rsa-sha256"
    )
    out = check(other, trust, "SIG.ALGORITHM")
    assert "urn:example:vendor-rsa-sha256" in out.detail and "allowed: rsa-sha256" in out.detail


# -- integrity --------------------------------------------------------------------------------


def test_tampered_base64_payload(pki: TestPKI, trust: TrustStore) -> None:
    signed = sign_dotnet(envelope(), pki.facility["79001"], signature_id=guid_starting_with("digit"))
    start = signed.index(b"<NOIDUNGFILE>") + len(b"<NOIDUNGFILE>") + 10
    flipped = b"B" if signed[start : start + 1] != b"B" else b"C"
    tampered = signed[:start] + flipped + signed[start + 1 :]
    out = check(tampered, trust, "SIG.INVALID")
    assert out.status == "invalid"


def test_reformatted_after_signing(pki: TestPKI, trust: TrustStore) -> None:
    signed = sign_dotnet(
        envelope(compact=True), pki.facility["79001"], signature_id=guid_starting_with("digit")
    )
    check(signed, trust, None)
    root = etree.fromstring(signed)
    etree.indent(root)
    reindented = b'<?xml version="1.0" encoding="utf-8"?>\n' + etree.tostring(root, encoding="utf-8")
    out = check(reindented, trust, "SIG.REFORMATTED")
    assert out.status == "reformatted"


def test_reindented_non_compact_file_is_invalid(pki: TestPKI, trust: TrustStore) -> None:
    # Signed with whitespace between elements: stripping blanks does not restore it either.
    signed = sign_signxml(envelope(), pki.facility["79001"])
    root = etree.fromstring(signed)
    etree.indent(root)
    check(etree.tostring(root, encoding="utf-8"), trust, "SIG.INVALID")


# -- unsigned and structure -------------------------------------------------------------------


def test_unsigned_empty_chukydonvi(trust: TrustStore) -> None:
    out = check(envelope(), trust, "SIG.UNSIGNED")
    assert out.status == "unsigned"


def test_unsigned_no_chukydonvi(trust: TrustStore) -> None:
    check(envelope(slot=""), trust, "SIG.UNSIGNED")


def test_structure_two_chukydonvi(pki: TestPKI, trust: TrustStore) -> None:
    signed = sign_signxml(envelope(), pki.facility["79001"])
    doubled = signed.replace(b"<THONGTINHOSO>", b"<CHUKYDONVI/><THONGTINHOSO>", 1)
    out = check(doubled, trust, "SIG.STRUCTURE")
    assert out.status == "structure"


def test_structure_extra_signature_elsewhere(pki: TestPKI, trust: TrustStore) -> None:
    signed = sign_signxml(envelope(), pki.facility["79001"])
    root = etree.fromstring(signed)
    sig = root.find("CHUKYDONVI")[0]
    root.find("THONGTINDONVI").append(copy.deepcopy(sig))
    check(etree.tostring(root, encoding="utf-8"), trust, "SIG.STRUCTURE")


def test_structure_signature_outside_chukydonvi(pki: TestPKI, trust: TrustStore) -> None:
    signed = sign_signxml(envelope(), pki.facility["79001"])
    root = etree.fromstring(signed)
    slot = root.find("CHUKYDONVI")
    root.find("THONGTINDONVI").append(slot[0])
    check(etree.tostring(root, encoding="utf-8"), trust, "SIG.STRUCTURE")


def test_structure_reference_uri_not_empty(pki: TestPKI, trust: TrustStore) -> None:
    signed = sign_signxml(envelope(), pki.facility["79001"])
    check(signed.replace(b'URI=""', b'URI="#x"'), trust, "SIG.STRUCTURE")


def test_structure_unexpected_transform(pki: TestPKI, trust: TrustStore) -> None:
    # An XPath filter (evaluated by the verifier) instead of the canonicalization: never run, STRUCTURE.
    signed = sign_signxml(envelope(), pki.facility["79001"], c14n_transform=True)
    changed = signed.replace(
        b'<ds:Transform Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"/>',
        b'<ds:Transform Algorithm="http://www.w3.org/TR/1999/REC-xpath-19991116">'
        b"<ds:XPath>not(ancestor-or-self::ds:Signature)</ds:XPath></ds:Transform>",
    )
    assert changed != signed
    check(changed, trust, "SIG.STRUCTURE")


def test_structure_wrong_root(pki: TestPKI, trust: TrustStore) -> None:
    signed = sign_signxml(envelope(), pki.facility["79001"])
    check(signed.replace(b"GIAMDINHHS", b"HOSO_KHAC"), trust, "SIG.STRUCTURE")


def test_structure_doctype(trust: TrustStore) -> None:
    raw = (
        b'<?xml version="1.0"?><!DOCTYPE GIAMDINHHS [<!ENTITY x "y">]>'
        b"<GIAMDINHHS>&x;<CHUKYDONVI/></GIAMDINHHS>"
    )
    check(raw, trust, "SIG.STRUCTURE")


@pytest.mark.parametrize("raw", [b"", b"\x00\xff garbage", b"<GIAMDINHHS>", "not bytes"])
def test_garbage_never_raises(trust: TrustStore, raw: object) -> None:
    out = verify_envelope(raw, trust, received_at=RECEIVED)  # type: ignore[arg-type]
    assert out.code == "SIG.STRUCTURE"


@settings(
    max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_mutated_files_never_raise(pki: TestPKI, trust: TrustStore, data: st.DataObject) -> None:
    signed = sign_dotnet(
        envelope(), pki.facility["79001"], signature_id="3f2504e0-4f89-41d3-9a0c-0305e82c3301"
    )
    pos = data.draw(st.integers(0, len(signed) - 1))
    junk = data.draw(st.binary(min_size=0, max_size=3))
    out = verify_envelope(signed[:pos] + junk + signed[pos + 1 :], trust, received_at=RECEIVED)
    assert out.code in ALL_CODES
    assert out.status


# -- trust directory --------------------------------------------------------------------------


def test_trust_store_errors_name_the_file(trust_dir: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(trust_dir, broken)
    (broken / "roots.pem").unlink()
    with pytest.raises(ValueError, match="roots.pem"):
        TrustStore.load(broken)
    shutil.copy(trust_dir / "roots.pem", broken / "roots.pem")
    (broken / "facilities.csv").write_text("code,name\n79001,x\n", encoding="utf-8")
    with pytest.raises(ValueError, match="facilities.csv"):
        TrustStore.load(broken)
    (broken / "facilities.csv").unlink()
    with pytest.raises(ValueError, match="facilities.csv"):
        TrustStore.load(broken)


def test_trust_store_loads_contract(trust: TrustStore, pki: TestPKI) -> None:
    assert [c.subject for c in trust.roots] == [pki.root.cert.subject]
    assert len(trust.intermediates) == 2
    assert {row.macskcb for row in trust.facilities} == {f.macskcb for f in FACILITIES}
    assert len(trust.crls) == 1


def test_stage_module_does_not_import_generator_or_prefect() -> None:
    import subprocess
    import sys

    code = (
        "import sys, pipelines.decide.signature; "
        "bad = [m for m in sys.modules if m.startswith(('pipelines.generate', 'prefect'))]; "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[2])


# -- issue 18: signatures from every real signer (docs/signatures.md) ---------------------------------

MORE = "http://www.w3.org/2001/04/xmldsig-more#"
DS = "http://www.w3.org/2000/09/xmldsig#"
SHA384, SHA512 = MORE + "sha384", "http://www.w3.org/2001/04/xmlenc#sha512"


def amount_tampered(signed: bytes) -> bytes:
    """T_TONGCHI 150000 -> 990000 inside the signed base64 payload of XML1 (same length)."""
    start = signed.index(b"<NOIDUNGFILE>") + len(b"<NOIDUNGFILE>")
    end = signed.index(b"</NOIDUNGFILE>")
    inner = base64.b64decode(signed[start:end])
    assert b"<T_TONGCHI>150000</T_TONGCHI>" in inner
    forged = base64.b64encode(inner.replace(b"150000", b"990000"))
    return signed[:start] + forged + signed[end:]


def issue_row(name: str, pki: TestPKI) -> tuple[SignatureShape, list[x509.Certificate]]:
    """The rows of issue 18, as other signing tools make them."""
    inter = [pki.intermediate.cert]
    return {
        "leaf_then_intermediate": (SignatureShape(x509=("certificate", "chain")), inter),
        "intermediate_then_leaf": (SignatureShape(x509=("chain", "certificate")), inter),
        "keyvalue_beside_x509data": (
            SignatureShape(key_value=True, x509=("subject_name", "certificate")),
            [],
        ),
        "exclusive_c14n": (SignatureShape(c14n=EXC_C14N, transform=EXC_C14N), []),
        "c14n_1_1": (SignatureShape(c14n=C14N11, transform=C14N11), []),
        "rsa_sha512": (SignatureShape(signature_method=MORE + "rsa-sha512", digest_method=SHA512), []),
    }[name]


ISSUE_ROWS = [
    "leaf_then_intermediate",
    "intermediate_then_leaf",
    "keyvalue_beside_x509data",
    "exclusive_c14n",
    "c14n_1_1",
    "rsa_sha512",
]


@pytest.mark.parametrize("prefix", [None, "ds"])
@pytest.mark.parametrize("row", ISSUE_ROWS)
def test_issue_rows_are_accepted_with_the_right_signer(
    pki: TestPKI, trust: TrustStore, row: str, prefix: str | None
) -> None:
    shape, chain = issue_row(row, pki)
    leaf = pki.facility["79001"]
    signed = sign(envelope(), leaf, dataclasses.replace(shape, prefix=prefix), chain=chain)
    out = check(signed, trust, None)
    assert out.signer_sha256 == leaf.sha256_hex
    assert "UID=MST:0301234567" in (out.signer_subject or "")
    assert out.signed_root.findtext("THONGTINDONVI/MACSKCB") == "79001"


@pytest.mark.parametrize("row", ISSUE_ROWS)
def test_issue_rows_tampered_amount_is_content_changed_after_signing(
    pki: TestPKI, trust: TrustStore, row: str
) -> None:
    shape, chain = issue_row(row, pki)
    out = check(
        amount_tampered(sign(envelope(), pki.facility["79001"], shape, chain=chain)), trust, "SIG.INVALID"
    )
    assert "content changed after signing" in out.detail and "signed document" in out.detail
    assert out.signer_sha256 == pki.facility["79001"].sha256_hex  # the signature itself is genuine


@pytest.mark.parametrize(
    "c14n", [C14N10, C14N10_COMMENTS, C14N11, C14N11_COMMENTS, EXC_C14N, EXC_C14N_COMMENTS]
)
@pytest.mark.parametrize("where", ["signed_info", "transform", "both"])
def test_every_secure_canonicalization_is_accepted(
    pki: TestPKI, trust: TrustStore, c14n: str, where: str
) -> None:
    shape = SignatureShape(
        prefix="ds",
        c14n=c14n if where != "transform" else C14N10,
        transform=c14n if where != "signed_info" else None,
    )
    check(sign(envelope(), pki.facility["79001"], shape), trust, None)


@pytest.mark.parametrize(
    ("method", "digest", "key"),
    [
        (MORE + "rsa-sha256", SHA384, "rsa"),
        (MORE + "rsa-sha384", SHA384, "rsa"),
        (MORE + "rsa-sha512", SHA512, "rsa"),
        ("http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1", SHA512, "rsa"),
        (MORE + "ecdsa-sha256", "http://www.w3.org/2001/04/xmlenc#sha256", "P-256"),
        (MORE + "ecdsa-sha384", SHA384, "P-384"),
        (MORE + "ecdsa-sha512", SHA512, "P-256"),
    ],
)
def test_rsa_and_ecdsa_with_sha2_are_accepted(
    pki: TestPKI, trust: TrustStore, method: str, digest: str, key: str
) -> None:
    signer = pki.facility["79001"] if key == "rsa" else pki.ec_leaf("79001", key)
    out = check(
        sign(envelope(), signer, SignatureShape(signature_method=method, digest_method=digest)), trust, None
    )
    assert out.signer_sha256 == signer.sha256_hex
    assert out.algorithm == f"{algorithms().signature[method].name}/{algorithms().digest[digest].name}"


def test_ecdsa_keyvalue_beside_x509data_is_accepted(pki: TestPKI, trust: TrustStore) -> None:
    signer = pki.ec_leaf("79001", "P-384")
    shape = SignatureShape(signature_method=MORE + "ecdsa-sha384", digest_method=SHA384, key_value=True)
    check(sign(envelope(), signer, shape), trust, None)


# The signing certificate named, not embedded: found among the facility's registered certificates.

REGISTERED_SHAPES = {
    "issuer_serial_dotnet": SignatureShape(x509=("issuer_serial",)),
    "issuer_serial_rfc4514": SignatureShape(
        prefix="ds", x509=("issuer_serial",), subject_name_style="rfc4514"
    ),
    "subject_name_dotnet": SignatureShape(x509=("subject_name",)),
    "subject_name_bkav_forward": SignatureShape(x509=("subject_name",), subject_name_style="forward"),
    "subject_name_rfc4514": SignatureShape(prefix="ds", x509=("subject_name",), subject_name_style="rfc4514"),
    "x509_digest": SignatureShape(prefix="ds", x509=("digest",)),
    "x509_ski": SignatureShape(x509=("ski",)),
    "keyvalue_only": SignatureShape(prefix="ds", x509=(), key_value=True),
    "no_keyinfo": SignatureShape(key_info=False),
}


@pytest.mark.parametrize("name", list(REGISTERED_SHAPES))
def test_signer_named_but_not_embedded_is_found_in_the_trust_directory(
    pki: TestPKI, trust: TrustStore, name: str
) -> None:
    leaf = pki.facility["79001"]
    signed = sign(envelope(), leaf, REGISTERED_SHAPES[name])
    assert b"X509Certificate" not in signed
    out = check(signed, trust, None)
    assert out.signer_sha256 == leaf.sha256_hex
    assert out.revocation == "good"  # chain, validity and CRL checked as for an embedded certificate


@pytest.mark.parametrize("name", ["issuer_serial_dotnet", "subject_name_dotnet", "no_keyinfo"])
def test_signer_named_but_not_registered_is_not_bound(
    pki: TestPKI, trust_dir: Path, tmp_path: Path, name: str
) -> None:
    target = tmp_path / "trust"
    shutil.copytree(trust_dir, target)
    shutil.rmtree(target / "certs")
    out = check(
        sign(envelope(), pki.facility["79001"], REGISTERED_SHAPES[name]),
        TrustStore.load(target),
        "SIG.NOT_BOUND",
    )
    assert "does not embed its certificate" in out.detail and "<trust>/certs/" in out.detail
    assert "content changed" not in out.detail


def test_signer_named_by_issuer_serial_of_another_facility_is_not_bound(
    pki: TestPKI, trust: TrustStore
) -> None:
    # Facility 01002's registered certificate signs data claiming to be 79001's: found, verified, not bound.
    out = check(
        sign(envelope("79001"), pki.facility["01002"], REGISTERED_SHAPES["issuer_serial_dotnet"]),
        trust,
        "SIG.NOT_BOUND",
    )
    assert out.signer_sha256 == pki.facility["01002"].sha256_hex


def test_an_unregistered_certificate_named_by_subject_is_not_bound(pki: TestPKI, trust: TrustStore) -> None:
    # A renewed certificate (same subject) not yet in certs/: the registered one does not verify it.
    out = check(
        sign(envelope(), pki.legacy_leaf("79001"), REGISTERED_SHAPES["subject_name_dotnet"]),
        trust,
        "SIG.NOT_BOUND",
    )
    assert "none of the 1 registered certificates tried verifies it" in out.detail


# Refused algorithms: the receipt names what was found and what is allowed.


#: DSA keys for the refused-algorithm cases, made once and kept (a 2048-bit DSA key takes about a second to
#: make; what they sign is refused for its algorithm, whoever holds them): tests only, never trusted
FIXTURES = Path(__file__).parent / "fixtures"


@functools.cache
def dsa_key(bits: int) -> dsa.DSAPrivateKey:
    key = serialization.load_pem_private_key((FIXTURES / f"dsa-{bits}-refused-signer.pem").read_bytes(), None)
    assert isinstance(key, dsa.DSAPrivateKey) and key.key_size == bits
    return key


REFUSED = {
    "rsa-sha1": (DS + "rsa-sha1", DS + "sha1", "rsa-sha1"),
    "sha1-digest": (MORE + "rsa-sha256", DS + "sha1", "sha1"),
    "rsa-md5": (MORE + "rsa-md5", MORE + "md5", "rsa-md5"),
    "md5-digest": (MORE + "rsa-sha256", MORE + "md5", "md5"),
    "hmac-sha1": (DS + "hmac-sha1", "http://www.w3.org/2001/04/xmlenc#sha256", "hmac-sha1"),
    "hmac-sha256": (MORE + "hmac-sha256", "http://www.w3.org/2001/04/xmlenc#sha256", "hmac-sha256"),
    "dsa-sha1": (DS + "dsa-sha1", DS + "sha1", "dsa-sha1"),
    "dsa-sha256": (
        "http://www.w3.org/2009/xmldsig11#dsa-sha256",
        "http://www.w3.org/2001/04/xmlenc#sha256",
        "dsa-sha256",
    ),
    "rsa-sha224": (MORE + "rsa-sha224", MORE + "sha224", "rsa-sha224"),
}


@pytest.mark.parametrize("name", list(REFUSED))
def test_refused_algorithm_names_what_was_found_and_what_is_allowed(
    pki: TestPKI, trust: TrustStore, name: str
) -> None:
    method, digest, found = REFUSED[name]
    shape = SignatureShape(signature_method=method, digest_method=digest)
    if "hmac" in name:
        signed = sign(
            envelope(), None, dataclasses.replace(shape, key_info=False), hmac_key=b"shared-secret" * 3
        )
    elif "dsa" in name:
        key = dsa_key(1024 if name == "dsa-sha1" else 2048)
        signed = sign(envelope(), None, dataclasses.replace(shape, key_info=False), key=key)
    else:
        signed = sign(envelope(), pki.facility["79001"], shape)
    out = check(signed, trust, "SIG.ALGORITHM")
    assert found in out.detail and found in (out.algorithm or ""), out.detail
    allowed = out.detail.split("allowed: ", 1)[1]
    assert "rsa-sha256" in allowed or allowed == "sha256, sha384, sha512", out.detail


def test_sha1_legacy_policy_still_applies_to_the_new_shapes(pki: TestPKI, trust: TrustStore) -> None:
    shape = SignatureShape(
        prefix="ds",
        c14n=EXC_C14N,
        transform=EXC_C14N,
        x509=("chain", "certificate"),
        signature_method=DS + "rsa-sha1",
        digest_method=DS + "sha1",
    )
    signed = sign(envelope(), pki.facility["79001"], shape, chain=[pki.intermediate.cert])
    check(signed, trust, "SIG.ALGORITHM")
    out = check(
        signed, trust, None, policy=SignaturePolicy(allow_sha1_before=datetime(2027, 1, 1, tzinfo=UTC))
    )
    assert out.status == "valid_legacy_sha1" and out.signer_sha256 == pki.facility["79001"].sha256_hex


def test_unknown_canonicalization_is_refused(pki: TestPKI, trust: TrustStore) -> None:
    signed = sign(envelope(), pki.facility["79001"], SignatureShape())
    changed = signed.replace(
        b'CanonicalizationMethod Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"',
        b'CanonicalizationMethod Algorithm="http://www.w3.org/2010/xml-c14n2"',
    )
    out = check(changed, trust, "SIG.ALGORITHM")
    assert "c14n2" in out.detail and "allowed: c14n, c14n-with-comments, c14n11" in out.detail


def test_rsa_key_below_2048_bits_is_refused(pki: TestPKI, trust: TrustStore) -> None:
    out = check(sign(envelope(), pki.rsa1024("79001"), SignatureShape()), trust, "SIG.ALGORITHM")
    assert "1024 bits" in out.detail and out.signer_sha256 == pki.rsa1024("79001").sha256_hex


# Diagnostics that never accuse falsely, whatever the order of the certificates.


@pytest.mark.parametrize("order", [("certificate", "chain"), ("chain", "certificate")])
@pytest.mark.parametrize("code", ["SIG.EXPIRED", "SIG.REVOKED"])
def test_expired_or_revoked_leaf_whatever_its_place(
    pki: TestPKI, trust: TrustStore, order: tuple[str, ...], code: str
) -> None:
    leaf = pki.expired("79001") if code == "SIG.EXPIRED" else pki.revoked("79001")
    signed = sign(envelope(), leaf, SignatureShape(x509=order), chain=[pki.intermediate.cert])
    out = check(signed, trust, code)
    assert out.signer_sha256 == leaf.sha256_hex
    assert "content changed" not in out.detail


def test_leaf_without_digital_signature_after_its_intermediate_is_untrusted(
    pki: TestPKI, trust: TrustStore
) -> None:
    leaf = pki.no_digital_signature("79001")
    shape = SignatureShape(x509=("chain", "certificate"))
    out = check(sign(envelope(), leaf, shape, chain=[pki.intermediate.cert]), trust, "SIG.UNTRUSTED")
    assert out.signer_sha256 == leaf.sha256_hex


def test_no_certificate_in_the_signature_verifies_it(pki: TestPKI, trust: TrustStore) -> None:
    # Signed by 79001's key, but X509Data carries 01002's certificate and the intermediate.
    shape = SignatureShape(x509=("chain",))
    chain = [pki.facility["01002"].cert, pki.intermediate.cert]
    out = check(sign(envelope(), pki.facility["79001"], shape, chain=chain), trust, "SIG.INVALID")
    assert out.detail == "signature value: no certificate in the signature verifies it (2 offered)"
    assert out.signer_sha256 is None  # nobody is named as the signer


def test_signed_info_changed_after_signing_is_not_called_a_content_change(
    pki: TestPKI, trust: TrustStore
) -> None:
    signed = sign(envelope(), pki.facility["79001"], SignatureShape())
    start = signed.index(b"<DigestValue>") + len(b"<DigestValue>")
    forged = signed[:start] + (b"A" if signed[start : start + 1] != b"A" else b"B") + signed[start + 1 :]
    out = check(forged, trust, "SIG.INVALID")
    assert "no certificate in the signature verifies it" in out.detail
    assert "content changed" not in out.detail


def test_keyvalue_of_another_key_beside_x509data_is_ambiguous(pki: TestPKI, trust: TrustStore) -> None:
    signed = sign(envelope(), pki.facility["79001"], SignatureShape(key_value=True))
    other = pki.facility["01002"].key.public_key().public_numbers().n
    theirs = base64.b64encode(other.to_bytes((other.bit_length() + 7) // 8, "big"))
    swapped = re.sub(rb"<Modulus>[^<]*</Modulus>", b"<Modulus>" + theirs + b"</Modulus>", signed)
    out = check(swapped, trust, "SIG.STRUCTURE")
    assert "KeyValue" in out.detail


# Shapes of the Vietnamese e-invoice/tax signers and of Java (Santuario) signers.


@pytest.mark.parametrize("prefix", [None, "ds"])
@pytest.mark.parametrize(
    ("style", "transform"), [("tt78", EXC_C14N), ("bksoft", EXC_C14N), ("bksoft", C14N10), ("tt78", C14N11)]
)
def test_signing_time_object_is_accepted(
    pki: TestPKI, trust: TrustStore, prefix: str | None, style: str, transform: str
) -> None:
    # bksoft + inclusive C14N: the properties carry a legitimate xmlns="" that a naive excision would drop
    shape = SignatureShape(
        prefix=prefix,
        signature_id="sig-79001",
        signing_time="2026-11-14T16:05:09",
        signing_time_style=style,
        signing_time_transform=transform,
        x509=("subject_name", "certificate"),
    )
    signed = sign(envelope(), pki.facility["79001"], shape)
    assert b'URI="#SigningTime"' in signed
    assert (b'<SignedProperties xmlns="">' in signed) == (style == "bksoft")
    out = check(signed, trust, None)
    assert b"SigningTime" not in etree.tostring(out.signed_root)  # only the document is handed on


def test_signing_time_changed_after_signing_is_content_changed(pki: TestPKI, trust: TrustStore) -> None:
    shape = SignatureShape(signature_id="s", signing_time="2026-11-14T16:05:09")
    signed = sign(envelope(), pki.facility["79001"], shape).replace(
        b"2026-11-14T16:05:09", b"2026-11-01T16:05:09"
    )
    out = check(signed, trust, "SIG.INVALID")
    assert 'signed property "#SigningTime"' in out.detail and "content changed after signing" in out.detail


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (b"<THONGTINDONVI>", b'<THONGTINDONVI Id="SigningTime">'),  # the same Id outside the signature
        (b'URI="#SigningTime"', b'URI="http://127.0.0.1:9/properties.xml"'),  # never fetched
        (b'URI="#SigningTime"', b'URI="#xpointer(/)"'),
    ],
)
def test_references_outside_the_signature_are_structure(
    pki: TestPKI, trust: TrustStore, old: bytes, new: bytes
) -> None:
    signed = sign(
        envelope(), pki.facility["79001"], SignatureShape(signature_id="s", signing_time="2026-11-14")
    )
    assert old in signed
    check(signed.replace(old, new, 1), trust, "SIG.STRUCTURE")


def test_java_line_breaks_and_wrapped_base64_are_accepted(pki: TestPKI, trust: TrustStore) -> None:
    shape = SignatureShape(
        prefix="ds",
        c14n=EXC_C14N,
        transform=EXC_C14N,
        java_line_breaks=True,
        x509=("certificate", "chain"),
        signature_id="xmldsig-1",
        signing_time="2026-11-14",
    )
    signed = sign(envelope(), pki.facility["79001"], shape, chain=[pki.intermediate.cert])
    assert b"&#13;\n" in signed  # CR LF inside SignatureValue and X509Certificate, as Santuario writes them
    check(signed, trust, None)
    check(amount_tampered(signed), trust, "SIG.INVALID")


def test_comments_never_reach_the_signed_data(pki: TestPKI, trust: TrustStore) -> None:
    # A #WithComments canonicalization; URI="" still excludes comments, before and after signing.
    unsigned = envelope().replace(b"<THONGTINHOSO>", b"<!-- xuat tu HIS --><THONGTINHOSO>")
    shape = SignatureShape(c14n=C14N10_COMMENTS, transform=EXC_C14N_COMMENTS)
    signed = sign(unsigned, pki.facility["79001"], shape)
    injected = signed.replace(b"<MACSKCB>79001</MACSKCB>", b"<MACSKCB>79<!---->001</MACSKCB>")
    for raw in (signed, injected):
        out = check(raw, trust, None)
        assert out.signed_root.findtext("THONGTINDONVI/MACSKCB") == "79001"
        assert not list(out.signed_root.iter(etree.Comment))


# Two signing-tool bugs, named in the detail (these files fail at the gateway too).


def test_signed_info_hashed_outside_its_document_is_named(pki: TestPKI, trust: TrustStore) -> None:
    out = check(
        sign(envelope(), pki.facility["79001"], SignatureShape(standalone_signed_info=True)),
        trust,
        "SIG.INVALID",
    )
    assert "without the namespace declarations it inherits" in out.detail
    assert "content changed" not in out.detail


def test_signed_info_hashed_outside_its_document_is_harmless_without_inherited_namespaces(
    pki: TestPKI, trust: TrustStore
) -> None:
    plain = envelope().replace(
        b' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"',
        b"",
    )
    check(sign(plain, pki.facility["79001"], SignatureShape(standalone_signed_info=True)), trust, None)


def test_der_encoded_ecdsa_value_is_named(pki: TestPKI, trust: TrustStore) -> None:
    shape = SignatureShape(signature_method=MORE + "ecdsa-sha256", ecdsa_der=True)
    out = check(sign(envelope(), pki.ec_leaf("79001"), shape), trust, "SIG.INVALID")
    assert "DER-encoded" in out.detail


# The trust directory's optional certs/ folder and the algorithm table.


def test_trust_store_loads_the_registered_certificates(trust: TrustStore, pki: TestPKI) -> None:
    assert sorted(c.serial_number for c in trust.certificates) == sorted(
        i.cert.serial_number for i in pki.facility.values()
    )


def test_trust_store_certs_errors_name_the_file(trust_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "trust"
    shutil.copytree(trust_dir, target)
    (target / "certs" / "broken.cer").write_bytes(b"not a certificate")
    with pytest.raises(ValueError, match="broken.cer"):
        TrustStore.load(target)
    (target / "certs" / "broken.cer").unlink()
    (target / "certs" / "notes.txt").write_text("ignored: not a certificate suffix", encoding="utf-8")
    assert len(TrustStore.load(target).certificates) == len(FACILITIES)


def test_algorithm_table_accepts_the_secure_family_only() -> None:
    table = algorithms()
    allowed = {a.name for a in table.signature.values() if a.accepted}
    assert allowed == {f"{k}-sha{n}" for k in ("rsa", "ecdsa", "rsa-pss") for n in (256, 384, 512)}
    assert {a.name for a in table.digest.values() if a.accepted} == {"sha256", "sha384", "sha512"}
    assert len([a for a in table.canonicalization.values() if a.accepted]) == 6
    assert {a.name for a in table.signature.values() if a.status == "legacy"} == {"rsa-sha1", "ecdsa-sha1"}
    for algo in table.signature.values():
        if algo.key in ("hmac", "dsa") or algo.hash in ("md5", "sha1", "sha224", "ripemd160"):
            assert not algo.accepted and algo.reason, algo.uri
