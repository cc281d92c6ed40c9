"""Signature stage: verify the XMLDSig inside ``CHUKYDONVI`` of a ``GIAMDINHHS`` envelope, or of a stand-alone
signed message (XML12's ``CHI_TIEU_GIAM_DINH_YKHOA``: :class:`StandAlone`), by the same rules.

``docs/signatures.md`` is the specification (what real signers produce, what is accepted and why). In short:

1. structure on the hardened parse: one ``CHUKYDONVI`` child of the root, exactly one ``ds:Signature`` in
   the document and it is a child of that ``CHUKYDONVI``; ``SignedInfo`` has exactly one ``Reference
   URI=""`` (the whole document, enveloped-signature then at most one canonicalization transform) and may
   have references to ``ds:Object`` elements of the same signature (a signing-time property, as the
   Vietnamese e-invoice and tax signers add); nothing is ever fetched;
2. algorithms from ``signature_algorithms.toml``: C14N 1.0/1.1/exclusive, with or without comments; RSA,
   RSA-PSS and ECDSA with SHA-256/384/512; SHA-1 only under the legacy policy; MD5, HMAC, DSA and anything
   unknown refused, the receipt naming what was found and what is allowed;
3. the signer is found by its key: ``SignedInfo`` is canonicalized once and ``SignatureValue`` is checked
   with each offered certificate (``X509Data`` in any order; when the signature names its certificate only
   by ``X509IssuerSerial``/``X509SubjectName``/``X509Digest``/``X509SKI``/``KeyValue``, the certificates
   registered in the trust directory); the others are offered as intermediates;
4. every ``Reference`` digest; only then the chain to the trust directory's roots (a pool of
   intermediates), validity at the receipt time, an offline CRL check and the binding of the signer to
   the facility named by ``MACSKCB`` *in the signed data* (a stand-alone message names none: its signer must
   be registered for the facility of the folder it came from).

Diagnostics never accuse falsely: "content changed after signing" only when a digest differs; a
``SignatureValue`` that no offered certificate verifies says so; a file re-indented after signing is
``SIG.REFORMATTED``; two known signing-tool bugs are named in the detail.

Only the canonical bytes of the signed document, re-parsed, are handed on
(``SignatureOutcome.signed_root``): comments and anything outside the signed data never reach later
stages. :func:`verify_envelope` never raises. This is a stage module: it must not import Prefect nor the
test-data generator.
"""

from __future__ import annotations

import base64
import binascii
import csv
import functools
import hashlib
import hmac
import io
import re
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.types import PublicKeyTypes
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature
from cryptography.x509 import verification
from lxml import etree

from pipelines.decide.guard import hardened_parser

__all__ = [
    "FacilityRow",
    "SignatureOutcome",
    "SignaturePolicy",
    "TrustStore",
    "algorithms",
    "verify_envelope",
]

DS_NS = "http://www.w3.org/2000/09/xmldsig#"
DSIG11_NS = "http://www.w3.org/2009/xmldsig11#"
EXC_C14N_NS = "http://www.w3.org/2001/10/xml-exc-c14n#"
XML_NS = "http://www.w3.org/XML/1998/namespace"

C14N10 = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
C14N10_COMMENTS = C14N10 + "#WithComments"
C14N11 = "http://www.w3.org/2006/12/xml-c14n11"
C14N11_COMMENTS = C14N11 + "#WithComments"
EXC_C14N = EXC_C14N_NS
EXC_C14N_COMMENTS = EXC_C14N_NS + "WithComments"
ENVELOPED = DS_NS + "enveloped-signature"
RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
RSA_SHA1 = DS_NS + "rsa-sha1"
DIGEST_SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
DIGEST_SHA1 = DS_NS + "sha1"

CSV_HEADER = ["macskcb", "name", "tax_code", "cert_sha256"]
CERT_SUFFIXES = (".pem", ".crt", ".cer", ".der")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")

MIN_RSA_BITS = 2048  # NIST SP 800-131A; Vietnamese CAs issue RSA-2048 or larger
EC_CURVES: dict[str, ec.EllipticCurve] = {  # dsig11:NamedCurve URIs (RFC 4050 / XMLDSig 1.1 §4.5.2.3.1)
    "urn:oid:1.2.840.10045.3.1.7": ec.SECP256R1(),
    "urn:oid:1.3.132.0.34": ec.SECP384R1(),
    "urn:oid:1.3.132.0.35": ec.SECP521R1(),
}
MAX_CERTIFICATES = 16  # X509Certificate elements in one signature (a chain is 2-4)
MAX_OBJECT_REFERENCES = 3  # references besides URI="" (signing-time properties)
MAX_REGISTERED_CANDIDATES = 32  # registered certificates tried for one signature that embeds none
_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "sha1": hashes.SHA1,
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}


def _ds(tag: str) -> str:
    return f"{{{DS_NS}}}{tag}"


# ----------------------------------------------------------------------------------------------
# Algorithms (signature_algorithms.toml)
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Algorithm:
    """One algorithm URI of the table: ``status`` is allowed, legacy (SHA-1) or refused."""

    kind: str  # canonicalization | signature | digest
    uri: str
    name: str
    status: str
    reason: str = ""
    hash: str = ""  # signature and digest
    key: str = ""  # signature: rsa | rsa-pss | ecdsa | dsa | hmac
    exclusive: bool = False  # canonicalization
    comments: bool = False  # canonicalization

    @property
    def accepted(self) -> bool:
        return self.status == "allowed"


@dataclass(frozen=True)
class AlgorithmTable:
    canonicalization: dict[str, Algorithm]
    signature: dict[str, Algorithm]
    digest: dict[str, Algorithm]

    def lookup(self, kind: str, uri: str) -> Algorithm:
        """The table's entry, or a refused placeholder named by the URI itself."""
        known = getattr(self, kind).get(uri)
        return known or Algorithm(
            kind=kind, uri=uri, name=uri or "(none)", status="refused", reason="unknown"
        )

    def allowed(self, kind: str) -> str:
        return ", ".join(a.name for a in getattr(self, kind).values() if a.accepted)


@functools.cache
def algorithms() -> AlgorithmTable:
    """The algorithm table, read once from ``signature_algorithms.toml`` next to this module."""
    raw = tomllib.loads(Path(__file__).with_name("signature_algorithms.toml").read_text("utf-8"))
    tables: dict[str, dict[str, Algorithm]] = {}
    for kind in ("canonicalization", "signature", "digest"):
        tables[kind] = {uri: Algorithm(kind=kind, uri=uri, **body) for uri, body in raw[kind].items()}
        for algo in tables[kind].values():
            if algo.status not in ("allowed", "legacy", "refused"):
                raise ValueError(f"signature_algorithms.toml: {algo.uri} has status {algo.status!r}")
            if algo.status != "refused" and algo.kind != "canonicalization" and algo.hash not in _HASHES:
                raise ValueError(f"signature_algorithms.toml: {algo.uri} uses unknown hash {algo.hash!r}")
    return AlgorithmTable(**tables)


# ----------------------------------------------------------------------------------------------
# Trust directory
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FacilityRow:
    """One registered certificate of a facility (a row of facilities.csv)."""

    macskcb: str
    name: str
    tax_code: str
    cert_sha256: str  # lower-case hex, or "" when the row binds by tax code only


