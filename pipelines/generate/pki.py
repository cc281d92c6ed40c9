"""Deterministic test PKI shaped like the Vietnamese one (SIGNATURE.md §3.1).

Everything, keys included, is a pure function of the seed: the same seed gives byte-identical
certificates, CRL and trust directory on every machine. ``cryptography`` cannot seed RSA key
generation, so RSA-2048 keys are built here from primes drawn from a seeded ``random.Random``
(sieve + Miller-Rabin, its rounds in GMP through ``gmpy2``: six times Python's ``pow`` at 1024 bits,
the same answers) and assembled with ``rsa.RSAPrivateNumbers``. These keys are for test data
only: ``random`` is not a cryptographic generator.

Shape: test root ("Vietnam National Root CA"-like) -> VNPT-style intermediate (pathlen 0) -> one
leaf per facility (``C=VN, ST=<province>, CN=<facility name>, UID=MST:<tax code>``), plus a second
intermediate with the legacy VNPT-style AuthorityKeyIdentifier (keyid + issuer + serial), a rogue
root that is never written to ``roots.pem``, negative leaves (expired, revoked, untrusted, without
digitalSignature, an RSA-1024 key) and ECDSA leaves (P-256, P-384: the government CA issues ECDSA
certificates). EC keys are derived from the seed too (``ec.derive_private_key``).
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import gmpy2
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

__all__ = ["FacilityIdentity", "Issued", "TestPKI", "deterministic_ec_key", "deterministic_rsa_key"]

_E = 65537
_PRIME_BITS = 1024
_SIEVE_LIMIT = 1 << 16
_SIEVE_WINDOW = 4096  # odd candidates examined per random start

# Fixed validity windows (UTC). "Now" for the product is late 2026: regular certificates are valid
# then and for years after; the expired leaf ended long before.
ROOT_VALIDITY = (datetime(2020, 1, 1, tzinfo=UTC), datetime(2045, 1, 1, tzinfo=UTC))
CA_VALIDITY = (datetime(2020, 1, 1, tzinfo=UTC), datetime(2040, 1, 1, tzinfo=UTC))
LEAF_VALIDITY = (datetime(2024, 1, 1, tzinfo=UTC), datetime(2034, 1, 1, tzinfo=UTC))
EXPIRED_VALIDITY = (datetime(2019, 1, 1, tzinfo=UTC), datetime(2022, 1, 1, tzinfo=UTC))
CRL_LAST_UPDATE = datetime(2025, 6, 1, tzinfo=UTC)
CRL_NEXT_UPDATE = datetime(2045, 1, 1, tzinfo=UTC)
REVOCATION_DATE = datetime(2025, 6, 1, tzinfo=UTC)

CRL_URL = "http://ca.test.invalid/crl/intermediate.crl"
TRUST_CSV_HEADER = ("macskcb", "name", "tax_code", "cert_sha256")


def _small_primes(limit: int) -> list[int]:
    sieve = bytearray([1]) * limit
    sieve[0:2] = b"\x00\x00"
    for i in range(2, math.isqrt(limit) + 1):
        if sieve[i]:
            sieve[i * i :: i] = bytes(len(range(i * i, limit, i)))
    return [i for i in range(3, limit) if sieve[i]]  # odd primes only


_ODD_PRIMES = _small_primes(_SIEVE_LIMIT)


def _miller_rabin(n: int, base: int) -> bool:
    """One Miller-Rabin round (n odd, 1 < base < n - 1): False means n is certainly composite. GMP's strong
    probable-prime test is this round, computed in C."""
    return bool(gmpy2.is_strong_prp(n, base))


def _random_prime(rng: random.Random, bits: int = _PRIME_BITS, rounds: int = 5) -> int:
    """A prime with its top two bits set and gcd(e, p-1) = 1, drawn deterministically from ``rng``."""
    top = 3 << (bits - 2)
    while True:
        start = rng.getrandbits(bits) | top | 1
        # Sieve the window start, start+2, ..., start+2*(W-1) by small odd primes.
        alive = bytearray([1]) * _SIEVE_WINDOW
        for p in _ODD_PRIMES:
            # index k is divisible by p when start + 2k == 0 (mod p)  <=>  k == -start * 2^-1 (mod p)
            k0 = (-start * ((p + 1) // 2)) % p
            if k0 < _SIEVE_WINDOW:
                alive[k0::p] = bytes(len(range(k0, _SIEVE_WINDOW, p)))
        for k in range(_SIEVE_WINDOW):
            if not alive[k]:
                continue
            n = start + 2 * k
            if n.bit_length() != bits or n % _E == 1:
                continue
            if not _miller_rabin(n, 2):
                continue
            if all(_miller_rabin(n, rng.randrange(3, n - 2)) for _ in range(rounds - 1)):
                return n


_KEY_CACHE: dict[tuple[int, str], rsa.RSAPrivateKey] = {}


def deterministic_rsa_key(seed: int, label: str, bits: int = 2048) -> rsa.RSAPrivateKey:
    """An RSA key (e = 65537, 2048 bits unless told) that depends only on ``(seed, label)``; cached."""
    scoped = label if bits == 2048 else f"{label}/{bits}"
    cache_key = (seed, scoped)
    key = _KEY_CACHE.get(cache_key)
    if key is not None:
        return key
    rng = random.Random(f"bhyt-test-pki/{seed}/key/{scoped}")
    p = _random_prime(rng, bits // 2)
    q = _random_prime(rng, bits // 2)
    while q == p:  # pragma: no cover - astronomically unlikely
        q = _random_prime(rng, bits // 2)
    if p < q:
        p, q = q, p
    n = p * q
    d = pow(_E, -1, (p - 1) * (q - 1))
    numbers = rsa.RSAPrivateNumbers(
        p=p,
        q=q,
        d=d,
        dmp1=rsa.rsa_crt_dmp1(d, p),
        dmq1=rsa.rsa_crt_dmq1(d, q),
        iqmp=rsa.rsa_crt_iqmp(p, q),
        public_numbers=rsa.RSAPublicNumbers(e=_E, n=n),
    )
    # OpenSSL's key check would test p and q for primality again (half the cost of a key): they were tested
    # above, and d and the CRT values are computed from them here
    key = numbers.private_key(unsafe_skip_rsa_key_validation=True)
    _KEY_CACHE[cache_key] = key
    return key


EC_CURVES = {"P-256": ec.SECP256R1(), "P-384": ec.SECP384R1()}


def deterministic_ec_key(seed: int, label: str, curve: str = "P-256") -> ec.EllipticCurvePrivateKey:
    """An EC key on ``curve`` whose private value depends only on ``(seed, label, curve)``."""
    ec_curve = EC_CURVES[curve]
    rng = random.Random(f"bhyt-test-pki/{seed}/ec-key/{label}/{curve}")
    value = rng.getrandbits(ec_curve.key_size - 1) | 1  # below 2^(n-1) < the curve order
    return ec.derive_private_key(value, ec_curve)


def _serial(seed: int, label: str) -> int:
    return random.Random(f"bhyt-test-pki/{seed}/serial/{label}").randrange(1, 2**63)


@dataclass(frozen=True)
class FacilityIdentity:
    """A health facility (cơ sở KCB) as the test PKI and the trust directory know it."""

    macskcb: str
    name: str  # Vietnamese, with diacritics
    tax_code: str  # 10-digit MST
    province: str


PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


@dataclass(frozen=True)
class Issued:
    """A private key and the certificate issued for it."""

    key: PrivateKey
    cert: x509.Certificate

    @property
    def cert_pem(self) -> str:
        return self.cert.public_bytes(serialization.Encoding.PEM).decode("ascii")

    @property
    def sha256_hex(self) -> str:
        """Lower-case hex SHA-256 of the certificate's DER (the ``cert_sha256`` of facilities.csv)."""
        return hashlib.sha256(self.cert.public_bytes(serialization.Encoding.DER)).hexdigest()


