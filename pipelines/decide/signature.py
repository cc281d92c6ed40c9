"""Signature stage: verify the XMLDSig inside ``CHUKYDONVI`` of a ``GIAMDINHHS`` envelope.

Implements SIGNATURE.md §6:

1. structural pre-checks on the hardened parse (one ``CHUKYDONVI`` child of the root, exactly one
   ``ds:Signature`` in the document and it is a child of that ``CHUKYDONVI``, one ``Reference`` with
   ``URI=""``, only the enveloped (+ C14N 1.0) transforms, C14N 1.0, allowed algorithms);
2. signxml verification with a pinned location, the ``xmlns=""`` excision switch (.NET default-namespace
   signatures), schema validation on a copy without ``Id`` (.NET GUIDs are not ``xs:ID``), chain
   building from the trust directory's roots with a pool of intermediates and no reversed-order
   retry, validity at the receipt time;
3. the signer certificate is the ``X509Certificate`` whose key signxml used; an offline CRL check;
4. the signer is bound to the facility named by ``MACSKCB`` *in the signed data* (facilities.csv:
   tax code from ``UID=MST:…`` or the certificate's SHA-256).

Only ``VerifyResult.signed_xml`` is handed on (``SignatureOutcome.signed_root``); later stages must
never re-read the raw tree. :func:`verify_envelope` never raises.

This is a stage module: it must not import Prefect nor the test-data generator.
"""

from __future__ import annotations

import base64
import binascii
import copy
import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from lxml import etree
from signxml import DigestAlgorithm, SignatureConfiguration, SignatureMethod, VerifyResult, XMLVerifier
from signxml.exceptions import InvalidCertificate, InvalidInput, InvalidSignature
from signxml.util import X509CertChainVerifier

from pipelines.decide.guard import hardened_parser

__all__ = [
    "FacilityRow",
    "SignatureOutcome",
    "SignaturePolicy",
    "TrustStore",
    "verify_envelope",
]

DS_NS = "http://www.w3.org/2000/09/xmldsig#"
C14N10 = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
ENVELOPED = DS_NS + "enveloped-signature"
RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
RSA_SHA1 = DS_NS + "rsa-sha1"
DIGEST_SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
DIGEST_SHA1 = DS_NS + "sha1"

_SIGNATURE_METHODS = {RSA_SHA256: "rsa-sha256", RSA_SHA1: "rsa-sha1"}
_DIGEST_METHODS = {DIGEST_SHA256: "sha256", DIGEST_SHA1: "sha1"}
_SHA1_URIS = {RSA_SHA1, DIGEST_SHA1}

CSV_HEADER = ["macskcb", "name", "tax_code", "cert_sha256"]
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