@dataclass
class TrustStore:
    """The loaded trust directory. Load once per process (:meth:`load`) and reuse for every file.

    ``certificates`` are the facilities' own certificates from the optional ``<trust>/certs/`` folder.
    They confer no trust (the chain to ``roots.pem`` and the binding by ``facilities.csv`` are checked as
    for any signer); they only let the stage find the signing certificate of a signature that names it
    by ``X509IssuerSerial``, ``X509SubjectName``, ``X509Digest``, ``X509SKI`` or ``KeyValue`` without
    embedding it.
    """

    roots_pem: Path
    intermediates: list[x509.Certificate]
    facilities: list[FacilityRow]
    crls: list[x509.CertificateRevocationList]
    roots: list[x509.Certificate] = field(default_factory=list)  # parsed roots.pem (loaded if empty)
    certificates: list[x509.Certificate] = field(default_factory=list)  # <trust>/certs/
    _store: verification.Store | None = field(default=None, init=False, repr=False, compare=False)
    _index: _CertIndex | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.roots:
            self.roots = _load_pem_bundle(Path(self.roots_pem), required=True)

    @classmethod
    def load(cls, trust_dir: Path) -> TrustStore:
        """Read ``roots.pem``, ``intermediates.pem``, ``facilities.csv``, ``crl/*.crl`` and ``certs/*``.

        Raises ``ValueError`` naming the file when ``roots.pem`` or ``facilities.csv`` is missing or
        malformed, or when an optional file that is present cannot be read.
        """
        trust_dir = Path(trust_dir)
        roots_pem = trust_dir / "roots.pem"
        roots = _load_pem_bundle(roots_pem, required=True)
        inter_path = trust_dir / "intermediates.pem"
        intermediates = _load_pem_bundle(inter_path, required=False) if inter_path.exists() else []
        facilities = _load_facilities(trust_dir / "facilities.csv")
        crls: list[x509.CertificateRevocationList] = []
        crl_dir = trust_dir / "crl"
        if crl_dir.is_dir():
            for path in sorted(crl_dir.glob("*.crl")):
                crls.append(_load_crl(path))
        certificates: list[x509.Certificate] = []
        cert_dir = trust_dir / "certs"
        if cert_dir.is_dir():
            for path in sorted(cert_dir.iterdir()):
                if path.is_file() and path.suffix.lower() in CERT_SUFFIXES:
                    certificates.extend(_load_cert_file(path))
        return cls(
            roots_pem=roots_pem,
            intermediates=intermediates,
            facilities=facilities,
            crls=crls,
            roots=roots,
            certificates=certificates,
        )

    @property
    def store(self) -> verification.Store:
        if self._store is None:
            self._store = verification.Store(self.roots)
        return self._store

    @property
    def index(self) -> _CertIndex:
        """Lookups over ``certificates`` (built on first use: a national trust directory holds thousands)."""
        if self._index is None:
            self._index = _CertIndex.build(self.certificates, self.facilities)
        return self._index


@dataclass
class _CertIndex:
    """The registered certificates by every identifier a signature may name them with."""

    by_serial: dict[int, list[x509.Certificate]]
    by_subject: dict[tuple[tuple[str, str], ...], list[x509.Certificate]]
    by_ski: dict[bytes, list[x509.Certificate]]
    by_spki: dict[bytes, list[x509.Certificate]]
    by_digest: dict[tuple[str, bytes], list[x509.Certificate]]  # (hash name, digest of the DER)
    by_facility: dict[str, list[x509.Certificate]]

    @classmethod
    def build(cls, certificates: list[x509.Certificate], facilities: list[FacilityRow]) -> _CertIndex:
        index = cls({}, {}, {}, {}, {}, {})
        by_sha256: dict[str, x509.Certificate] = {}
        by_tax: dict[str, list[x509.Certificate]] = {}
        for cert in certificates:
            der = cert.public_bytes(serialization.Encoding.DER)
            index.by_serial.setdefault(cert.serial_number, []).append(cert)
            index.by_subject.setdefault(_name_key(cert.subject), []).append(cert)
            ski = _ski(cert)
            if ski is not None:
                index.by_ski.setdefault(ski, []).append(cert)
            index.by_spki.setdefault(_spki(cert.public_key()), []).append(cert)
            for name in _HASHES:
                index.by_digest.setdefault((name, hashlib.new(name, der).digest()), []).append(cert)
            by_sha256[hashlib.sha256(der).hexdigest()] = cert
            for tax in _tax_codes(cert):
                by_tax.setdefault(tax, []).append(cert)
        for row in facilities:
            bound = index.by_facility.setdefault(row.macskcb, [])
            if row.cert_sha256 in by_sha256:
                bound.append(by_sha256[row.cert_sha256])
            bound.extend(by_tax.get(row.tax_code, []) if row.tax_code else [])
        return index


def _load_pem_bundle(path: Path, *, required: bool) -> list[x509.Certificate]:
    if not path.is_file():
        raise ValueError(f"trust directory: {path} is missing")
    try:
        certs = x509.load_pem_x509_certificates(path.read_bytes())
    except ValueError as exc:
        raise ValueError(f"trust directory: {path} is not a valid PEM certificate bundle ({exc})") from exc
    if required and not certs:
        raise ValueError(f"trust directory: {path} holds no certificate")
    return certs


def _load_cert_file(path: Path) -> list[x509.Certificate]:
    data = path.read_bytes()
    try:
        if b"-----BEGIN CERTIFICATE-----" in data:
            return x509.load_pem_x509_certificates(data)
        return [x509.load_der_x509_certificate(data)]
    except ValueError as exc:
        raise ValueError(f"trust directory: {path} is not a PEM or DER certificate ({exc})") from exc


def _load_facilities(path: Path) -> list[FacilityRow]:
    if not path.is_file():
        raise ValueError(f"trust directory: {path} is missing")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"trust directory: {path} is not readable UTF-8 text ({exc})") from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None or [h.strip() for h in header] != CSV_HEADER:
        raise ValueError(f"trust directory: {path} must start with the header {','.join(CSV_HEADER)}")
    rows: list[FacilityRow] = []
    for line_no, row in enumerate(reader, start=2):
        if not row or all(not cell.strip() for cell in row):
            continue
        if len(row) != len(CSV_HEADER):
            raise ValueError(f"trust directory: {path} line {line_no}: expected {len(CSV_HEADER)} columns")
        macskcb, name, tax_code, cert_sha256 = (cell.strip() for cell in row)
        cert_sha256 = cert_sha256.lower()
        if not macskcb:
            raise ValueError(f"trust directory: {path} line {line_no}: empty macskcb")
        if not tax_code and not cert_sha256:
            raise ValueError(f"trust directory: {path} line {line_no}: needs a tax_code or a cert_sha256")
        if cert_sha256 and not _HEX64.match(cert_sha256):
            raise ValueError(f"trust directory: {path} line {line_no}: cert_sha256 is not 64 hex digits")
        rows.append(FacilityRow(macskcb=macskcb, name=name, tax_code=tax_code, cert_sha256=cert_sha256))
    return rows


def _load_crl(path: Path) -> x509.CertificateRevocationList:
    data = path.read_bytes()
    try:
        if b"-----BEGIN X509 CRL-----" in data:
            return x509.load_pem_x509_crl(data)
        return x509.load_der_x509_crl(data)
    except ValueError as exc:
        raise ValueError(f"trust directory: {path} is not a DER or PEM CRL ({exc})") from exc