def _name(*pairs: tuple[x509.ObjectIdentifier, str]) -> x509.Name:
    return x509.Name([x509.NameAttribute(oid, value) for oid, value in pairs])


def _ski(cert: x509.Certificate) -> x509.SubjectKeyIdentifier:
    return cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value


def _ca_key_usage(*, digital_signature: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=digital_signature,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=True,
        crl_sign=True,
        encipher_only=False,
        decipher_only=False,
    )


def _leaf_key_usage(*, digital_signature: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=digital_signature,
        content_commitment=True,
        key_encipherment=True,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )


def _make_root(seed: int, label: str, subject: x509.Name) -> Issued:
    key = deterministic_rsa_key(seed, label)
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(_serial(seed, label))
        .not_valid_before(ROOT_VALIDITY[0])
        .not_valid_after(ROOT_VALIDITY[1])
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(_ca_key_usage(digital_signature=False), critical=True)
        .add_extension(ski, critical=False)
        .sign(key, hashes.SHA256())
    )
    return Issued(key=key, cert=cert)


def _make_intermediate(
    seed: int, label: str, subject: x509.Name, issuer: Issued, *, legacy_aki: bool
) -> Issued:
    key = deterministic_rsa_key(seed, label)
    issuer_ski = _ski(issuer.cert)
    if legacy_aki:
        # VNPT style: keyid AND authorityCertIssuer + authorityCertSerialNumber.
        aki = x509.AuthorityKeyIdentifier(
            key_identifier=issuer_ski.digest,
            authority_cert_issuer=[x509.DirectoryName(issuer.cert.subject)],
            authority_cert_serial_number=issuer.cert.serial_number,
        )
    else:
        aki = x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(issuer_ski)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.cert.subject)
        .public_key(key.public_key())
        .serial_number(_serial(seed, label))
        .not_valid_before(CA_VALIDITY[0])
        .not_valid_after(CA_VALIDITY[1])
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_ca_key_usage(digital_signature=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(aki, critical=False)
        .sign(issuer.key, hashes.SHA256())
    )
    return Issued(key=key, cert=cert)