def _ds(tag: str) -> str:
    return f"{{{DS_NS}}}{tag}"


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
    """The loaded trust directory. Load once per process (:meth:`load`) and reuse for every file."""

    roots_pem: Path
    intermediates: list[x509.Certificate]
    facilities: list[FacilityRow]
    crls: list[x509.CertificateRevocationList]
    roots: list[x509.Certificate] = field(default_factory=list)  # parsed roots.pem (loaded if empty)

    def __post_init__(self) -> None:
        if not self.roots:
            self.roots = _load_pem_bundle(Path(self.roots_pem), required=True)

    @classmethod
    def load(cls, trust_dir: Path) -> TrustStore:
        """Read ``roots.pem``, ``intermediates.pem``, ``facilities.csv`` and ``crl/*.crl``.

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
        return cls(
            roots_pem=roots_pem, intermediates=intermediates, facilities=facilities, crls=crls, roots=roots
        )


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
    certs: list[x509.Certificate] = field(default_factory=list)  # X509Data order
    signer: x509.Certificate | None = None


def _cert_sha256(cert: x509.Certificate) -> str:
    return hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()


def _subject(cert: x509.Certificate) -> str | None:
    try:
        return cert.subject.rfc4514_string()
    except ValueError:
        return None


def _outcome(code: str | None, status: str, detail: str, facts: _Facts, **kwargs: object) -> SignatureOutcome:
    cert = facts.signer or (facts.certs[0] if facts.certs else None)
    return SignatureOutcome(
        code=code,
        status=status,
        detail=detail,
        signer_subject=_subject(cert) if cert is not None else None,
        signer_sha256=_cert_sha256(cert) if cert is not None else None,
        algorithm=facts.algorithm,
        **kwargs,  # type: ignore[arg-type]
    )


def _reject(code: str, detail: str, facts: _Facts, revocation: str = "unchecked") -> SignatureOutcome:
    return _outcome(code, _STATUS[code], detail, facts, revocation=revocation)


def _short(exc: BaseException, limit: int = 160) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


# ----------------------------------------------------------------------------------------------
# Pre-checks (structure and algorithms) on the hardened parse
# ----------------------------------------------------------------------------------------------


def _element_children(el: etree._Element) -> list[etree._Element]:
    return [child for child in el if isinstance(child.tag, str)]


def _precheck(raw: bytes, facts: _Facts) -> tuple[str, str]:
    """Structural checks. Returns (SignatureMethod URI, DigestMethod URI); raises _Reject."""
    try:
        root = etree.fromstring(raw, parser=hardened_parser())
    except etree.XMLSyntaxError as exc:
        raise _Reject(
            "SIG.STRUCTURE", f"document is not well-formed XML (XMLSyntaxError line {exc.lineno})"
        ) from None
    tree = root.getroottree()
    if tree.docinfo.internalDTD is not None or tree.docinfo.doctype:
        raise _Reject("SIG.STRUCTURE", "document has a DOCTYPE")
    if root.tag != "GIAMDINHHS":
        raise _Reject("SIG.STRUCTURE", "root element is not GIAMDINHHS in no namespace")

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
        raise _Reject("SIG.STRUCTURE", "CHUKYDONVI is not a child of GIAMDINHHS")
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

    sig_children = _element_children(signature)
    names = [child.tag for child in sig_children]
    if (
        names[:2] != [_ds("SignedInfo"), _ds("SignatureValue")]
        or len(names) > 3
        or (len(names) == 3 and names[2] != _ds("KeyInfo"))
    ):
        raise _Reject("SIG.STRUCTURE", "Signature must hold SignedInfo, SignatureValue, KeyInfo only")
    signed_info = sig_children[0]
    si_children = _element_children(signed_info)
    si_names = [child.tag for child in si_children]
    if si_names[:2] != [_ds("CanonicalizationMethod"), _ds("SignatureMethod")]:
        raise _Reject("SIG.STRUCTURE", "SignedInfo must start with CanonicalizationMethod, SignatureMethod")
    references = si_children[2:]
    if any(ref.tag != _ds("Reference") for ref in references):
        raise _Reject("SIG.STRUCTURE", "unexpected element in SignedInfo")
    if len(references) != 1:
        raise _Reject("SIG.STRUCTURE", f"{len(references)} Reference elements (exactly one expected)")
    c14n_method, signature_method = si_children[0], si_children[1]
    if c14n_method.get("Algorithm") != C14N10 or _element_children(c14n_method):
        raise _Reject("SIG.STRUCTURE", "CanonicalizationMethod is not plain C14N 1.0")
    reference = references[0]
    if reference.get("URI") != "":
        raise _Reject("SIG.STRUCTURE", 'Reference URI is not "" (whole document)')
    ref_children = _element_children(reference)
    ref_names = [child.tag for child in ref_children]
    if ref_names != [_ds("Transforms"), _ds("DigestMethod"), _ds("DigestValue")]:
        raise _Reject("SIG.STRUCTURE", "Reference must hold Transforms, DigestMethod, DigestValue")
    transforms = _element_children(ref_children[0])
    algorithms = [t.get("Algorithm") for t in transforms]
    if any(t.tag != _ds("Transform") or _element_children(t) for t in transforms) or algorithms not in (
        [ENVELOPED],
        [ENVELOPED, C14N10],
    ):
        raise _Reject("SIG.STRUCTURE", "Transforms must be enveloped-signature (optionally then C14N 1.0)")

    # Certificates (diagnostics; signxml re-reads them itself).
    x509_certs = signature.findall(f"{_ds('KeyInfo')}/{_ds('X509Data')}/{_ds('X509Certificate')}")
    if not x509_certs:
        raise _Reject("SIG.STRUCTURE", "no KeyInfo/X509Data/X509Certificate")
    for el in x509_certs:
        try:
            der = base64.b64decode("".join((el.text or "").split()), validate=True)
            facts.certs.append(x509.load_der_x509_certificate(der))
        except (ValueError, binascii.Error) as exc:
            raise _Reject("SIG.STRUCTURE", f"unreadable X509Certificate ({type(exc).__name__})") from None

    sig_uri = signature_method.get("Algorithm") or ""
    digest_uri = ref_children[1].get("Algorithm") or ""
    facts.algorithm = (
        f"{_SIGNATURE_METHODS.get(sig_uri, sig_uri)}/{_DIGEST_METHODS.get(digest_uri, digest_uri)}"
    )
    if _element_children(signature_method) or _element_children(ref_children[1]):
        raise _Reject("SIG.STRUCTURE", "unexpected parameters under SignatureMethod or DigestMethod")
    return sig_uri, digest_uri


# ----------------------------------------------------------------------------------------------
# signxml wiring
# ----------------------------------------------------------------------------------------------


class _PooledChainVerifier(X509CertChainVerifier):
    """Roots from the trust store (cached, not re-read), a pool of intermediates, forward order only.

    signxml's own verifier retries the X509Data chain reversed, which can make an intermediate look
    like the signer and turn an expired/wrong-usage leaf into a misleading InvalidSignature.
    """

    def __init__(
        self,
        *,
        trust: TrustStore,
        verification_time: datetime,
        ee_policy: x509.verification.ExtensionPolicy | None = None,
        ca_policy: x509.verification.ExtensionPolicy | None = None,
    ) -> None:
        super().__init__(
            ca_pem_file=str(trust.roots_pem),
            verification_time=verification_time,
            ee_policy=ee_policy,
            ca_policy=ca_policy,
        )
        self._trust = trust
        self.chain: list[x509.Certificate] = []

    @property
    def store(self) -> x509.verification.Store:
        return x509.verification.Store(self._trust.roots)

    def verify(self, cert_chain: list[x509.Certificate]) -> x509.Certificate:
        try:
            verified = self.verifier.verify(
                leaf=cert_chain[0], intermediates=[*cert_chain[1:], *self._trust.intermediates]
            )
        except x509.verification.VerificationError as exc:
            raise InvalidCertificate(str(exc)) from exc
        self.chain = list(verified.chain)
        return verified.chain[0]


class _QD130Verifier(XMLVerifier):
    excise_empty_xmlns_declarations = True  # .NET default-namespace <Signature> (SIGNATURE.md §2.7a)

    def __init__(self, trust: TrustStore) -> None:
        super().__init__()
        self._trust = trust
        self.chain_verifier: _PooledChainVerifier | None = None

    def validate_schema(self, signature: etree._Element) -> None:
        # Signature/@Id is not signed; .NET GUIDs starting with a digit are not xs:ID (§2.7b).
        stripped = copy.deepcopy(signature)
        stripped.attrib.pop("Id", None)
        super().validate_schema(stripped)

    def get_cert_chain_verifier(
        self,
        ca_pem_file: str | bytes | None,
        ee_policy: x509.verification.ExtensionPolicy | None,
        ca_policy: x509.verification.ExtensionPolicy | None,
    ) -> _PooledChainVerifier:
        self.chain_verifier = _PooledChainVerifier(
            trust=self._trust,
            verification_time=self._get_cert_verification_time(),
            ee_policy=ee_policy,
            ca_policy=ca_policy,
        )
        return self.chain_verifier


def _signxml_verify(
    raw: bytes, trust: TrustStore, config: SignatureConfiguration, parser: etree.XMLParser
) -> tuple[VerifyResult, _QD130Verifier]:
    verifier = _QD130Verifier(trust)
    result = verifier.verify(
        raw,
        ca_pem_file=str(trust.roots_pem),
        parser=parser,
        expect_config=config,
    )
    if not isinstance(result, VerifyResult):  # expect_references=1 always yields one result
        raise InvalidInput("unexpected number of references")
    return result, verifier


def _blank_stripping_parser() -> etree.XMLParser:
    """The hardened parser's settings plus remove_blank_text (diagnostic second pass only)."""
    return hardened_parser(remove_blank_text=True)