# ----------------------------------------------------------------------------------------------
# Outcome
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignaturePolicy:
    """Verification policy knobs."""

    allow_sha1_before: datetime | None = None  # legacy SHA-1 accepted only for files received before this


@dataclass
class SignatureOutcome:
    """What the signature stage concluded about one file. ``code`` is None exactly when accepted."""

    code: str | None
    status: str
    detail: str
    signer_subject: str | None = None
    signer_sha256: str | None = None
    algorithm: str | None = None
    signed_root: etree._Element | None = None
    revocation: str = "unchecked"

    @property
    def ok(self) -> bool:
        return self.code is None


_STATUS = {
    "SIG.UNSIGNED": "unsigned",
    "SIG.STRUCTURE": "structure",
    "SIG.ALGORITHM": "algorithm",
    "SIG.INVALID": "invalid",
    "SIG.REFORMATTED": "reformatted",
    "SIG.UNTRUSTED": "untrusted",
    "SIG.EXPIRED": "expired",
    "SIG.REVOKED": "revoked",
    "SIG.NOT_BOUND": "not_bound",
}


class _Reject(Exception):
    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


@dataclass
class _Facts:
    """What is known about the file so far (for the outcome, also on failure)."""

    algorithm: str | None = None
    legacy_sha1: bool = False
    offered: x509.Certificate | None = None  # the certificate the signature presents as its own, if any
    signer: x509.Certificate | None = None  # the certificate whose key verified SignatureValue
    unverified: bool = False  # key trial ran and no certificate verified: report no signer


def _cert_sha256(cert: x509.Certificate) -> str:
    return hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()


def _subject(cert: x509.Certificate) -> str | None:
    try:
        return cert.subject.rfc4514_string()
    except ValueError:
        return None


def _outcome(code: str | None, status: str, detail: str, facts: _Facts, **kwargs: Any) -> SignatureOutcome:
    cert = facts.signer or (None if facts.unverified else facts.offered)
    return SignatureOutcome(
        code=code,
        status=status,
        detail=detail,
        signer_subject=_subject(cert) if cert is not None else None,
        signer_sha256=_cert_sha256(cert) if cert is not None else None,
        algorithm=facts.algorithm,
        **kwargs,
    )


def _reject(code: str, detail: str, facts: _Facts, revocation: str = "unchecked") -> SignatureOutcome:
    return _outcome(code, _STATUS[code], detail, facts, revocation=revocation)


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


# ----------------------------------------------------------------------------------------------
# Reading the signature (structure, algorithms, key information) from the hardened parse
# ----------------------------------------------------------------------------------------------


@dataclass
class _Reference:
    element: etree._Element
    uri: str
    target: etree._Element | None  # None: the whole document (URI="")
    c14n: Algorithm | None  # the canonicalization transform, if any
    prefixes: list[str] | None  # its InclusiveNamespaces PrefixList
    digest: Algorithm
    digest_value: bytes


@dataclass
class _KeyInfo:
    certificates: list[x509.Certificate] = field(default_factory=list)
    subject_names: list[str] = field(default_factory=list)
    issuer_serials: list[tuple[str, str]] = field(default_factory=list)
    skis: list[bytes] = field(default_factory=list)
    digests: list[tuple[str, bytes]] = field(default_factory=list)  # (DigestMethod URI, value)
    key_values: list[Any] = field(default_factory=list)  # public keys from KeyValue/DEREncodedKeyValue


@dataclass
class _Signature:
    element: etree._Element
    signed_info: etree._Element
    c14n: Algorithm
    prefixes: list[str] | None
    method: Algorithm
    value: bytes
    references: list[_Reference]
    key_info: _KeyInfo


def _element_children(el: etree._Element) -> list[etree._Element]:
    return [child for child in el if isinstance(child.tag, str)]


def _b64(text: str | None, what: str) -> bytes:
    """Strict base64 after removing whitespace (Java signers wrap lines, some with CR: ``&#13;``)."""
    try:
        return base64.b64decode("".join((text or "").split()), validate=True)
    except (binascii.Error, ValueError):
        raise _Reject("SIG.STRUCTURE", f"{what} is not valid base64") from None


ENVELOPE_ROOT = "GIAMDINHHS"


@dataclass(frozen=True)
class StandAlone:
    """A signed message that is not a GIAMDINHHS envelope: XML12's own message
    (``CHI_TIEU_GIAM_DINH_YKHOA`` with its ``CHUKYDONVI``, STANDARD.md XML12). Its signed data names no
    facility, so the signer must be registered for ``macskcb``, the facility of the folder it came from, by
    the same facilities.csv binding."""

    root_tag: str
    macskcb: str


