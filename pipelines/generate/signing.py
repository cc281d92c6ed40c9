"""Sign unsigned ``GIAMDINHHS`` envelopes the two ways facilities do (SIGNATURE.md §3.2, §3.3).

* :func:`sign_signxml`: signxml ``XMLSigner``, ``ds:``-prefixed signature (xmlsec/Java/Python tools).
* :func:`sign_dotnet`: a hand-rolled equivalent of .NET ``SignedXml`` (Inventec ``SignXml130``):
  unprefixed ``<Signature xmlns="…xmldsig#" Id="{guid}">``, compact, ``X509SubjectName`` + leaf
  ``X509Certificate``. It is independent of signxml, so it doubles as an interop cross-check.

Both produce an enveloped signature over the whole document (``Reference URI=""``), C14N 1.0,
rsa-sha256/sha256 (rsa-sha1/sha1 when ``sha1=True``, for legacy fixtures), placed inside the
empty ``CHUKYDONVI``. The input's whitespace is kept exactly and nothing is re-formatted after
signing. Output starts with ``<?xml version="1.0" encoding="utf-8"?>``.
"""

from __future__ import annotations

import base64
import hashlib
import random
import re
from collections.abc import Sequence

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.x509.oid import NameOID
from lxml import etree
from signxml import XMLSigner
from signxml.algorithms import SignatureConstructionMethod

from pipelines.decide.guard import hardened_parser
from pipelines.decide.signature import (
    C14N10,
    DIGEST_SHA1,
    DIGEST_SHA256,
    DS_NS,
    ENVELOPED,
    RSA_SHA1,
    RSA_SHA256,
)  # the URIs the verifier accepts
from pipelines.generate.pki import Issued

__all__ = ["dotnet_guid", "dotnet_subject_name", "sign_dotnet", "sign_signxml"]

XML_DECLARATION = b'<?xml version="1.0" encoding="utf-8"?>'
_DECL_RE = re.compile(rb"^\s*<\?xml[^>]*\?>(\s*)")


class _LegacySHA1Signer(XMLSigner):
    """Test-data only: signxml refuses to sign with SHA-1 unless this check is overridden."""

    def check_deprecated_methods(self) -> None:
        return None


def _parse_unsigned(unsigned: bytes) -> tuple[etree._Element, etree._Element, bytes]:
    """Root, its empty CHUKYDONVI child, and the whitespace that followed the XML declaration."""
    root = etree.fromstring(unsigned, parser=hardened_parser())
    if root.tag != "GIAMDINHHS":
        raise ValueError("root element must be GIAMDINHHS (no namespace)")
    slots = [child for child in root if child.tag == "CHUKYDONVI"]
    if len(slots) != 1:
        raise ValueError("expected exactly one CHUKYDONVI child of GIAMDINHHS")
    slot = slots[0]
    if len(slot) or (slot.text or "").strip():
        raise ValueError("CHUKYDONVI must be empty before signing")
    match = _DECL_RE.match(unsigned)
    gap = match.group(1) if match else b"\n"
    return root, slot, gap or b""


def _serialize(root: etree._Element, gap: bytes) -> bytes:
    # encoding="utf-8" without xml_declaration: lxml writes no declaration; ours uses double quotes.
    return XML_DECLARATION + gap + etree.tostring(root, encoding="utf-8")


def sign_signxml(
    unsigned: bytes,
    signer: Issued,
    *,
    chain: Sequence[x509.Certificate] = (),
    c14n_transform: bool = False,
    sha1: bool = False,
) -> bytes:
    """Sign with signxml: ``ds:`` prefix, placeholder inside CHUKYDONVI, leaf (+ ``chain``) in X509Data.

    ``c14n_transform=True`` adds the explicit C14N 1.0 transform after the enveloped one
    (PowerShell-tool style); by default Transforms holds the enveloped transform only (Inventec style).
    """
    root, slot, gap = _parse_unsigned(unsigned)
    placeholder = etree.SubElement(slot, f"{{{DS_NS}}}Signature", nsmap={"ds": DS_NS})
    placeholder.set("Id", "placeholder")
    signer_cls = _LegacySHA1Signer if sha1 else XMLSigner
    xml_signer = signer_cls(
        method=SignatureConstructionMethod.enveloped,
        signature_algorithm="rsa-sha1" if sha1 else "rsa-sha256",
        digest_algorithm="sha1" if sha1 else "sha256",
        c14n_algorithm=C14N10,
    )
    signed_root = xml_signer.sign(
        root,
        key=signer.key,
        cert=[signer.cert, *chain],
        exclude_c14n_transform_element=not c14n_transform,
    )
    return _serialize(signed_root, gap)


def dotnet_guid(rng: random.Random) -> str:
    """A lower-case version-4 GUID like ``Guid.NewGuid().ToString()``; ~62.5 % start with a digit."""
    value = rng.getrandbits(128)
    value = (value & ~(0xF << 76)) | (0x4 << 76)  # version 4
    value = (value & ~(0x3 << 62)) | (0x2 << 62)  # RFC 4122 variant
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