def _chain_ok_at(
    leaf: x509.Certificate, rest: list[x509.Certificate], trust: TrustStore, when: datetime
) -> bool:
    checker = _PooledChainVerifier(trust=trust, verification_time=when)
    try:
        checker.verify([leaf, *rest])
    except InvalidCertificate:
        return False
    return True


def _classify_chain_failure(
    exc: InvalidCertificate, facts: _Facts, trust: TrustStore, received_at: datetime
) -> _Reject:
    """EXPIRED when the leaf is outside its validity at receipt but would chain inside it; else UNTRUSTED."""
    if facts.certs:
        leaf = facts.certs[0]
        before, after = leaf.not_valid_before_utc, leaf.not_valid_after_utc
        if not before <= received_at <= after:
            inside = after if received_at > after else before
            if _chain_ok_at(leaf, facts.certs[1:], trust, inside):
                if received_at > after:
                    detail = f"signer certificate expired {after:%Y-%m-%d}, before the receipt time"
                else:
                    detail = f"signer certificate not valid before {before:%Y-%m-%d}, after the receipt time"
                return _Reject("SIG.EXPIRED", detail)
    reason = str(exc).split(" (encountered processing", 1)[0]
    return _Reject("SIG.UNTRUSTED", f"no valid chain to a trusted root ({_short(reason)})")


