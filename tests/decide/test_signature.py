"""The signature stage against real signatures from the test PKI: one test per outcome code."""

from __future__ import annotations

import base64
import copy
import random
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from pipelines.decide.signature import SignatureOutcome, SignaturePolicy, TrustStore, verify_envelope
from pipelines.generate.pki import FacilityIdentity, TestPKI
from pipelines.generate.signing import dotnet_guid, sign_dotnet, sign_signxml

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


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
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
