"""The deterministic test PKI: determinism, certificate shapes, trust directory contract."""

from __future__ import annotations

import csv
import hashlib
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding
from cryptography.x509.oid import NameOID

from pipelines.generate.pki import FacilityIdentity, TestPKI, deterministic_ec_key, deterministic_rsa_key

SEED = 1302024
FACILITIES = [
    FacilityIdentity("79001", "Bệnh viện Đa khoa TEST Quận 1", "0301234567", "Hồ Chí Minh"),
    FacilityIdentity("01002", "Bệnh viện TEST Hoàn Kiếm, cơ sở 2", "0100987654", "Hà Nội"),
]
NOW = datetime(2026, 11, 15, tzinfo=UTC)


@pytest.fixture(scope="module")
def pki() -> TestPKI:
    return TestPKI.build(FACILITIES, seed=SEED)


def der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)


def private_numbers(key):
    n = key.private_numbers()
    return (n.p, n.q, n.d, n.dmp1, n.dmq1, n.iqmp, n.public_numbers.n, n.public_numbers.e)


def test_same_seed_is_byte_identical(pki: TestPKI, tmp_path: Path) -> None:
    # A fresh build reuses the in-process key cache; also regenerate one key without the cache.
    again = TestPKI.build(FACILITIES, seed=SEED)
    for a, b in [
        (pki.root, again.root),
        (pki.intermediate, again.intermediate),
        (pki.legacy_intermediate, again.legacy_intermediate),
        *[(pki.facility[c], again.facility[c]) for c in pki.facility],
        (pki.expired("79001"), again.expired("79001")),
        (pki.revoked("79001"), again.revoked("79001")),
    ]:
        assert der(a.cert) == der(b.cert)
        assert private_numbers(a.key) == private_numbers(b.key)
    assert pki.crl().public_bytes(serialization.Encoding.DER) == again.crl().public_bytes(
        serialization.Encoding.DER
    )
    first, second = tmp_path / "a", tmp_path / "b"
    pki.write_trust_dir(first)
    again.write_trust_dir(second)
    for name in ["roots.pem", "intermediates.pem", "facilities.csv", "crl/intermediate.crl"]:
        assert (first / name).read_bytes() == (second / name).read_bytes()


def test_key_generation_is_a_pure_function_of_seed_and_label() -> None:
    from pipelines.generate import pki as pki_module

    key = deterministic_rsa_key(SEED, "determinism-probe")
    pki_module._KEY_CACHE.pop((SEED, "determinism-probe"))
    again = deterministic_rsa_key(SEED, "determinism-probe")
    assert key is not again
    assert private_numbers(key) == private_numbers(again)
    assert key.key_size == 2048
    assert key.private_numbers().public_numbers.e == 65537
    p, q = key.private_numbers().p, key.private_numbers().q
    assert p.bit_length() == q.bit_length() == 1024
    assert p >> 1022 == 3 and q >> 1022 == 3  # top two bits set
    # the key actually works
    sig = key.sign(b"x", padding.PKCS1v15(), hashes.SHA256())
    key.public_key().verify(sig, b"x", padding.PKCS1v15(), hashes.SHA256())


def test_different_seed_differs(pki: TestPKI) -> None:
    other = TestPKI.build(FACILITIES[:1], seed=SEED + 1)
    assert der(other.root.cert) != der(pki.root.cert)
    assert other.root.cert.serial_number != pki.root.cert.serial_number
    assert private_numbers(other.facility["79001"].key) != private_numbers(pki.facility["79001"].key)


def test_leaf_subject_and_extensions(pki: TestPKI) -> None:
    leaf = pki.facility["79001"].cert
    attrs = [(a.oid, a.value) for a in leaf.subject]
    assert attrs == [
        (NameOID.COUNTRY_NAME, "VN"),
        (NameOID.STATE_OR_PROVINCE_NAME, "Hồ Chí Minh"),
        (NameOID.COMMON_NAME, "Bệnh viện Đa khoa TEST Quận 1"),
        (NameOID.USER_ID, "MST:0301234567"),
    ]
    assert leaf.issuer == pki.intermediate.cert.subject
    ku = leaf.extensions.get_extension_for_class(x509.KeyUsage)
    assert ku.critical
    assert ku.value.digital_signature and ku.value.content_commitment and ku.value.key_encipherment
    assert not ku.value.key_cert_sign
    assert leaf.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is False
    aki = leaf.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value
    ski = pki.intermediate.cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    assert aki.key_identifier == ski.digest
    assert leaf.extensions.get_extension_for_class(x509.SubjectKeyIdentifier)
    assert leaf.not_valid_before_utc <= NOW <= leaf.not_valid_after_utc
    assert leaf.signature_hash_algorithm.name == "sha256"
    assert 1 <= leaf.serial_number < 2**63


def test_ca_shapes(pki: TestPKI) -> None:
    root, inter, legacy = pki.root.cert, pki.intermediate.cert, pki.legacy_intermediate.cert
    assert "TEST" in root.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
    assert root.issuer == root.subject
    bc = inter.extensions.get_extension_for_class(x509.BasicConstraints)
    assert bc.critical and bc.value.ca and bc.value.path_length == 0
    ku = inter.extensions.get_extension_for_class(x509.KeyUsage).value
    assert ku.digital_signature and ku.key_cert_sign and ku.crl_sign
    legacy_aki = legacy.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value
    assert legacy_aki.key_identifier is not None
    assert legacy_aki.authority_cert_issuer == [x509.DirectoryName(root.subject)]
    assert legacy_aki.authority_cert_serial_number == root.serial_number
    for cert in (inter, legacy):
        assert cert.issuer == root.subject
        cert.verify_directly_issued_by(root)
    for cert in (root, inter, legacy):
        assert cert.not_valid_before_utc <= NOW <= cert.not_valid_after_utc