# ----------------------------------------------------------------------------------------------
# Revocation and binding
# ----------------------------------------------------------------------------------------------


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


def _bound(macskcb: str, cert: x509.Certificate, facilities: list[FacilityRow]) -> bool:
    taxes = _tax_codes(cert)
    fingerprint = _cert_sha256(cert)
    for row in facilities:
        if row.macskcb != macskcb:
            continue
        if row.tax_code and row.tax_code in taxes:
            return True
        if row.cert_sha256 and row.cert_sha256 == fingerprint:
            return True
    return False


def _signer_from_result(signature_xml: etree._Element, signature_key: bytes) -> x509.Certificate | None:
    for el in signature_xml.iter(_ds("X509Certificate")):
        try:
            cert = x509.load_der_x509_certificate(base64.b64decode("".join((el.text or "").split())))
        except ValueError:
            continue
        spki = cert.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        if spki == signature_key:
            return cert
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
) -> SignatureOutcome:
    """Verify one envelope's signature at the trusted receipt time. Never raises.

    ``received_at`` must come from our side (receipt/ingestion time), never from the file.
    A naive datetime is taken as UTC.
    """
    facts = _Facts()
    try:
        try:
            return _verify(raw, trust, received_at, policy, facts)
        except _Reject as rej:
            return _reject(rej.code, rej.detail, facts)
        except Exception as exc:  # noqa: BLE001 - the boundary: any input must yield an outcome
            return _reject("SIG.STRUCTURE", f"verification failed with {type(exc).__name__}", facts)
    except Exception as exc:  # noqa: BLE001 - even building the outcome failed: report without facts
        return SignatureOutcome(
            code="SIG.STRUCTURE", status="structure", detail=f"verification failed with {type(exc).__name__}"
        )