def _make_leaf(
    seed: int,
    label: str,
    facility: FacilityIdentity,
    issuer: Issued,
    *,
    validity: tuple[datetime, datetime] = LEAF_VALIDITY,
    digital_signature: bool = True,
    key: PrivateKey | None = None,
) -> Issued:
    key = key if key is not None else deterministic_rsa_key(seed, label)
    subject = _name(
        (NameOID.COUNTRY_NAME, "VN"),
        (NameOID.STATE_OR_PROVINCE_NAME, facility.province),
        (NameOID.COMMON_NAME, facility.name),
        (NameOID.USER_ID, f"MST:{facility.tax_code}"),
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.cert.subject)
        .public_key(key.public_key())
        .serial_number(_serial(seed, label))
        .not_valid_before(validity[0])
        .not_valid_after(validity[1])
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=False)
        .add_extension(_leaf_key_usage(digital_signature=digital_signature), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(_ski(issuer.cert)), critical=False
        )
        .add_extension(
            x509.CRLDistributionPoints(
                [x509.DistributionPoint([x509.UniformResourceIdentifier(CRL_URL)], None, None, None)]
            ),
            critical=False,
        )
        .sign(issuer.key, hashes.SHA256())
    )
    return Issued(key=key, cert=cert)


class TestPKI:
    """Root -> intermediate -> facility leaves, plus negative fixtures; deterministic for a seed.

    Build with :meth:`build`. Negative leaves are created lazily and cached.
    """

    __test__ = False  # not a pytest test class

    def __init__(
        self,
        *,
        seed: int,
        facilities: Sequence[FacilityIdentity],
        root: Issued,
        intermediate: Issued,
        legacy_intermediate: Issued,
        facility: dict[str, Issued],
    ) -> None:
        self.seed = seed
        self.facilities: dict[str, FacilityIdentity] = {f.macskcb: f for f in facilities}
        self.root = root
        self.intermediate = intermediate
        self.legacy_intermediate = legacy_intermediate
        self.facility = facility
        self._variants: dict[tuple[str, str], Issued] = {}
        self._rogue_root: Issued | None = None

    @property
    def rogue_root(self) -> Issued:
        """A self-signed root that is never written to roots.pem (built on first use)."""
        if self._rogue_root is None:
            self._rogue_root = _make_root(
                self.seed,
                "rogue-root",
                _name(
                    (NameOID.COUNTRY_NAME, "VN"),
                    (NameOID.ORGANIZATION_NAME, "Unlicensed CA (TEST ONLY)"),
                    (NameOID.COMMON_NAME, "TEST Rogue Root CA - NOT TRUSTED"),
                ),
            )
        return self._rogue_root

    @classmethod
    def build(cls, facilities: Sequence[FacilityIdentity], seed: int) -> TestPKI:
        codes = [f.macskcb for f in facilities]
        if len(set(codes)) != len(codes):
            raise ValueError("duplicate MACSKCB in facilities")
        root = _make_root(
            seed,
            "root",
            _name(
                (NameOID.COUNTRY_NAME, "VN"),
                (NameOID.ORGANIZATION_NAME, "Ministry of Information and Communications (TEST ONLY)"),
                (
                    NameOID.ORGANIZATIONAL_UNIT_NAME,
                    "National Centre of Digital Signature Authentication (TEST)",
                ),
                (NameOID.COMMON_NAME, "TEST Vietnam National Root CA - NOT FOR PRODUCTION"),
            ),
        )
        intermediate = _make_intermediate(
            seed,
            "intermediate",
            _name(
                (NameOID.COUNTRY_NAME, "VN"),
                (NameOID.ORGANIZATION_NAME, "VNPT Group (TEST ONLY)"),
                (NameOID.ORGANIZATIONAL_UNIT_NAME, "VNPT-CA Trust Network (TEST)"),
                (NameOID.COMMON_NAME, "TEST VNPT-CA SHA2"),
            ),
            root,
            legacy_aki=False,
        )
        legacy = _make_intermediate(
            seed,
            "legacy-intermediate",
            _name(
                (NameOID.COUNTRY_NAME, "VN"),
                (NameOID.ORGANIZATION_NAME, "VNPT Group (TEST ONLY)"),
                (NameOID.ORGANIZATIONAL_UNIT_NAME, "VNPT-CA Trust Network (TEST)"),
                (NameOID.COMMON_NAME, "TEST VNPT-CA SHA2 Legacy AKI"),
            ),
            root,
            legacy_aki=True,
        )
        leaves = {f.macskcb: _make_leaf(seed, f"leaf/{f.macskcb}", f, intermediate) for f in facilities}
        return cls(
            seed=seed,
            facilities=facilities,
            root=root,
            intermediate=intermediate,
            legacy_intermediate=legacy,
            facility=leaves,
        )

    # -- negative and alternative leaves ---------------------------------------------------------

    def _variant(self, kind: str, macskcb: str) -> Issued:
        cached = self._variants.get((kind, macskcb))
        if cached is not None:
            return cached
        facility = self.facilities[macskcb]
        label = f"leaf-{kind}/{macskcb}"
        if kind == "expired":
            issued = _make_leaf(self.seed, label, facility, self.intermediate, validity=EXPIRED_VALIDITY)
        elif kind == "revoked":
            issued = _make_leaf(self.seed, label, facility, self.intermediate)
        elif kind == "untrusted":
            issued = _make_leaf(self.seed, label, facility, self.rogue_root)
        elif kind == "no-digital-signature":
            issued = _make_leaf(self.seed, label, facility, self.intermediate, digital_signature=False)
        elif kind == "legacy":
            issued = _make_leaf(self.seed, label, facility, self.legacy_intermediate)
        elif kind == "rsa1024":
            weak = deterministic_rsa_key(self.seed, label, bits=1024)
            issued = _make_leaf(self.seed, label, facility, self.intermediate, key=weak)
        elif kind in ("ec-P-256", "ec-P-384"):
            key = deterministic_ec_key(self.seed, label, kind.removeprefix("ec-"))
            issued = _make_leaf(self.seed, label, facility, self.intermediate, key=key)
        else:  # pragma: no cover - internal
            raise ValueError(kind)
        self._variants[(kind, macskcb)] = issued
        return issued

    def expired(self, macskcb: str) -> Issued:
        """Same subject as the facility's leaf, validity 2019-01-01 .. 2022-01-01."""
        return self._variant("expired", macskcb)

    def revoked(self, macskcb: str) -> Issued:
        """Same subject, its own serial, listed in :meth:`crl` (revoked 2025-06-01)."""
        return self._variant("revoked", macskcb)

    def untrusted(self, macskcb: str) -> Issued:
        """Same subject shape, issued by the rogue root (never in roots.pem)."""
        return self._variant("untrusted", macskcb)

    def no_digital_signature(self, macskcb: str) -> Issued:
        """Same subject, KeyUsage without digitalSignature."""
        return self._variant("no-digital-signature", macskcb)

    def legacy_leaf(self, macskcb: str) -> Issued:
        """Same subject, issued by :attr:`legacy_intermediate` (exercises the VNPT-style AKI chain)."""
        return self._variant("legacy", macskcb)

    def rsa1024(self, macskcb: str) -> Issued:
        """Same subject and CA, an RSA-1024 key (below the accepted minimum)."""
        return self._variant("rsa1024", macskcb)

    def ec_leaf(self, macskcb: str, curve: str = "P-256") -> Issued:
        """Same subject and CA, an ECDSA key on ``curve`` (P-256 or P-384)."""
        return self._variant(f"ec-{curve}", macskcb)

    # -- CRL and trust directory -----------------------------------------------------------------

    def revoked_serials(self) -> list[int]:
        """Serials of every facility's :meth:`revoked` leaf (computed without generating keys)."""
        return sorted(_serial(self.seed, f"leaf-revoked/{code}") for code in self.facilities)

    def crl(self) -> x509.CertificateRevocationList:
        """The intermediate's CRL: fixed dates, next update far in the future, lists the revoked serials."""
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(self.intermediate.cert.subject)
            .last_update(CRL_LAST_UPDATE)
            .next_update(CRL_NEXT_UPDATE)
            .add_extension(x509.CRLNumber(1), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(_ski(self.intermediate.cert)),
                critical=False,
            )
        )
        for serial in self.revoked_serials():
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder()
                .serial_number(serial)
                .revocation_date(REVOCATION_DATE)
                .add_extension(x509.CRLReason(x509.ReasonFlags.key_compromise), critical=False)
                .build()
            )
        return builder.sign(self.intermediate.key, hashes.SHA256())

    def facilities_csv(self) -> str:
        """The facilities.csv text: header plus one row per facility (tax code and leaf SHA-256)."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(TRUST_CSV_HEADER)
        for code, facility in self.facilities.items():
            writer.writerow([code, facility.name, facility.tax_code, self.facility[code].sha256_hex])
        return out.getvalue()

    def write_trust_dir(self, path: Path) -> None:
        """Write the trust directory contract: roots.pem, intermediates.pem, facilities.csv, crl/, and
        certs/ with each facility's registered certificate (``<MACSKCB>.pem``)."""
        path = Path(path)
        (path / "crl").mkdir(parents=True, exist_ok=True)
        (path / "certs").mkdir(exist_ok=True)
        pem = serialization.Encoding.PEM
        (path / "roots.pem").write_bytes(self.root.cert.public_bytes(pem))
        (path / "intermediates.pem").write_bytes(
            self.intermediate.cert.public_bytes(pem) + self.legacy_intermediate.cert.public_bytes(pem)
        )
        (path / "facilities.csv").write_bytes(self.facilities_csv().encode("utf-8"))
        (path / "crl" / "intermediate.crl").write_bytes(self.crl().public_bytes(serialization.Encoding.DER))
        for code, issued in self.facility.items():
            (path / "certs" / f"{code}.pem").write_bytes(issued.cert.public_bytes(pem))