def test_negative_leaves(pki: TestPKI) -> None:
    regular = pki.facility["79001"].cert
    expired = pki.expired("79001").cert
    assert expired.subject == regular.subject
    assert expired.not_valid_after_utc < NOW
    revoked = pki.revoked("79001").cert
    assert revoked.subject == regular.subject and revoked.serial_number != regular.serial_number
    entry = pki.crl().get_revoked_certificate_by_serial_number(revoked.serial_number)
    assert entry is not None
    assert pki.crl().get_revoked_certificate_by_serial_number(regular.serial_number) is None
    untrusted = pki.untrusted("79001").cert
    assert untrusted.issuer == pki.rogue_root.cert.subject != pki.root.cert.subject
    untrusted.verify_directly_issued_by(pki.rogue_root.cert)
    no_ds = pki.no_digital_signature("79001").cert
    assert not no_ds.extensions.get_extension_for_class(x509.KeyUsage).value.digital_signature
    assert pki.expired("79001") is pki.expired("79001")  # cached
    weak = pki.rsa1024("79001")
    assert weak.cert.subject == regular.subject and weak.key.key_size == 1024


@pytest.mark.parametrize("curve", ["P-256", "P-384"])
def test_ec_leaves_are_deterministic_and_chain_to_the_intermediate(pki: TestPKI, curve: str) -> None:
    leaf = pki.ec_leaf("79001", curve)
    assert isinstance(leaf.key, ec.EllipticCurvePrivateKey)
    assert leaf.key.curve.key_size == int(curve[2:])
    assert leaf.cert.subject == pki.facility["79001"].cert.subject
    leaf.cert.verify_directly_issued_by(pki.intermediate.cert)
    again = TestPKI.build(FACILITIES, seed=SEED).ec_leaf("79001", curve)
    assert der(again.cert) == der(leaf.cert)  # EC keys derive from the seed as RSA keys do
    assert (
        deterministic_ec_key(SEED, "x", curve).private_numbers()
        == deterministic_ec_key(SEED, "x", curve).private_numbers()
    )


def test_crl(pki: TestPKI) -> None:
    crl = pki.crl()
    assert crl.issuer == pki.intermediate.cert.subject
    assert crl.is_signature_valid(pki.intermediate.cert.public_key())
    assert crl.next_update_utc is not None and crl.next_update_utc > datetime(2040, 1, 1, tzinfo=UTC)
    assert sorted(r.serial_number for r in crl) == pki.revoked_serials()


def test_trust_dir_contract(pki: TestPKI, tmp_path: Path) -> None:
    pki.write_trust_dir(tmp_path)
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file()) == [
        "certs/01002.pem",
        "certs/79001.pem",
        "crl/intermediate.crl",
        "facilities.csv",
        "intermediates.pem",
        "roots.pem",
    ]
    for code, issued in pki.facility.items():  # the registered certificates, for signatures without one
        assert x509.load_pem_x509_certificates((tmp_path / "certs" / f"{code}.pem").read_bytes()) == [
            issued.cert
        ]
    roots = x509.load_pem_x509_certificates((tmp_path / "roots.pem").read_bytes())
    assert [der(c) for c in roots] == [der(pki.root.cert)]
    inters = x509.load_pem_x509_certificates((tmp_path / "intermediates.pem").read_bytes())
    assert [der(c) for c in inters] == [der(pki.intermediate.cert), der(pki.legacy_intermediate.cert)]
    assert pki.rogue_root.cert.subject not in {c.subject for c in roots + inters}
    crl = x509.load_der_x509_crl((tmp_path / "crl" / "intermediate.crl").read_bytes())
    assert crl.issuer == pki.intermediate.cert.subject

    raw = (tmp_path / "facilities.csv").read_bytes()
    assert b"\r" not in raw
    text = raw.decode("utf-8")
    assert text.splitlines()[0] == "macskcb,name,tax_code,cert_sha256"
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["macskcb"] for r in rows] == ["79001", "01002"]
    for row, facility in zip(rows, FACILITIES, strict=True):
        assert row["name"] == facility.name  # diacritics and the comma survive the CSV round trip
        assert row["tax_code"] == facility.tax_code and len(row["tax_code"]) == 10
        leaf = pki.facility[facility.macskcb]
        assert row["cert_sha256"] == leaf.sha256_hex == hashlib.sha256(der(leaf.cert)).hexdigest()


def test_issued_helpers(pki: TestPKI) -> None:
    leaf = pki.facility["79001"]
    assert leaf.cert_pem.startswith("-----BEGIN CERTIFICATE-----")
    assert x509.load_pem_x509_certificate(leaf.cert_pem.encode()) == leaf.cert
    assert len(leaf.sha256_hex) == 64


def test_duplicate_facility_codes_rejected() -> None:
    with pytest.raises(ValueError, match="duplicate"):
        TestPKI.build([FACILITIES[0], FACILITIES[0]], seed=SEED)