def _verify(
    raw: bytes, trust: TrustStore, received_at: datetime, policy: SignaturePolicy, facts: _Facts
) -> SignatureOutcome:
    if not isinstance(raw, bytes | bytearray):
        raise _Reject("SIG.STRUCTURE", "input is not bytes")
    raw = bytes(raw)
    when = received_at.replace(tzinfo=UTC) if received_at.tzinfo is None else received_at.astimezone(UTC)

    sig_uri, digest_uri = _precheck(raw, facts)
    if sig_uri not in _SIGNATURE_METHODS or digest_uri not in _DIGEST_METHODS:
        raise _Reject(
            "SIG.ALGORITHM", f"algorithm {facts.algorithm} not allowed (rsa-sha256/sha256 required)"
        )
    facts.legacy_sha1 = sig_uri in _SHA1_URIS or digest_uri in _SHA1_URIS
    if facts.legacy_sha1:
        cutoff = policy.allow_sha1_before
        if cutoff is None:
            raise _Reject("SIG.ALGORITHM", f"SHA-1 ({facts.algorithm}) is not allowed")
        cutoff = cutoff.replace(tzinfo=UTC) if cutoff.tzinfo is None else cutoff
        if not when < cutoff:
            raise _Reject(
                "SIG.ALGORITHM", f"SHA-1 ({facts.algorithm}) not allowed for files received after cut-off"
            )

    config = SignatureConfiguration(
        location="./CHUKYDONVI/",
        expect_references=1,
        signature_methods=frozenset({SignatureMethod.RSA_SHA256, SignatureMethod.RSA_SHA1})
        if facts.legacy_sha1
        else frozenset({SignatureMethod.RSA_SHA256}),
        digest_algorithms=frozenset({DigestAlgorithm.SHA256, DigestAlgorithm.SHA1})
        if facts.legacy_sha1
        else frozenset({DigestAlgorithm.SHA256}),
        verification_time=when,
    )

    try:
        result, verifier = _signxml_verify(raw, trust, config, hardened_parser())
    except InvalidCertificate as exc:
        raise _classify_chain_failure(exc, facts, trust, when) from None
    except InvalidSignature as exc:  # includes InvalidDigest
        kind = "digest" if "Digest" in type(exc).__name__ else "signature value"
        if _verifies_when_blank_stripped(raw, trust, config):
            raise _Reject(
                "SIG.REFORMATTED",
                "document was re-formatted after signing (verifies only with blank text removed)",
            ) from None
        raise _Reject("SIG.INVALID", f"{kind} mismatch: content changed after signing") from None
    except InvalidInput as exc:
        if "forbidden by configuration" in str(exc):
            raise _Reject("SIG.ALGORITHM", f"algorithm not allowed ({_short(exc)})") from None
        raise _Reject("SIG.STRUCTURE", f"signxml rejected the input ({type(exc).__name__})") from None
    except etree.DocumentInvalid:
        raise _Reject("SIG.STRUCTURE", "Signature does not validate against the XMLDSig schema") from None

    signed_xml = result.signed_xml
    signer = _signer_from_result(result.signature_xml, result.signature_key)
    chain = verifier.chain_verifier.chain if verifier.chain_verifier is not None else []
    if signer is None or not chain or chain[0] != signer:
        raise _Reject("SIG.STRUCTURE", "could not identify the signing certificate")
    facts.signer = signer
    if signed_xml is None or signed_xml.tag != "GIAMDINHHS":
        raise _Reject("SIG.STRUCTURE", "signed data is not a GIAMDINHHS document in no namespace")

    revocation = _revocation_status(chain, trust.crls, when)
    if revocation == "revoked":
        return _reject(
            "SIG.REVOKED", "signer certificate (or its CA) revoked before the receipt time", facts, revocation
        )

    codes = signed_xml.findall("THONGTINDONVI/MACSKCB")
    if len(codes) > 1:
        return _reject("SIG.STRUCTURE", "signed data holds more than one MACSKCB", facts, revocation)
    macskcb = "".join(codes[0].itertext()).strip() if codes else ""
    if not macskcb:
        return _reject("SIG.NOT_BOUND", "signed data has no MACSKCB", facts, revocation)
    if not _bound(macskcb, signer, trust.facilities):
        return _reject(
            "SIG.NOT_BOUND",
            "signer certificate is not registered for the facility named in the signed data",
            facts,
            revocation,
        )

    status = "valid_legacy_sha1" if facts.legacy_sha1 else "valid"
    detail = "signature valid" + (" (legacy SHA-1 accepted by policy)" if facts.legacy_sha1 else "")
    if revocation != "good":
        detail += f"; revocation {revocation}"
    return _outcome(None, status, detail, facts, signed_root=signed_xml, revocation=revocation)


def _verifies_when_blank_stripped(raw: bytes, trust: TrustStore, config: SignatureConfiguration) -> bool:
    try:
        _signxml_verify(raw, trust, config, _blank_stripping_parser())
    except Exception:  # noqa: BLE001 - diagnostic pass: any failure means "not merely re-formatted"
        return False
    return True