def _parse(raw: bytes, parser: etree.XMLParser, root_tag: str = ENVELOPE_ROOT) -> etree._Element:
    try:
        root = etree.fromstring(raw, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise _Reject(
            "SIG.STRUCTURE", f"document is not well-formed XML (XMLSyntaxError line {exc.lineno})"
        ) from None
    tree = root.getroottree()
    if tree.docinfo.internalDTD is not None or tree.docinfo.doctype:
        raise _Reject("SIG.STRUCTURE", "document has a DOCTYPE")
    if root.tag != root_tag:
        raise _Reject("SIG.STRUCTURE", f"root element is not {root_tag} in no namespace")
    return root


def _locate(root: etree._Element) -> etree._Element:
    """The one ds:Signature, child of the one CHUKYDONVI, child of the root (else _Reject)."""
    slots = list(root.iter("CHUKYDONVI"))
    signatures = list(root.iter(_ds("Signature")))
    if not slots:
        if signatures:
            raise _Reject("SIG.STRUCTURE", "ds:Signature present but there is no CHUKYDONVI")
        raise _Reject("SIG.UNSIGNED", "no CHUKYDONVI element")
    if len(slots) > 1:
        raise _Reject("SIG.STRUCTURE", f"{len(slots)} CHUKYDONVI elements (exactly one expected)")
    slot = slots[0]
    if slot.getparent() is not root:
        raise _Reject("SIG.STRUCTURE", f"CHUKYDONVI is not a child of the root {root.tag!s}")
    if len(signatures) > 1:
        raise _Reject("SIG.STRUCTURE", f"{len(signatures)} ds:Signature elements (exactly one expected)")
    slot_children = _element_children(slot)
    if not signatures:
        if slot_children:
            raise _Reject("SIG.STRUCTURE", "CHUKYDONVI holds elements but no XMLDSig Signature")
        raise _Reject("SIG.UNSIGNED", "CHUKYDONVI is empty (no Signature)")
    signature = signatures[0]
    if signature.getparent() is not slot:
        raise _Reject("SIG.STRUCTURE", "ds:Signature is not a child of CHUKYDONVI")
    if len(slot_children) != 1:
        raise _Reject("SIG.STRUCTURE", "CHUKYDONVI holds elements besides the Signature")
    return signature


def _c14n_method(el: etree._Element, table: AlgorithmTable, what: str) -> tuple[Algorithm, list[str] | None]:
    """A canonicalization (CanonicalizationMethod or Transform) and its InclusiveNamespaces prefixes."""
    algo = table.lookup("canonicalization", el.get("Algorithm") or "")
    children = _element_children(el)
    prefixes = None
    if children:
        if (
            not algo.exclusive
            or len(children) != 1
            or children[0].tag != f"{{{EXC_C14N_NS}}}InclusiveNamespaces"
            or _element_children(children[0])
        ):
            raise _Reject("SIG.STRUCTURE", f"unexpected parameters under {what}")
        prefixes = (children[0].get("PrefixList") or "").split()
    return algo, prefixes


def _read(signature: etree._Element, table: AlgorithmTable, facts: _Facts) -> _Signature:
    """The signature's parts, with structural checks. Algorithms are looked up, not yet judged."""
    sig_children = _element_children(signature)
    names = [child.tag for child in sig_children]
    if names[:2] != [_ds("SignedInfo"), _ds("SignatureValue")]:
        raise _Reject("SIG.STRUCTURE", "Signature must start with SignedInfo, SignatureValue")
    rest = names[2:]
    if rest and rest[0] == _ds("KeyInfo"):
        rest = rest[1:]
    if any(name != _ds("Object") for name in rest):
        raise _Reject("SIG.STRUCTURE", "Signature must hold SignedInfo, SignatureValue, KeyInfo, Object only")
    signed_info = sig_children[0]
    si_children = _element_children(signed_info)
    if [child.tag for child in si_children[:2]] != [_ds("CanonicalizationMethod"), _ds("SignatureMethod")]:
        raise _Reject("SIG.STRUCTURE", "SignedInfo must start with CanonicalizationMethod, SignatureMethod")
    ref_elements = si_children[2:]
    if not ref_elements or any(ref.tag != _ds("Reference") for ref in ref_elements):
        raise _Reject("SIG.STRUCTURE", "SignedInfo must hold References after SignatureMethod")
    c14n, prefixes = _c14n_method(si_children[0], table, "CanonicalizationMethod")
    method_el = si_children[1]
    method = table.lookup("signature", method_el.get("Algorithm") or "")
    if _element_children(method_el) and method.status != "refused":  # HMACOutputLength: refused anyway
        raise _Reject("SIG.STRUCTURE", "unexpected parameters under SignatureMethod")
    references = [_read_reference(ref, signature, table) for ref in ref_elements]
    whole = [ref for ref in references if ref.target is None]
    if len(whole) != 1:
        raise _Reject(
            "SIG.STRUCTURE", f'{len(whole)} Reference URI="" (exactly one expected: the whole document)'
        )
    if len(references) - 1 > MAX_OBJECT_REFERENCES:
        raise _Reject(
            "SIG.STRUCTURE", f"{len(references)} Reference elements (at most {MAX_OBJECT_REFERENCES + 1})"
        )
    digests = sorted({ref.digest.name for ref in references})
    facts.algorithm = f"{method.name}/{','.join(digests)}"
    value = _b64(sig_children[1].text, "SignatureValue")
    key_info = (
        _read_key_info(sig_children[2])
        if len(sig_children) > 2 and names[2] == _ds("KeyInfo")
        else _KeyInfo()
    )
    facts.offered = _offered(key_info.certificates)
    return _Signature(
        element=signature,
        signed_info=signed_info,
        c14n=c14n,
        prefixes=prefixes,
        method=method,
        value=value,
        references=references,
        key_info=key_info,
    )


def _read_reference(ref: etree._Element, signature: etree._Element, table: AlgorithmTable) -> _Reference:
    uri = ref.get("URI")
    children = _element_children(ref)
    if [child.tag for child in children] == [_ds("DigestMethod"), _ds("DigestValue")]:
        children = [etree.Element(_ds("Transforms")), *children]  # no Transforms at all
    if [child.tag for child in children] != [_ds("Transforms"), _ds("DigestMethod"), _ds("DigestValue")]:
        raise _Reject("SIG.STRUCTURE", "Reference must hold Transforms, DigestMethod, DigestValue")
    transforms = _element_children(children[0])
    if any(t.tag != _ds("Transform") for t in transforms):
        raise _Reject("SIG.STRUCTURE", "unexpected element in Transforms")
    if uri == "":
        target = None
        # The whole document: the enveloped-signature transform, then at most one canonicalization.
        if not transforms or transforms[0].get("Algorithm") != ENVELOPED or _element_children(transforms[0]):
            raise _Reject(
                "SIG.STRUCTURE",
                'Reference URI="" must start with the enveloped-signature transform '
                "(then at most one canonicalization)",
            )
        c14n_transforms = transforms[1:]
    elif uri is not None and uri.startswith("#") and not uri.startswith("#xpointer("):
        target = _object_target(uri[1:], signature)
        # A property of the signature itself: the enveloped transform is a no-op there (.NET adds it).
        c14n_transforms = (
            transforms[1:] if transforms and transforms[0].get("Algorithm") == ENVELOPED else transforms
        )
    else:
        raise _Reject(
            "SIG.STRUCTURE",
            'a Reference must be URI="" (the whole document) or "#id" of an Object of the signature '
            "(nothing outside the file is ever fetched)",
        )
    if len(c14n_transforms) > 1:
        raise _Reject("SIG.STRUCTURE", "a Reference may carry at most one canonicalization transform")
    c14n: Algorithm | None = None
    prefixes = None
    if c14n_transforms:
        c14n, prefixes = _c14n_method(c14n_transforms[0], table, "Transform")
        if c14n.uri not in table.canonicalization:
            raise _Reject(
                "SIG.STRUCTURE",
                f"Transform {_short(c14n.uri, 80)} is not allowed "
                "(enveloped-signature, then one canonicalization)",
            )
    digest_el = children[1]
    if _element_children(digest_el):
        raise _Reject("SIG.STRUCTURE", "unexpected parameters under DigestMethod")
    digest = table.lookup("digest", digest_el.get("Algorithm") or "")
    return _Reference(
        element=ref,
        uri=uri or "",
        target=target,
        c14n=c14n,
        prefixes=prefixes,
        digest=digest,
        digest_value=_b64(children[2].text, "DigestValue"),
    )


_ID_ATTRIBUTES = ("Id", "ID", "id")


def _object_target(ident: str, signature: etree._Element) -> etree._Element:
    """The element with this Id: unique in the document, and inside a ds:Object of this signature."""
    root = signature.getroottree().getroot()
    found = [
        el
        for el in root.iter()
        if isinstance(el.tag, str) and any(el.get(a) == ident for a in _ID_ATTRIBUTES)
    ]
    if len(found) != 1:
        raise _Reject(
            "SIG.STRUCTURE", f'Reference "#{_short(ident, 40)}" names {len(found)} elements (exactly one)'
        )
    target = found[0]
    objects = [el for el in target.iterancestors() if el.tag == _ds("Object")]
    if target.tag == _ds("Object"):
        objects.insert(0, target)
    if not objects or objects[-1].getparent() is not signature:
        raise _Reject(
            "SIG.STRUCTURE",
            f'Reference "#{_short(ident, 40)}" is not an Object of the signature (only the whole document '
            "and the signature's own properties may be referenced)",
        )
    return target


def _read_key_info(key_info: etree._Element) -> _KeyInfo:
    out = _KeyInfo()
    for clause in _element_children(key_info):
        if clause.tag == _ds("X509Data"):
            for item in _element_children(clause):
                if item.tag == _ds("X509Certificate"):
                    if len(out.certificates) >= MAX_CERTIFICATES:
                        raise _Reject(
                            "SIG.STRUCTURE", f"more than {MAX_CERTIFICATES} X509Certificate elements"
                        )
                    der = _b64(item.text, "X509Certificate")
                    try:
                        out.certificates.append(x509.load_der_x509_certificate(der))
                    except ValueError:
                        raise _Reject("SIG.STRUCTURE", "unreadable X509Certificate") from None
                elif item.tag == _ds("X509SubjectName"):
                    out.subject_names.append((item.text or "").strip())
                elif item.tag == _ds("X509IssuerSerial"):
                    out.issuer_serials.append(
                        (
                            (item.findtext(_ds("X509IssuerName")) or "").strip(),
                            (item.findtext(_ds("X509SerialNumber")) or "").strip(),
                        )
                    )
                elif item.tag == _ds("X509SKI"):
                    out.skis.append(_b64(item.text, "X509SKI"))
                elif item.tag == f"{{{DSIG11_NS}}}X509Digest":
                    out.digests.append((item.get("Algorithm") or "", _b64(item.text, "X509Digest")))
                # X509CRL and other namespaces: not used (revocation comes from the trust directory)
        elif clause.tag == _ds("KeyValue"):
            out.key_values.extend(_key_value(clause))
        elif clause.tag == f"{{{DSIG11_NS}}}DEREncodedKeyValue":
            try:
                out.key_values.append(
                    serialization.load_der_public_key(_b64(clause.text, "DEREncodedKeyValue"))
                )
            except (ValueError, UnsupportedAlgorithm):
                raise _Reject("SIG.STRUCTURE", "unreadable DEREncodedKeyValue") from None
        # KeyName, RetrievalMethod (never followed), MgmtData, ...: not used
    return out


def _key_value(clause: etree._Element) -> list[Any]:
    keys: list[Any] = []
    for item in _element_children(clause):
        try:
            if item.tag == _ds("RSAKeyValue"):
                n = int.from_bytes(_b64(item.findtext(_ds("Modulus")), "RSAKeyValue"), "big")
                e = int.from_bytes(_b64(item.findtext(_ds("Exponent")), "RSAKeyValue"), "big")
                keys.append(rsa.RSAPublicNumbers(e=e, n=n).public_key())
            elif item.tag == f"{{{DSIG11_NS}}}ECKeyValue":
                named = item.find(f"{{{DSIG11_NS}}}NamedCurve")
                curve = EC_CURVES.get(named.get("URI") or "") if named is not None else None
                point = _b64(item.findtext(f"{{{DSIG11_NS}}}PublicKey"), "ECKeyValue")
                if curve is None:
                    raise ValueError("curve")
                keys.append(ec.EllipticCurvePublicKey.from_encoded_point(curve, point))
            # DSAKeyValue: DSA is refused by the algorithm table before any key is used
        except (ValueError, AttributeError, TypeError, UnsupportedAlgorithm):
            raise _Reject("SIG.STRUCTURE", "unreadable KeyValue") from None
    return keys


def _is_ca(cert: x509.Certificate) -> bool:
    try:
        return bool(cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except x509.ExtensionNotFound:
        return False


def _offered(certs: list[x509.Certificate]) -> x509.Certificate | None:
    """The certificate to name in a receipt before the signer is known: the one end-entity offered."""
    leaves = [cert for cert in certs if not _is_ca(cert)]
    return leaves[0] if len(leaves) == 1 else None


# ----------------------------------------------------------------------------------------------
# Algorithm policy
# ----------------------------------------------------------------------------------------------


def _judge_algorithms(
    sig: _Signature, table: AlgorithmTable, policy: SignaturePolicy, when: datetime, facts: _Facts
) -> None:
    """SIG.ALGORITHM naming what was found and what is allowed; SHA-1 only under the legacy policy."""
    used = [("canonicalization", sig.c14n), ("signature", sig.method)]
    used += [("digest", ref.digest) for ref in sig.references]
    used += [("canonicalization", ref.c14n) for ref in sig.references if ref.c14n is not None]
    for kind, algo in used:
        if algo.status == "refused":
            why = "unknown algorithm" if algo.reason == "unknown" else algo.reason
            raise _Reject(
                "SIG.ALGORITHM",
                f"{kind} {algo.name} is not allowed ({why}); allowed: {table.allowed(kind)}",
            )
    legacy = sorted({algo.name for _, algo in used if algo.status == "legacy"})
    if legacy:
        facts.legacy_sha1 = True
        cutoff = policy.allow_sha1_before
        found = "/".join(legacy)
        allowed = f"allowed: {table.allowed('signature')} with {table.allowed('digest')}"
        if cutoff is None:
            raise _Reject("SIG.ALGORITHM", f"SHA-1 ({found}) is not allowed; {allowed}")
        cutoff = cutoff.replace(tzinfo=UTC) if cutoff.tzinfo is None else cutoff
        if not when < cutoff:
            raise _Reject(
                "SIG.ALGORITHM",
                f"SHA-1 ({found}) not allowed for files received after the cut-off; {allowed}",
            )


def _judge_key(cert: x509.Certificate) -> None:
    key = cert.public_key()
    if isinstance(key, rsa.RSAPublicKey) and key.key_size < MIN_RSA_BITS:
        raise _Reject("SIG.ALGORITHM", f"RSA key of {key.key_size} bits (at least {MIN_RSA_BITS} required)")
    if isinstance(key, ec.EllipticCurvePublicKey) and key.curve.name not in {
        c.name for c in EC_CURVES.values()
    }:
        raise _Reject("SIG.ALGORITHM", f"elliptic curve {key.curve.name} not allowed (P-256, P-384, P-521)")


# ----------------------------------------------------------------------------------------------
# Canonicalization
# ----------------------------------------------------------------------------------------------

_INHERITED_XML_ATTRIBUTES = {False: ("lang", "space", "base", "id"), True: ("lang", "space")}


def _c14n_subtree(el: etree._Element, c14n: Algorithm, prefixes: list[str] | None) -> bytes:
    """C14N of the document subset rooted at ``el`` (SignedInfo, a signature property).

    Exclusive C14N is lxml's own. For inclusive C14N, lxml's document-subset output is not conforming
    (it adds ``xmlns=""`` to grandchildren of a default-namespace element and drops the ``xml:*``
    attributes the subset inherits), so the subset is serialised on its own (lxml declares every in-scope
    namespace on it), given the inherited ``xml:*`` attributes (C14N 1.0 §2.4; C14N 1.1 inherits
    ``xml:lang`` and ``xml:space`` only) and canonicalized as a whole document, which lxml does right.
    """
    if c14n.exclusive:
        return etree.tostring(
            el, method="c14n", exclusive=True, with_comments=c14n.comments, inclusive_ns_prefixes=prefixes
        )
    version11 = c14n.uri.startswith(C14N11)
    inherited: dict[str, str] = {}
    for ancestor in el.iterancestors():
        for name in _INHERITED_XML_ATTRIBUTES[version11]:
            key = f"{{{XML_NS}}}{name}"
            value = ancestor.get(key)
            if value is not None and key not in inherited and el.get(key) is None:
                inherited[key] = value
        if version11 and ancestor.get(f"{{{XML_NS}}}base") is not None:
            raise _Reject("SIG.STRUCTURE", "xml:base above the signature is not supported with C14N 1.1")
    copy = etree.fromstring(etree.tostring(el, with_tail=False), parser=hardened_parser())
    for key, value in inherited.items():
        copy.set(key, value)
    return etree.tostring(copy.getroottree(), method="c14n", with_comments=c14n.comments)


def _c14n_document_without(root: etree._Element, signature: etree._Element, ref: _Reference) -> bytes:
    """The enveloped-signature transform, then the reference's canonicalization of the whole document.

    ``URI=""`` selects the document without comments whatever the canonicalization says (XMLDSig §4.4.3.3).
    The signature element is removed from the parsed tree itself (the tree is not used afterwards); the
    text after it stays where it was.
    """
    parent = signature.getparent()
    assert parent is not None  # _locate found it inside CHUKYDONVI
    tail, previous = signature.tail, signature.getprevious()
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(signature)
    exclusive = ref.c14n is not None and ref.c14n.exclusive
    return etree.tostring(
        root.getroottree(),
        method="c14n",
        exclusive=exclusive,
        with_comments=False,
        inclusive_ns_prefixes=ref.prefixes if exclusive else None,
    )


# ----------------------------------------------------------------------------------------------
# Finding the signer by its key
# ----------------------------------------------------------------------------------------------


def _value_verifies(key: Any, method: Algorithm, data: bytes, value: bytes) -> bool:
    algorithm = _HASHES[method.hash]()
    try:
        if method.key == "rsa" and isinstance(key, rsa.RSAPublicKey):
            key.verify(value, data, padding.PKCS1v15(), algorithm)
        elif method.key == "rsa-pss" and isinstance(key, rsa.RSAPublicKey):
            key.verify(
                value, data, padding.PSS(mgf=padding.MGF1(algorithm), salt_length=padding.PSS.AUTO), algorithm
            )
        elif method.key == "ecdsa" and isinstance(key, ec.EllipticCurvePublicKey):
            size = (key.curve.key_size + 7) // 8
            if len(value) != 2 * size:  # XMLDSig: r || s, each the size of the curve order
                return False
            r, s = int.from_bytes(value[:size], "big"), int.from_bytes(value[size:], "big")
            key.verify(encode_dss_signature(r, s), data, ec.ECDSA(algorithm))
        else:
            return False
    except InvalidSignature:
        return False
    return True


def _find_signer(sig: _Signature, candidates: list[x509.Certificate], data: bytes) -> x509.Certificate | None:
    for cert in candidates:
        if _value_verifies(cert.public_key(), sig.method, data, sig.value):
            return cert
    return None


_DN_TYPES = {
    "CN": "2.5.4.3",
    "SN": "2.5.4.4",
    "SURNAME": "2.5.4.4",
    "SERIALNUMBER": "2.5.4.5",
    "C": "2.5.4.6",
    "L": "2.5.4.7",
    "S": "2.5.4.8",
    "ST": "2.5.4.8",
    "STREET": "2.5.4.9",
    "O": "2.5.4.10",
    "OU": "2.5.4.11",
    "T": "2.5.4.12",
    "TITLE": "2.5.4.12",
    "G": "2.5.4.42",
    "GN": "2.5.4.42",
    "GIVENNAME": "2.5.4.42",
    "E": "1.2.840.113549.1.9.1",
    "EMAIL": "1.2.840.113549.1.9.1",
    "EMAILADDRESS": "1.2.840.113549.1.9.1",
    "UID": "0.9.2342.19200300.100.1.1",
    "USERID": "0.9.2342.19200300.100.1.1",
    "DC": "0.9.2342.19200300.100.1.25",
}  # attribute names as .NET (X500DistinguishedName), Java (RFC 2253) and OpenSSL print them


def _dn_value(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1].replace('""', '"')
    value = re.sub(r"\\([0-9A-Fa-f]{2})", lambda m: chr(int(m.group(1), 16)), value)
    value = re.sub(r"\\(.)", r"\1", value)
    return " ".join(value.split()).casefold()


def _dn_key(text: str) -> tuple[tuple[str, str], ...] | None:
    """An order-insensitive key for a distinguished name as signers print it (any RDN order, separators
    ``,``/``;``/``+``, .NET ``S=``/``OID.x=`` names, quoted or escaped values); None if unparsable."""
    parts, current, quoted, escaped = [], "", False, False
    for ch in text:
        if escaped:
            current += ch
            escaped = False
        elif ch == "\\":
            current += ch
            escaped = True
        elif ch == '"':
            current += ch
            quoted = not quoted
        elif ch in ",;+" and not quoted:
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    pairs = []
    for part in parts:
        if "=" not in part:
            return None
        name, value = part.split("=", 1)
        name = name.strip().upper().removeprefix("OID.")
        pairs.append((_DN_TYPES.get(name, name), _dn_value(value)))
    return tuple(sorted(pairs))


def _name_key(name: x509.Name) -> tuple[tuple[str, str], ...]:
    return tuple(
        sorted(
            (attr.oid.dotted_string, " ".join(attr.value.split()).casefold())
            for attr in name
            if isinstance(attr.value, str)
        )
    )


def _serials(text: str) -> set[int]:
    out = set()
    for base in (10, 16):  # decimal per XMLDSig; some tools print hex
        try:
            out.add(int(text, base))
        except ValueError:
            continue
    return out


def _ski(cert: x509.Certificate) -> bytes | None:
    try:
        return cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.digest
    except x509.ExtensionNotFound:
        return None


def _spki(key: PublicKeyTypes) -> bytes:
    return key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def _registered_candidates(info: _KeyInfo, trust: TrustStore, macskcb_hint: str) -> list[x509.Certificate]:
    """Registered certificates the signature names (by each identifier it carries), then every certificate
    registered for the facility the file claims to be from. Only a search order: the key decides."""
    index, table = trust.index, algorithms()
    found: list[x509.Certificate] = []
    for uri, value in info.digests:
        algo = table.digest.get(uri)
        if algo is not None:
            found += index.by_digest.get((algo.hash, value), [])
    for _, serial in info.issuer_serials:
        for number in _serials(serial):
            found += index.by_serial.get(number, [])
    for ski in info.skis:
        found += index.by_ski.get(ski, [])
    for name in info.subject_names:
        key = _dn_key(name)
        if key is not None:
            found += index.by_subject.get(key, [])
    for public_key in info.key_values:
        found += index.by_spki.get(_spki(public_key), [])
    found += index.by_facility.get(macskcb_hint, [])
    out: list[x509.Certificate] = []
    seen: set[bytes] = set()
    for cert in found:
        fingerprint = cert.fingerprint(hashes.SHA256())
        if fingerprint not in seen:
            seen.add(fingerprint)
            out.append(cert)
    return out[:MAX_REGISTERED_CANDIDATES]


def _macskcb_hint(root: etree._Element) -> str:
    """MACSKCB as the raw file claims it: only to choose which registered certificates to try."""
    el = root.find("THONGTINDONVI/MACSKCB")
    return "".join(el.itertext()).strip() if el is not None else ""


# ----------------------------------------------------------------------------------------------
# Chain, revocation and binding
# ----------------------------------------------------------------------------------------------


def _require_signing_key_usage(policy: Any, cert: x509.Certificate, key_usage: x509.KeyUsage | None) -> None:
    if key_usage is None or not key_usage.digital_signature:
        raise ValueError("certificate KeyUsage does not allow digitalSignature")


@functools.cache
def _policies() -> tuple[verification.ExtensionPolicy, verification.ExtensionPolicy]:
    ee = verification.ExtensionPolicy.permit_all().require_present(
        x509.KeyUsage, verification.Criticality.AGNOSTIC, _require_signing_key_usage
    )
    return ee, verification.ExtensionPolicy.webpki_defaults_ca()


def _chain(
    leaf: x509.Certificate, offered: list[x509.Certificate], trust: TrustStore, when: datetime
) -> list[x509.Certificate]:
    """The verified chain leaf → root at ``when``; raises ``VerificationError``."""
    ee, ca = _policies()
    verifier = (
        verification.PolicyBuilder()
        .store(trust.store)
        .time(when)
        .extension_policies(ee_policy=ee, ca_policy=ca)
        .build_client_verifier()
    )
    pool = [cert for cert in offered if cert != leaf] + trust.intermediates
    return list(verifier.verify(leaf, pool).chain)


def _classify_chain_failure(
    exc: Exception, leaf: x509.Certificate, offered: list[x509.Certificate], trust: TrustStore, when: datetime
) -> _Reject:
    """EXPIRED when the signer is outside its validity at receipt but chains inside it; else UNTRUSTED."""
    before, after = leaf.not_valid_before_utc, leaf.not_valid_after_utc
    if not before <= when <= after:
        inside = after if when > after else before
        try:
            _chain(leaf, offered, trust, inside)
        except verification.VerificationError:
            pass
        else:
            if when > after:
                return _Reject(
                    "SIG.EXPIRED", f"signer certificate expired {after:%Y-%m-%d}, before the receipt time"
                )
            return _Reject(
                "SIG.EXPIRED",
                f"signer certificate not valid before {before:%Y-%m-%d}, after the receipt time",
            )
    reason = str(exc).split(" (encountered processing", 1)[0]
    return _Reject("SIG.UNTRUSTED", f"no valid chain to a trusted root ({_short(reason)})")


def _revocation_of(
    cert: x509.Certificate, issuer: x509.Certificate, crls: list[x509.CertificateRevocationList], at: datetime
) -> str:
    """'revoked' | 'good' | 'unknown' (CRL present but unusable: bad signature or stale) | 'unchecked'."""
    candidates = [crl for crl in crls if crl.issuer == issuer.subject]
    if not candidates:
        return "unchecked"
    issuer_key = issuer.public_key()
    usable = []
    for crl in candidates:
        try:
            if crl.is_signature_valid(issuer_key):  # type: ignore[arg-type]
                usable.append(crl)
        except (TypeError, ValueError):
            continue
    if not usable:
        return "unknown"
    for crl in usable:  # a revocation seen in any authentic CRL stands, fresh or not
        entry = crl.get_revoked_certificate_by_serial_number(cert.serial_number)
        if entry is not None and entry.revocation_date_utc <= at:
            return "revoked"
    fresh = [crl for crl in usable if crl.next_update_utc is not None and crl.next_update_utc >= at]
    return "good" if fresh else "unknown"


def _revocation_status(
    chain: list[x509.Certificate], crls: list[x509.CertificateRevocationList], at: datetime
) -> str:
    """Status of the leaf; 'revoked' if any certificate of the chain is revoked."""
    if len(chain) < 2:
        return "unchecked"
    statuses = [_revocation_of(chain[i], chain[i + 1], crls, at) for i in range(len(chain) - 1)]
    if "revoked" in statuses:
        return "revoked"
    return statuses[0]


def _tax_codes(cert: x509.Certificate) -> set[str]:
    codes = set()
    for attr in cert.subject.get_attributes_for_oid(x509.NameOID.USER_ID):
        value = attr.value if isinstance(attr.value, str) else ""
        if value.upper().startswith("MST:"):
            codes.add(value[4:].strip())
    return codes


def _row_binds(row: FacilityRow, cert: x509.Certificate) -> bool:
    if row.cert_sha256 and row.cert_sha256 == _cert_sha256(cert):
        return True
    return bool(row.tax_code) and row.tax_code in _tax_codes(cert)


def _bound(macskcb: str, cert: x509.Certificate, facilities: list[FacilityRow]) -> bool:
    return any(row.macskcb == macskcb and _row_binds(row, cert) for row in facilities)


# ----------------------------------------------------------------------------------------------
# Integrity: the signer by its key, then every digest
# ----------------------------------------------------------------------------------------------


@dataclass
class _Integrity:
    signer: x509.Certificate | None
    candidates: list[x509.Certificate]
    registered: bool  # the candidates came from the trust directory (the signature embeds none)
    changed: list[str]  # references whose digest differs
    document: bytes  # the canonical signed document (valid only when signer and not changed)


def _integrity(
    root: etree._Element,
    sig: _Signature,
    trust: TrustStore,
    *,
    changed_too: bool = True,
    hint: str | None = None,
) -> _Integrity:
    signed_info = _c14n_subtree(sig.signed_info, sig.c14n, sig.prefixes)
    registered = not sig.key_info.certificates
    candidates = (
        sig.key_info.certificates
        if not registered
        else _registered_candidates(sig.key_info, trust, _macskcb_hint(root) if hint is None else hint)
    )
    signer = _find_signer(sig, candidates, signed_info)
    result = _Integrity(signer=signer, candidates=candidates, registered=registered, changed=[], document=b"")
    if signer is None and not changed_too:
        return result
    for ref in sig.references:  # the signature's own properties, while the signature is in the tree
        if ref.target is not None:
            data = _c14n_subtree(ref.target, ref.c14n or algorithms().canonicalization[C14N10], ref.prefixes)
            if not _digest_matches(ref, data):
                result.changed.append(f'the signed property "{_short(ref.uri, 40)}"')
    whole = next(ref for ref in sig.references if ref.target is None)
    result.document = _c14n_document_without(root, sig.element, whole)
    if not _digest_matches(whole, result.document):
        result.changed.insert(0, "the signed document")
    return result


def _digest_matches(ref: _Reference, data: bytes) -> bool:
    return hmac.compare_digest(hashlib.new(ref.digest.hash, data).digest(), ref.digest_value)


def _diagnose(root: etree._Element, sig: _Signature, integrity: _Integrity) -> str | None:
    """Name a known signing-tool bug when SignatureValue verifies only under it, else None."""
    if not sig.c14n.exclusive:
        # SignedInfo hashed on its own, without the namespace declarations it inherits in the document
        # (xmlns:xsi/xmlns:xsd of GIAMDINHHS): remote/HSM "hash signing" helpers that build SignedInfo in
        # a separate document do this.
        standalone = etree.tostring(
            sig.signed_info, method="c14n", exclusive=True, with_comments=sig.c14n.comments
        )
        if _find_signer(sig, integrity.candidates, standalone) is not None:
            return (
                "the signing tool computed SignatureValue over SignedInfo without the namespace declarations "
                "it inherits from GIAMDINHHS (it must canonicalize SignedInfo in place, as "
                f"{sig.c14n.name} requires); re-sign with a conforming tool"
            )
    if sig.method.key == "ecdsa":
        signed_info = _c14n_subtree(sig.signed_info, sig.c14n, sig.prefixes)
        for cert in integrity.candidates:
            key = cert.public_key()
            try:
                decode_dss_signature(sig.value)
                if isinstance(key, ec.EllipticCurvePublicKey):
                    key.verify(sig.value, signed_info, ec.ECDSA(_HASHES[sig.method.hash]()))
                    return (
                        "the ECDSA SignatureValue is DER-encoded; XMLDSig requires the raw r||s form "
                        "(RFC 4050): the signing tool must convert it"
                    )
            except (ValueError, InvalidSignature):
                continue
    return None


# ----------------------------------------------------------------------------------------------
# Entry point
# ----------------------------------------------------------------------------------------------


def verify_envelope(
    raw: bytes,
    trust: TrustStore,
    *,
    received_at: datetime,
    policy: SignaturePolicy = SignaturePolicy(),  # noqa: B008 - frozen, immutable default
    message: StandAlone | None = None,
) -> SignatureOutcome:
    """Verify one envelope's signature at the trusted receipt time (or, with ``message``, a stand-alone signed
    message's: its root element must be ``message.root_tag``). Never raises.

    ``received_at`` must come from our side (receipt/ingestion time), never from the file.
    A naive datetime is taken as UTC.
    """
    facts = _Facts()
    try:
        try:
            return _verify(raw, trust, received_at, policy, facts, message)
        except _Reject as rej:
            return _reject(rej.code, rej.detail, facts)
        except Exception as exc:  # noqa: BLE001 - the boundary: any input must yield an outcome
            return _reject("SIG.STRUCTURE", f"verification failed with {type(exc).__name__}", facts)
    except Exception as exc:  # noqa: BLE001 - even building the outcome failed: report without facts
        return SignatureOutcome(
            code="SIG.STRUCTURE", status="structure", detail=f"verification failed with {type(exc).__name__}"
        )


def _verify(
    raw: bytes,
    trust: TrustStore,
    received_at: datetime,
    policy: SignaturePolicy,
    facts: _Facts,
    message: StandAlone | None,
) -> SignatureOutcome:
    if not isinstance(raw, bytes | bytearray):
        raise _Reject("SIG.STRUCTURE", "input is not bytes")
    raw = bytes(raw)
    when = received_at.replace(tzinfo=UTC) if received_at.tzinfo is None else received_at.astimezone(UTC)
    table = algorithms()

    root_tag = message.root_tag if message else ENVELOPE_ROOT
    hint = message.macskcb if message else None
    root = _parse(raw, hardened_parser(), root_tag)
    sig = _read(_locate(root), table, facts)
    _judge_algorithms(sig, table, policy, when, facts)

    integrity = _integrity(root, sig, trust, changed_too=False, hint=hint)
    if integrity.signer is None:
        facts.unverified = True
        if _reformatted(raw, trust, table, policy, when, message):
            raise _Reject(
                "SIG.REFORMATTED",
                "document was re-formatted after signing (verifies only with blank text removed)",
            )
        known_bug = _diagnose(root, sig, integrity)
        if known_bug:
            raise _Reject("SIG.INVALID", f"signature value: {known_bug}")
        raise _no_signer(sig, integrity)
    facts.signer = integrity.signer
    _judge_key(integrity.signer)
    _check_key_values(sig, integrity.signer)
    if integrity.changed:
        if _reformatted(raw, trust, table, policy, when, message):
            raise _Reject(
                "SIG.REFORMATTED",
                "document was re-formatted after signing (verifies only with blank text removed)",
            )
        raise _Reject(
            "SIG.INVALID",
            f"digest mismatch of {' and '.join(integrity.changed)}: content changed after signing",
        )

    offered = sig.key_info.certificates
    try:
        chain = _chain(integrity.signer, offered, trust, when)
    except verification.VerificationError as exc:
        raise _classify_chain_failure(exc, integrity.signer, offered, trust, when) from None

    try:
        signed_xml = etree.fromstring(integrity.document, parser=hardened_parser())
    except etree.XMLSyntaxError:
        raise _Reject("SIG.STRUCTURE", "the signed data does not parse as XML") from None
    if signed_xml.tag != root_tag:
        raise _Reject("SIG.STRUCTURE", f"signed data is not a {root_tag} document in no namespace")

    revocation = _revocation_status(chain, trust.crls, when)
    if revocation == "revoked":
        return _reject(
            "SIG.REVOKED", "signer certificate (or its CA) revoked before the receipt time", facts, revocation
        )

    codes = [] if message else signed_xml.findall("THONGTINDONVI/MACSKCB")
    if len(codes) > 1:
        return _reject("SIG.STRUCTURE", "signed data holds more than one MACSKCB", facts, revocation)
    macskcb = "".join(codes[0].itertext()).strip() if codes else ""
    if message:  # the message names no facility: its signer must be registered for the folder's
        macskcb = message.macskcb
    if not macskcb:
        return _reject("SIG.NOT_BOUND", "signed data has no MACSKCB", facts, revocation)
    if not _bound(macskcb, integrity.signer, trust.facilities):
        return _reject(
            "SIG.NOT_BOUND",
            "signer certificate is not registered for the facility "
            + ("whose folder the message came from" if message else "named in the signed data"),
            facts,
            revocation,
        )

    status = "valid_legacy_sha1" if facts.legacy_sha1 else "valid"
    detail = "signature valid" + (" (legacy SHA-1 accepted by policy)" if facts.legacy_sha1 else "")
    if revocation != "good":
        detail += f"; revocation {revocation}"
    return _outcome(None, status, detail, facts, signed_root=signed_xml, revocation=revocation)


def _no_signer(sig: _Signature, integrity: _Integrity) -> _Reject:
    count = len(integrity.candidates)
    if not integrity.registered:
        return _Reject(
            "SIG.INVALID", f"signature value: no certificate in the signature verifies it ({count} offered)"
        )
    named = _identifiers(sig.key_info)
    if not count:
        return _Reject(
            "SIG.NOT_BOUND",
            f"the signature does not embed its certificate (it names it by {named}) and the trust directory "
            "holds no registered certificate for it: add the facility's certificate to <trust>/certs/",
        )
    return _Reject(
        "SIG.NOT_BOUND",
        f"the signature does not embed its certificate (it names it by {named}) and none of the {count} "
        "registered certificates tried verifies it: register the signing certificate in <trust>/certs/",
    )


def _identifiers(info: _KeyInfo) -> str:
    kinds = [
        name
        for name, present in (
            ("X509IssuerSerial", info.issuer_serials),
            ("X509SubjectName", info.subject_names),
            ("X509Digest", info.digests),
            ("X509SKI", info.skis),
            ("KeyValue", info.key_values),
        )
        if present
    ]
    return ", ".join(kinds) or "nothing"


def _check_key_values(sig: _Signature, signer: x509.Certificate) -> None:
    """A KeyValue beside X509Data must be the signer's key (else the signature is ambiguous)."""
    spki = _spki(signer.public_key())
    if any(_spki(key) != spki for key in sig.key_info.key_values):
        raise _Reject("SIG.STRUCTURE", "KeyValue names a different key than the signing certificate")


def _reformatted(
    raw: bytes,
    trust: TrustStore,
    table: AlgorithmTable,
    policy: SignaturePolicy,
    when: datetime,
    message: StandAlone | None = None,
) -> bool:
    """Diagnostic second pass: does the file verify once blank text (indentation) is removed?"""
    try:
        root = _parse(
            raw, hardened_parser(remove_blank_text=True), message.root_tag if message else ENVELOPE_ROOT
        )
        sig = _read(_locate(root), table, _Facts())
        _judge_algorithms(sig, table, policy, when, _Facts())
        integrity = _integrity(root, sig, trust, hint=message.macskcb if message else None)
    except Exception:  # noqa: BLE001 - diagnostic pass: any failure means "not merely re-formatted"
        return False
    return integrity.signer is not None and not integrity.changed