_DOTNET_ATTR_NAMES = {
    NameOID.COMMON_NAME: "CN",
    NameOID.COUNTRY_NAME: "C",
    NameOID.STATE_OR_PROVINCE_NAME: "S",
    NameOID.LOCALITY_NAME: "L",
    NameOID.ORGANIZATION_NAME: "O",
    NameOID.ORGANIZATIONAL_UNIT_NAME: "OU",
    NameOID.EMAIL_ADDRESS: "E",
    NameOID.STREET_ADDRESS: "STREET",
    NameOID.TITLE: "T",
    NameOID.SERIAL_NUMBER: "SERIALNUMBER",
}


def dotnet_subject_name(cert: x509.Certificate) -> str:
    """``X509Certificate2.Subject`` as .NET renders it: last RDN first, ``", "``-separated,
    ``S=`` for the province, unknown OIDs as ``OID.<dotted>=`` (so ``UID`` becomes
    ``OID.0.9.2342.19200300.100.1.1=MST:…``); values with special characters are double-quoted."""
    parts = []
    for rdn in reversed(list(cert.subject.rdns)):
        for attr in rdn:
            name = _DOTNET_ATTR_NAMES.get(attr.oid, f"OID.{attr.oid.dotted_string}")
            value = attr.value if isinstance(attr.value, str) else attr.value.hex()
            if any(ch in value for ch in ',+=<>#;"\n') or value != value.strip():
                value = '"' + value.replace('"', '""') + '"'
            parts.append(f"{name}={value}")
    return ", ".join(parts)


def sign_dotnet(
    unsigned: bytes,
    signer: Issued,
    *,
    signature_id: str,
    sha1: bool = False,
    c14n_transform: bool = False,
) -> bytes:
    """Sign like .NET ``SignedXml`` with ``PreserveWhitespace = true`` (SIGNATURE.md §3.3).

    1. digest = H(C14N 1.0 of the document with an empty CHUKYDONVI, comments excluded);
    2. ``<Signature xmlns="…xmldsig#" Id="{signature_id}">`` with SignedInfo appended into CHUKYDONVI;
    3. SignatureValue = RSA-PKCS#1 v1.5 over C14N(SignedInfo) in document context (inherits the
       root's xmlns:xsi/xmlns:xsd). lxml's spurious ``xmlns=""`` on default-namespace grandchildren
       is removed, which is what a conforming C14N (and .NET) produces;
    4. KeyInfo/X509Data/{X509SubjectName, X509Certificate (leaf only)}.
    """
    root, slot, gap = _parse_unsigned(unsigned)
    digest_hash = hashlib.sha1 if sha1 else hashlib.sha256
    document_c14n = etree.tostring(root, method="c14n", exclusive=False, with_comments=False)
    digest_value = base64.b64encode(digest_hash(document_c14n).digest()).decode("ascii")

    def ds(parent: etree._Element, tag: str, **attrib: str) -> etree._Element:
        return etree.SubElement(parent, f"{{{DS_NS}}}{tag}", attrib)

    signature = etree.SubElement(slot, f"{{{DS_NS}}}Signature", nsmap={None: DS_NS})
    signature.set("Id", signature_id)
    signed_info = ds(signature, "SignedInfo")
    ds(signed_info, "CanonicalizationMethod", Algorithm=C14N10)
    ds(signed_info, "SignatureMethod", Algorithm=RSA_SHA1 if sha1 else RSA_SHA256)
    reference = ds(signed_info, "Reference", URI="")
    transforms = ds(reference, "Transforms")
    ds(transforms, "Transform", Algorithm=ENVELOPED)
    if c14n_transform:
        ds(transforms, "Transform", Algorithm=C14N10)
    ds(reference, "DigestMethod", Algorithm=DIGEST_SHA1 if sha1 else DIGEST_SHA256)
    ds(reference, "DigestValue").text = digest_value

    signed_info_c14n = etree.tostring(signed_info, method="c14n", exclusive=False, with_comments=False)
    signed_info_c14n = signed_info_c14n.replace(b' xmlns=""', b"")
    raw_signature = signer.key.sign(
        signed_info_c14n,
        padding.PKCS1v15(),
        hashes.SHA1() if sha1 else hashes.SHA256(),  # noqa: S303 - legacy fixtures
    )
    ds(signature, "SignatureValue").text = base64.b64encode(raw_signature).decode("ascii")
    key_info = ds(signature, "KeyInfo")
    x509_data = ds(key_info, "X509Data")
    ds(x509_data, "X509SubjectName").text = dotnet_subject_name(signer.cert)
    ds(x509_data, "X509Certificate").text = base64.b64encode(
        signer.cert.public_bytes(serialization.Encoding.DER)
    ).decode("ascii")
    return _serialize(root, gap)
