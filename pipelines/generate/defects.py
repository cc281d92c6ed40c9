"""`--defects`: a labelled set of broken files, at least one per error family, with the outcome each must get.

Each defect is written the way it happens in the field (a truncated upload, a file edited after signing, a
certificate that expired, an exporter bug in one table) and recorded in the manifest with the status and
the error code the pipeline must give it.
"""

from __future__ import annotations

import re
from typing import Any

from pipelines.generate.claims import Episode
from pipelines.generate.writer import (
    ExpectedClaim,
    LandingWriter,
    ManifestEntry,
    reindent,
    replace_first_payload,
)

XXE = (
    b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE GIAMDINHHS [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    b"<GIAMDINHHS><THONGTINDONVI><MACSKCB>&xxe;</MACSKCB></THONGTINDONVI></GIAMDINHHS>"
)
LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE GIAMDINHHS [<!ENTITY a "aaaaaaaaaa">'
    + b"".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'.encode() for i in range(9))
    + b"]>\n<GIAMDINHHS><THONGTINDONVI><MACSKCB>&j;</MACSKCB></THONGTINDONVI></GIAMDINHHS>"
)


def _find(pattern: bytes, data: bytes, flags: int = 0) -> re.Match[bytes]:
    m = re.search(pattern, data, flags)
    if m is None:
        raise ValueError(f"a generated file has no {pattern!r}")
    return m


def write_defects(w: LandingWriter) -> None:
    fac, other = w.facilities[0], w.facilities[1]

    def add(
        defect: str,
        status: str,
        codes: list[str],
        description: str,
        data: bytes,
        *,
        folder: str | None = None,
        claims: list[ExpectedClaim] | None = None,
        shape: str = "",
        name: str | None = None,
    ) -> None:
        folder = folder or fac.macskcb
        path = w.write(folder, name or f"{defect}.xml", data)
        w.entries.append(
            ManifestEntry(
                path=path,
                macskcb=folder,
                kind="defect",
                expected_status=status,
                expected_codes=codes,
                defect=defect,
                description=description,
                signature_shape=shape,
                claims=claims or [],
            )
        )

    def one(**kw: Any) -> tuple[bytes, list[Episode], str]:  # kw: claim_file's options
        eps = [w.episode(fac)]
        data, _, shape = w.claim_file(fac, eps, **kw)
        return data, eps, shape

    rej = lambda eps: [ExpectedClaim(e.ma_lk, "rejected") for e in eps]  # noqa: E731

    # SEC: hostile input
    add(
        "sec_xxe",
        "rejected",
        ["SEC.DOCTYPE"],
        "DOCTYPE with an external entity pointing at a local file",
        XXE,
    )
    add("sec_entity_bomb", "rejected", ["SEC.DOCTYPE"], "billion-laughs entity expansion", LAUGHS)
    # XML: not well-formed
    data, eps, shape = one()
    add("xml_truncated", "rejected", ["XML.MALFORMED"], "upload cut off half-way", data[: len(data) // 2])
    add("xml_empty", "rejected", ["XML.EMPTY"], "zero-byte file", b"")
    # ENV: envelope
    data, eps, shape = one(soluonghoso=2)
    add(
        "env_count_mismatch",
        "rejected",
        ["ENV.COUNT_MISMATCH"],
        "SOLUONGHOSO says 2, the file holds 1 HOSO",
        data,
        claims=rej(eps),
        shape=shape,
    )
    eps = [w.episode(fac)]
    hoso = [
        [
            (lh, (c[:40] + "*#*" + c[43:]) if lh == "XML2" else c)
            for lh, c in w.hoso_files(eps[0], w.ngaylap(eps), "official")
        ]
    ]
    data, _, shape = w.claim_file(fac, eps, hoso_override=hoso)
    add(
        "env_bad_base64",
        "rejected",
        ["ENV.BASE64"],
        "NOIDUNGFILE of XML2 holds characters outside base64",
        data,
        claims=rej(eps),
        shape=shape,
    )
    eps = [w.episode(fac)]
    hoso = [w.hoso_files(eps[0], w.ngaylap(eps), "official") + [("XML99", "PFg+PC9YPg==")]]
    data, _, shape = w.claim_file(fac, eps, hoso_override=hoso)
    add(
        "env_unknown_loaihoso",
        "rejected",
        ["ENV.UNKNOWN_LOAIHOSO"],
        "a FILEHOSO with LOAIHOSO XML99",
        data,
        claims=rej(eps),
        shape=shape,
    )
    eps = [w.episode(fac)]
    hoso = [[(lh, c) for lh, c in w.hoso_files(eps[0], w.ngaylap(eps), "official") if lh != "XML1"]]
    data, _, shape = w.claim_file(fac, eps, hoso_override=hoso)
    add(
        "env_missing_xml1",
        "rejected",
        ["ENV.MISSING_XML1"],
        "a HOSO without its XML1",
        data,
        claims=rej(eps),
        shape=shape,
    )
    data, eps, shape = one()
    add(
        "env_wrong_folder",
        "rejected",
        ["ENV.FACILITY_MISMATCH"],
        "a correctly signed file of one facility dropped into another facility's folder",
        data,
        folder=other.macskcb,
        claims=rej(eps),
        shape=shape,
    )
    data, eps, shape = one(edit_unsigned=lambda b: b.replace(b"NGAYLAP>", b"NGAYTAO>"))
    add(
        "env_schema",
        "rejected",
        ["ENV.SCHEMA"],
        "exporter writes NGAYTAO instead of NGAYLAP (signed as such)",
        data,
        claims=rej(eps),
        shape=shape,
    )
    # SIG: signature
    data, eps, shape = one()
    unsigned = re.sub(rb"<CHUKYDONVI>.*</CHUKYDONVI>", b"<CHUKYDONVI></CHUKYDONVI>", data, flags=re.S)
    add("sig_unsigned", "rejected", ["SIG.UNSIGNED"], "CHUKYDONVI left empty", unsigned, claims=rej(eps))

    def bump_amount(doc: bytes) -> bytes:  # change one digit of T_BHTT: same length, different money
        m = _find(rb"<T_BHTT>(\d)", doc)
        digit = b"1" if m.group(1) != b"1" else b"2"
        return doc[: m.start(1)] + digit + doc[m.end(1) :]

    data, eps, shape = one()
    add(
        "sig_tampered_amount",
        "rejected",
        ["SIG.INVALID"],
        "T_BHTT inside the XML1 payload changed after signing",
        replace_first_payload(data, "XML1", bump_amount),
        claims=rej(eps),
        shape=shape,
    )
    data, eps, shape = one(signer=w.pki.facility[other.macskcb])
    add(
        "sig_other_facility",
        "rejected",
        ["SIG.NOT_BOUND"],
        "signed with another facility's valid certificate",
        data,
        claims=rej(eps),
        shape=shape,
    )
    data, eps, shape = one(signer=w.pki.expired(fac.macskcb))
    add(
        "sig_expired",
        "rejected",
        ["SIG.EXPIRED"],
        "certificate expired before the file arrived",
        data,
        claims=rej(eps),
        shape=shape,
    )
    data, eps, shape = one(signer=w.pki.untrusted(fac.macskcb))
    add(
        "sig_untrusted",
        "rejected",
        ["SIG.UNTRUSTED"],
        "certificate from a CA outside roots.pem",
        data,
        claims=rej(eps),
        shape=shape,
    )
    data, eps, shape = one(signer=w.pki.revoked(fac.macskcb))
    add(
        "sig_revoked",
        "rejected",
        ["SIG.REVOKED"],
        "certificate listed in the CA's CRL",
        data,
        claims=rej(eps),
        shape=shape,
    )
    data, eps, shape = one(shape="dotnet", sha1=True)
    add(
        "sig_sha1",
        "rejected",
        ["SIG.ALGORITHM"],
        "RSA-SHA1 signature (legacy .NET default)",
        data,
        claims=rej(eps),
        shape=shape,
    )
    data, eps, shape = one()
    block = _find(rb"<CHUKYDONVI>.*</CHUKYDONVI>", data, flags=re.S).group(0)
    add(
        "sig_two_chukydonvi",
        "rejected",
        ["SIG.STRUCTURE"],
        "a second CHUKYDONVI with a copied signature",
        data.replace(block, block + block),
        claims=rej(eps),
        shape=shape,
    )
    data, eps, shape = one(shape="signxml", style="official")
    add(
        "sig_reindented",
        "rejected",
        ["SIG.REFORMATTED"],
        "pretty-printed after signing",
        reindent(data),
        claims=rej(eps),
        shape=shape,
    )
    # XSD: one table of one claim is wrong
    good, bad = w.episode(fac), w.episode(fac)
    ngaylap = w.ngaylap([good, bad])
    bad_files = w.hoso_files(
        bad,
        ngaylap,
        "official",
        mutate=lambda lh, doc: (
            re.sub(rb"<NGAY_YL>\d{12}", b"<NGAY_YL>202513011200", doc, count=1) if lh == "XML2" else doc
        ),
    )
    data, _, shape = w.claim_file(
        fac, [good, bad], hoso_override=[w.hoso_files(good, ngaylap, "official"), bad_files]
    )
    add(
        "xsd_second_claim_xml2",
        "partially_accepted",
        ["XSD.XML2"],
        "two claims; the second one's XML2 has NGAY_YL in month 13",
        data,
        shape=shape,
        claims=[ExpectedClaim(good.ma_lk, "accepted"), ExpectedClaim(bad.ma_lk, "rejected")],
    )
    data, eps, shape = one(
        mutate=lambda lh, doc: (
            doc.replace(b"</TONG_HOP>", b"<GHI_CHU_NOI_BO>x</GHI_CHU_NOI_BO></TONG_HOP>")
            if lh == "XML1"
            else doc
        )
    )
    add(
        "xsd_unknown_element",
        "rejected",
        ["XSD.XML1"],
        "XML1 carries an element the standard does not have",
        data,
        claims=rej(eps),
        shape=shape,
    )
    data, eps, shape = one(
        mutate=lambda lh, doc: (
            re.sub(rb"<NGAY_TTOAN>\d{8}", b"<NGAY_TTOAN>20260230", doc) if lh == "XML1" else doc
        )
    )
    add(
        "value_30_february",
        "rejected",
        ["XSD.VALUE"],
        "NGAY_TTOAN on 30 February: passes the pattern, no such day",
        data,
        claims=rej(eps),
        shape=shape,
    )
    # accepted oddities
    data, eps, shape = one()
    injected = data.replace(
        f"<MACSKCB>{fac.macskcb}</MACSKCB>".encode(),
        f"<MACSKCB>{fac.macskcb[:2]}<!---->{fac.macskcb[2:]}</MACSKCB>".encode(),
        1,
    )
    add(
        "ok_comment_injected",
        "accepted",
        [],
        "a comment injected into MACSKCB after signing: the signature "
        "still holds and only the signed text counts",
        injected,
        claims=[ExpectedClaim(e.ma_lk, "accepted") for e in eps],
        shape=shape,
    )
    original = next(e for e in w.entries if e.kind == "claim" and e.macskcb == fac.macskcb)
    copy = (w.landing / original.path).read_bytes()
    add(
        "dup_resent_copy",
        "duplicate",
        [],
        f"byte-identical copy of {original.path.rsplit('/', 1)[-1]} sent again",
        copy,
        name="zz_resent_copy.xml",
        claims=[ExpectedClaim(c.ma_lk, "accepted") for c in original.claims],
    )
