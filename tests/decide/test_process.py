"""The per-file path (`pipelines.decide.process.process_file`): one test per code of the error catalogue.

Files come from one seeded :class:`LandingWriter` (3 facilities, a patient pool, a test PKI) built once for
the module; each test crafts its input the way the defect happens in the field (edited before signing,
tampered after signing, hostile bytes) and checks the receipt against the contract of ARCHITECTURE.md: status,
the code in ``errors``, no claims and no batches when the whole file is rejected, and never a patient
identifier.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import random
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pytest

import pipelines.decide.process as process_mod
from pipelines.common.settings import Settings
from pipelines.decide.process import Context, FileResult, process_file
from pipelines.generate.assessments import assessment_rows
from pipelines.generate.claims import Episode, Facility
from pipelines.generate.defects import LAUGHS, XXE
from pipelines.generate.envelope import b64, message_document
from pipelines.generate.signing import SignatureShape, sign, sign_dotnet, sign_signxml
from pipelines.generate.writer import LandingWriter, reindent, replace_first_payload
from pipelines.standard import TableSpec, load_registry
from pipelines.standard.codes import catalogue

SEED = 4750130
PERIOD = "2026-10"
RECEIVED = datetime(2026, 11, 15, 2, 30, tzinfo=UTC)
STATUSES = {"accepted", "partially_accepted", "rejected", "duplicate"}
PII_FIELDS = ("HO_TEN", "SO_CCCD", "MA_THE_BHYT", "DIA_CHI", "DIEN_THOAI")
UNKNOWN_ELEMENT = b"<GHI_CHU_NOI_BO>x</GHI_CHU_NOI_BO>"
GENERATED_TABLES = ("XML1", "XML2", "XML3", "XML4", "XML5", "XML7", "XML8", "XML13", "XML14")
HAND_MADE_TABLES = ("XML6", "XML9", "XML10", "XML11", "XML15")  # XML12: the conformance tests below

#: Codes a test of this module has seen in a receipt (filled by :func:`expect` as tests pass).
SEEN: set[str] = set()
#: Every identifying value of every episode built here: no receipt may contain one.
PII: set[str] = set()


# -- fixtures and helpers ------------------------------------------------------------------------------


@dataclass
class Kit:
    w: LandingWriter
    ctx: Context
    fac: Facility
    other: Facility
    pool: list[Episode] = field(default_factory=list)

    def with_settings(self, **kw: object) -> Context:
        return dataclasses.replace(self.ctx, settings=Settings(**kw))

    def episode(self, table: str | None = None, fac: Facility | None = None) -> Episode:
        """A fresh episode (of ``fac``); with ``table``, one whose tables include it (from the pool)."""
        if table is None:
            return _register(self.w.episode(fac or self.fac))
        for ep in self.pool:
            if table in ep.tables:
                return ep
        raise AssertionError(f"the generator made no episode with {table}")

    def signed(self, eps: list[Episode] | None = None, fac: Facility | None = None, **kw: object) -> bytes:
        fac = fac or self.fac
        data, _, _ = self.w.claim_file(fac, eps or [self.episode(fac=fac)], **kw)
        return data

    def hoso(self, ep: Episode, style: str = "official",
             mutate: Callable[[str, bytes], bytes] | None = None) -> list[tuple[str, str]]:
        return self.w.hoso_files(ep, self.w.ngaylap([ep]), style, mutate)

    def run(self, raw: bytes, *, folder: str | None = None, ctx: Context | None = None,
            name: str = "test.xml") -> FileResult:
        result = process_file(raw, file_name=name, folder_macskcb=folder or self.fac.macskcb,
                              received_at=RECEIVED, ctx=ctx or self.ctx)
        check_contract(result, raw, name, folder or self.fac.macskcb)
        return result


def _register(ep: Episode) -> Episode:
    row = ep.tables["XML1"][0]
    PII.update(row[f] for f in PII_FIELDS if row.get(f))
    return ep


@pytest.fixture(scope="module")
def kit(tmp_path_factory: pytest.TempPathFactory) -> Kit:
    root = tmp_path_factory.mktemp("process")
    w = LandingWriter(root / "landing", root / "trust", 3, SEED, PERIOD)
    w.pki.write_trust_dir(root / "trust")
    w._patient_pool(25)
    k = Kit(w=w, ctx=Context.create(root / "trust"), fac=w.facilities[0], other=w.facilities[1])
    # a pool of episodes holding every table the generator makes (XML13, a transfer, is the rarest)
    for _ in range(1000):
        k.pool.append(k.episode())
        have = {t for ep in k.pool for t in ep.tables}
        if len(k.pool) >= 20 and have >= set(GENERATED_TABLES):
            break
    return k


def check_contract(result: FileResult, raw: bytes, name: str, folder: str) -> None:
    """The receipt shape of ARCHITECTURE.md, and no patient identifier anywhere in it."""
    r = result.receipt
    text = json.dumps(r, ensure_ascii=False)  # a receipt is JSON as it stands
    base = {"file", "sha256", "macskcb", "received_at", "status", "signature", "claims", "errors"}
    # a stand-alone signed message (XML12's own) that was accepted also names its table and its records
    assert set(r) == base or (set(r) == base | {"message", "records"} and r["status"] == "accepted")
    assert r["file"] == name
    assert r["sha256"] == hashlib.sha256(raw).hexdigest()
    assert r["macskcb"] == folder
    assert datetime.fromisoformat(r["received_at"]) == RECEIVED
    assert r["status"] in STATUSES
    assert {"status", "signer_subject", "signer_sha256", "algorithm"} <= set(r["signature"])
    for claim in r["claims"]:
        assert {"ma_lk", "status", "version"} <= set(claim)
        assert claim["status"] in ("accepted", "rejected")
        assert (claim["version"] is not None) == (claim["status"] == "accepted")
    cat = catalogue()
    for err in r["errors"]:
        assert {"code", "severity", "message_vi", "message_en"} <= set(err)
        assert err["code"] in cat, err["code"]
        # strict mode (verify --strict) reports a conformance warning as an error
        assert err["severity"] == cat[err["code"]].severity or (err["code"].startswith("STD.")
                                                               and err["severity"] == "error")
        assert err["message_vi"] == cat[err["code"]].message_vi
        assert err["message_en"] == cat[err["code"]].message_en
    leaked = [v for v in PII if v in text]
    assert not leaked, f"patient data in the receipt: {len(leaked)} value(s)"
    if r["status"] == "rejected" and any(cat[e["code"]].scope == "file" for e in r["errors"]):
        assert r["claims"] == []
        assert result.batches == {}


def codes(result: FileResult) -> list[str]:
    return [e["code"] for e in result.receipt["errors"]]


def expect(result: FileResult, code: str, status: str = "rejected") -> dict:
    """The receipt has ``status`` and ``code``; file-level codes leave no claims and no batches."""
    assert result.status == status, (result.status, result.receipt["errors"])
    found = [e for e in result.receipt["errors"] if e["code"] == code]
    assert found, (code, codes(result))
    if catalogue()[code].scope == "file":
        assert result.receipt["claims"] == []
        assert result.batches == {}
    SEEN.add(code)
    return found[0]


def swap(data: bytes, old: bytes, new: bytes) -> bytes:
    assert old in data, old
    return data.replace(old, new, 1)


def ngaylap_of(data: bytes) -> str:
    return re.search(rb"<NGAYLAP>(\d{8})</NGAYLAP>", data).group(1).decode()


def add_unknown(spec: TableSpec) -> Callable[[bytes], bytes]:
    closing = f"</{spec.root_tag if spec.is_flat else spec.row_tag}>".encode()
    return lambda doc: swap(doc, closing, UNKNOWN_ELEMENT + closing)


def hand_made(spec: TableSpec, ma_lk: str, extra: bytes = b"") -> bytes:
    """A minimal inner document written from the registry: MA_LK filled, every other field empty."""
    fields = "".join(f"<{t}>{ma_lk}</{t}>" if t == "MA_LK" else f"<{t}/>" for t in spec.tags).encode()
    fields += extra
    if spec.is_flat:
        body = fields
    else:
        body = (f"<{spec.list_tag}><{spec.row_tag}>".encode() + fields
                + f"</{spec.row_tag}></{spec.list_tag}>".encode())
    return (b'<?xml version="1.0" encoding="utf-8"?>' + f"<{spec.root_tag}>".encode() + body
            + f"</{spec.root_tag}>".encode())


def batch_ma_lk(result: FileResult) -> set[str]:
    return {v for b in result.batches.values() for v in b.column("ma_lk").to_pylist()}


# -- SEC: hostile or oversized input ---------------------------------------------------------------------


def test_sec_doctype_xxe_never_reads_the_file(kit: Kit) -> None:
    result = kit.run(XXE)
    expect(result, "SEC.DOCTYPE")
    text = json.dumps(result.receipt, ensure_ascii=False)
    assert "root:" not in text
    passwd = Path("/etc/passwd")
    if passwd.exists():
        first = passwd.read_text(errors="replace").splitlines()[0]
        assert first not in text


def test_sec_doctype_billion_laughs_is_fast(kit: Kit) -> None:
    start = time.perf_counter()
    result = kit.run(LAUGHS)
    assert time.perf_counter() - start < 1.0
    expect(result, "SEC.DOCTYPE")
    assert len(json.dumps(result.receipt)) < 10_000


def test_sec_doctype_inside_a_signed_payload_rejects_the_file(kit: Kit) -> None:
    ep = kit.episode()

    def doctype(lh: str, doc: bytes) -> bytes:
        if lh != "XML2":
            return doc
        return swap(doc, b"?><CHITIEU_CHITIET_THUOC>",
                    b'?><!DOCTYPE CHITIEU_CHITIET_THUOC [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                    b"<CHITIEU_CHITIET_THUOC>")

    result = kit.run(kit.signed([ep], mutate=doctype))
    err = expect(result, "SEC.DOCTYPE")
    assert err.get("loaihoso") == "XML2"
    assert "root:" not in json.dumps(result.receipt)


def test_sec_too_large(kit: Kit) -> None:
    raw = kit.signed()
    assert len(raw) > 0.01 * 1024 * 1024
    expect(kit.run(raw, ctx=kit.with_settings(max_file_mb=0.01)), "SEC.TOO_LARGE")


def test_sec_limit_nesting_depth(kit: Kit) -> None:
    raw = (b'<?xml version="1.0" encoding="utf-8"?><GIAMDINHHS><THONGTINDONVI><MACSKCB>'
           + b"<a>" * 300 + b"</a>" * 300 + b"</MACSKCB></THONGTINDONVI></GIAMDINHHS>")
    expect(kit.run(raw), "SEC.LIMIT")


def test_sec_limit_huge_text_node(kit: Kit) -> None:
    raw = (b'<?xml version="1.0" encoding="utf-8"?><GIAMDINHHS><THONGTINDONVI><MACSKCB>'
           + b"7" * 10_000_001 + b"</MACSKCB></THONGTINDONVI></GIAMDINHHS>")
    start = time.perf_counter()
    result = kit.run(raw)
    assert time.perf_counter() - start < 5
    expect(result, "SEC.LIMIT")


# -- XML: not well-formed --------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", [b"", b"  \r\n\t \n"], ids=["zero_bytes", "whitespace"])
def test_xml_empty(kit: Kit, raw: bytes) -> None:
    expect(kit.run(raw), "XML.EMPTY")


def test_xml_malformed_truncated_has_line_and_column(kit: Kit) -> None:
    data = kit.signed(shape="dotnet", style="inventec")  # indented: the cut lands on a later line
    err = expect(kit.run(data[: len(data) // 2]), "XML.MALFORMED")
    assert isinstance(err.get("line"), int) and err["line"] >= 1
    assert isinstance(err.get("column"), int) and err["column"] >= 1


@pytest.mark.parametrize("how", ["declared_latin1", "utf16_bom", "invalid_utf8"])
def test_xml_encoding(kit: Kit, how: str) -> None:
    data = kit.signed()
    if how == "declared_latin1":
        raw = swap(data, b'encoding="utf-8"', b'encoding="ISO-8859-1"')
    elif how == "utf16_bom":
        raw = data.decode("utf-8").replace('encoding="utf-8"', 'encoding="utf-16"').encode("utf-16")
        assert raw[:2] in (b"\xff\xfe", b"\xfe\xff")
    else:
        raw = swap(data, b"<NGAYLAP>", b"<NGAYLAP>\xc3\x28")
    expect(kit.run(raw), "XML.ENCODING")


# -- ENV: the envelope ------------------------------------------------------------------------------------


def test_env_schema_element_renamed_before_signing(kit: Kit) -> None:
    raw = kit.signed(edit_unsigned=lambda b: b.replace(b"NGAYLAP>", b"NGAYTAO>"))
    err = expect(kit.run(raw), "ENV.SCHEMA")
    assert err.get("path") or err.get("line")


def test_env_count_mismatch(kit: Kit) -> None:
    expect(kit.run(kit.signed(soluonghoso=2)), "ENV.COUNT_MISMATCH")


def test_env_facility_mismatch(kit: Kit) -> None:
    raw = kit.signed()
    expect(kit.run(raw, folder=kit.other.macskcb), "ENV.FACILITY_MISMATCH")


def test_env_base64(kit: Kit) -> None:
    ep = kit.episode()
    hoso = [[(lh, c[:40] + "*#*" + c[43:] if lh == "XML2" else c) for lh, c in kit.hoso(ep)]]
    expect(kit.run(kit.signed([ep], hoso_override=hoso)), "ENV.BASE64")


def test_env_payload_too_large(kit: Kit) -> None:
    expect(kit.run(kit.signed(), ctx=kit.with_settings(max_payload_mb=0.001)), "ENV.PAYLOAD_TOO_LARGE")


def test_env_unknown_loaihoso(kit: Kit) -> None:
    ep = kit.episode()
    hoso = [kit.hoso(ep) + [("XML99", "PFg+PC9YPg==")]]
    expect(kit.run(kit.signed([ep], hoso_override=hoso)), "ENV.UNKNOWN_LOAIHOSO")


def test_env_ignored_loaihoso_is_a_warning(kit: Kit) -> None:
    ep = kit.episode()
    hoso = [kit.hoso(ep) + [("XML16", b64(b'<?xml version="1.0" encoding="utf-8"?><XML16/>'))]]
    result = kit.run(kit.signed([ep], hoso_override=hoso))
    err = expect(result, "ENV.IGNORED_LOAIHOSO", status="accepted")
    assert err["severity"] == "warning"
    assert result.receipt["claims"] == [{"ma_lk": ep.ma_lk, "status": "accepted", "version": 1}]
    assert "XML1" in result.batches


def test_env_missing_xml1(kit: Kit) -> None:
    ep = kit.episode()
    hoso = [[(lh, c) for lh, c in kit.hoso(ep) if lh != "XML1"]]
    expect(kit.run(kit.signed([ep], hoso_override=hoso)), "ENV.MISSING_XML1")


def test_env_duplicate_table(kit: Kit) -> None:
    ep = kit.episode()
    files = kit.hoso(ep)
    hoso = [files + [next((lh, c) for lh, c in files if lh == "XML1")]]
    expect(kit.run(kit.signed([ep], hoso_override=hoso)), "ENV.DUPLICATE_TABLE")


def test_env_duplicate_ma_lk(kit: Kit) -> None:
    ep = kit.episode()
    err = expect(kit.run(kit.signed([ep, ep])), "ENV.DUPLICATE_MA_LK")
    assert err.get("ma_lk") == ep.ma_lk


# -- SIG: the signature ------------------------------------------------------------------------------------


def test_sig_unsigned_empty_chukydonvi(kit: Kit) -> None:
    data = kit.signed()
    raw = re.sub(rb"<CHUKYDONVI>.*</CHUKYDONVI>", b"<CHUKYDONVI></CHUKYDONVI>", data, flags=re.S)
    result = kit.run(raw)
    expect(result, "SIG.UNSIGNED")
    assert result.receipt["signature"]["status"] == "unsigned"


def test_sig_unsigned_missing_chukydonvi(kit: Kit) -> None:
    data = kit.signed()
    raw = re.sub(rb"<CHUKYDONVI>.*</CHUKYDONVI>", b"", data, flags=re.S)
    expect(kit.run(raw), "SIG.UNSIGNED")


@pytest.mark.parametrize("how", ["second_chukydonvi", "second_signature", "signature_in_hoso"])
def test_sig_structure(kit: Kit, how: str) -> None:
    data = kit.signed()
    block = re.search(rb"<CHUKYDONVI>.*</CHUKYDONVI>", data, flags=re.S).group(0)
    signature = re.search(rb"<(ds:)?Signature\b.*</(ds:)?Signature>", block, flags=re.S).group(0)
    if how == "second_chukydonvi":
        raw = swap(data, block, block + block)
    elif how == "second_signature":
        raw = swap(data, signature, signature + signature)
    else:
        raw = swap(data, b"</HOSO>", signature + b"</HOSO>")
    expect(kit.run(raw), "SIG.STRUCTURE")


def test_sig_algorithm_sha1(kit: Kit) -> None:
    result = kit.run(kit.signed(shape="dotnet", sha1=True))
    expect(result, "SIG.ALGORITHM")
    assert "sha1" in (result.receipt["signature"]["algorithm"] or "")


def test_sig_legacy_sha1_accepted_with_warning(kit: Kit) -> None:
    ep = kit.episode()
    ctx = kit.with_settings(allow_sha1_before=datetime(2030, 1, 1, tzinfo=UTC))
    result = kit.run(kit.signed([ep], shape="dotnet", sha1=True), ctx=ctx)
    err = expect(result, "SIG.LEGACY_SHA1", status="accepted")
    assert err["severity"] == "warning"
    assert result.receipt["signature"]["status"] == "valid_legacy_sha1"
    assert result.receipt["claims"] == [{"ma_lk": ep.ma_lk, "status": "accepted", "version": 1}]


def test_sig_invalid_tampered_amount(kit: Kit) -> None:
    def bump(doc: bytes) -> bytes:
        m = re.search(rb"<T_BHTT>(\d)", doc)
        return doc[: m.start(1)] + (b"1" if m.group(1) != b"1" else b"2") + doc[m.end(1):]

    raw = replace_first_payload(kit.signed(), "XML1", bump)
    result = kit.run(raw)
    expect(result, "SIG.INVALID")
    assert result.receipt["signature"]["status"] == "invalid"


def test_sig_reformatted(kit: Kit) -> None:
    expect(kit.run(reindent(kit.signed(shape="signxml", style="official"))), "SIG.REFORMATTED")


@pytest.mark.parametrize("code", ["SIG.UNTRUSTED", "SIG.EXPIRED", "SIG.REVOKED", "SIG.NOT_BOUND"])
def test_sig_certificate(kit: Kit, code: str) -> None:
    pki, mac = kit.w.pki, kit.fac.macskcb
    signer = {"SIG.UNTRUSTED": lambda: pki.untrusted(mac), "SIG.EXPIRED": lambda: pki.expired(mac),
              "SIG.REVOKED": lambda: pki.revoked(mac),
              "SIG.NOT_BOUND": lambda: pki.facility[kit.other.macskcb]}[code]()
    result = kit.run(kit.signed(signer=signer))
    expect(result, code)
    assert result.receipt["signature"]["status"] == code.split(".")[1].lower()


def unsigned_of(data: bytes) -> bytes:
    """The envelope as it was before signing (signers change nothing outside CHUKYDONVI)."""
    return re.sub(rb"<CHUKYDONVI>.*</CHUKYDONVI>", b"<CHUKYDONVI/>", data, flags=re.S)


EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
OTHER_SIGNERS = {  # issue 18: made the way other signing tools make them (docs/signatures.md)
    "intermediate_then_leaf": SignatureShape(x509=("chain", "certificate")),
    "keyvalue_beside_x509data": SignatureShape(prefix="ds", key_value=True),
    "exclusive_c14n_java": SignatureShape(prefix="ds", c14n=EXC_C14N, transform=EXC_C14N,
                                          java_line_breaks=True),
    "c14n_1_1": SignatureShape(c14n="http://www.w3.org/2006/12/xml-c14n11"),
    "rsa_sha512": SignatureShape(
        signature_method="http://www.w3.org/2001/04/xmldsig-more#rsa-sha512",
        digest_method="http://www.w3.org/2001/04/xmlenc#sha512",
    ),
    "issuer_serial_only": SignatureShape(x509=("issuer_serial",)),
    "subject_name_only": SignatureShape(x509=("subject_name",), subject_name_style="forward"),
    "signing_time_object": SignatureShape(signature_id="s1", signing_time="2026-11-14T08:00:00"),
}


@pytest.mark.parametrize("name", list(OTHER_SIGNERS))
def test_sig_other_signing_tools_are_accepted_with_their_signer_in_the_receipt(kit: Kit, name: str) -> None:
    ep = kit.episode()
    leaf = kit.w.pki.facility[kit.fac.macskcb]
    data = sign(unsigned_of(kit.signed([ep])), leaf, OTHER_SIGNERS[name], chain=[kit.w.pki.intermediate.cert])
    result = kit.run(data)
    assert result.status == "accepted", result.receipt["errors"]
    assert result.receipt["signature"]["status"] == "valid"
    assert result.receipt["signature"]["signer_sha256"] == leaf.sha256_hex
    assert result.receipt["claims"] == [{"ma_lk": ep.ma_lk, "status": "accepted", "version": 1}]


def test_sig_expired_leaf_after_its_intermediate_is_expired(kit: Kit) -> None:
    leaf = kit.w.pki.expired(kit.fac.macskcb)
    shape = SignatureShape(x509=("chain", "certificate"))
    result = kit.run(sign(unsigned_of(kit.signed()), leaf, shape, chain=[kit.w.pki.intermediate.cert]))
    expect(result, "SIG.EXPIRED")
    assert result.receipt["signature"]["signer_sha256"] == leaf.sha256_hex


def test_sig_refused_algorithm_receipt_names_found_and_allowed(kit: Kit) -> None:
    shape = SignatureShape(
        signature_method="http://www.w3.org/2001/04/xmldsig-more#rsa-md5",
        digest_method="http://www.w3.org/2001/04/xmldsig-more#md5",
    )
    result = kit.run(sign(unsigned_of(kit.signed()), kit.w.pki.facility[kit.fac.macskcb], shape))
    err = expect(result, "SIG.ALGORITHM")
    assert "rsa-md5" in err["detail"] and "allowed: rsa-sha256" in err["detail"]
    assert result.receipt["signature"]["algorithm"] == "rsa-md5/md5"


def test_sig_tampered_amount_after_an_intermediate_first_signature_is_content_changed(kit: Kit) -> None:
    def bump(doc: bytes) -> bytes:
        m = re.search(rb"<T_BHTT>(\d)", doc)
        return doc[: m.start(1)] + (b"1" if m.group(1) != b"1" else b"2") + doc[m.end(1):]

    shape = SignatureShape(prefix="ds", x509=("chain", "certificate"), c14n=EXC_C14N, transform=EXC_C14N)
    signed = sign(unsigned_of(kit.signed()), kit.w.pki.facility[kit.fac.macskcb], shape,
                  chain=[kit.w.pki.intermediate.cert])
    err = expect(kit.run(replace_first_payload(signed, "XML1", bump)), "SIG.INVALID")
    assert "content changed after signing" in err["detail"]


@pytest.mark.parametrize("shape", ["dotnet", "signxml"])
def test_valid_file_of_each_signature_shape_is_accepted(kit: Kit, shape: str) -> None:
    eps = [kit.episode(), kit.episode()]
    data = kit.signed(eps, shape=shape)
    assert (b"<ds:Signature" in data) == (shape == "signxml")
    result = kit.run(data)
    assert result.status == "accepted", result.receipt["errors"]
    assert result.receipt["errors"] == []
    assert result.receipt["signature"]["status"] == "valid"
    assert result.receipt["signature"]["algorithm"] == "rsa-sha256/sha256"
    assert result.receipt["signature"]["signer_sha256"] == kit.w.pki.facility[kit.fac.macskcb].sha256_hex
    assert result.receipt["claims"] == [{"ma_lk": e.ma_lk, "status": "accepted", "version": 1} for e in eps]
    assert result.batches["XML1"].num_rows == 2
    for lh, batch in result.batches.items():
        expected = sum(len(e.tables.get(lh, [])) for e in eps)
        assert batch.num_rows == expected, lh


def test_comment_injected_into_macskcb_after_signing_is_accepted(kit: Kit) -> None:
    mac = kit.fac.macskcb
    data = kit.signed()
    raw = swap(data, f"<MACSKCB>{mac}</MACSKCB>".encode(),
               f"<MACSKCB>{mac[:2]}<!---->{mac[2:]}</MACSKCB>".encode())
    result = kit.run(raw)
    assert result.status == "accepted", result.receipt["errors"]
    assert set(result.batches["XML1"].column("macskcb").to_pylist()) == {mac}


# -- XSD: one table of one claim --------------------------------------------------------------------------


@pytest.mark.parametrize("lh", GENERATED_TABLES)
def test_xsd_unknown_element_in_a_generated_table(kit: Kit, lh: str) -> None:
    ep = kit.episode(table=lh)
    data = kit.signed([ep])
    spec = load_registry().for_file(lh, datetime.strptime(ngaylap_of(data), "%Y%m%d").date())
    bad = kit.signed([ep], mutate=lambda t, doc: add_unknown(spec)(doc) if t == lh else doc)
    result = kit.run(bad)
    err = expect(result, f"XSD.{lh}")
    assert err.get("loaihoso") == lh and err.get("ma_lk") == ep.ma_lk
    assert err.get("path", "").startswith(f"/{spec.root_tag}")
    assert isinstance(err.get("line"), int)
    assert "GHI_CHU_NOI_BO" in err.get("detail", "")
    assert result.receipt["claims"] == [{"ma_lk": ep.ma_lk, "status": "rejected", "version": None}]
    assert result.batches == {}


@pytest.mark.parametrize("lh", HAND_MADE_TABLES)
def test_xsd_table_the_generator_does_not_make(kit: Kit, lh: str) -> None:
    spec = load_registry().latest(lh)
    ep = kit.episode()
    good = kit.run(kit.signed([ep], hoso_override=[kit.hoso(ep) + [(lh, b64(hand_made(spec, ep.ma_lk)))]]))
    assert good.status == "accepted", good.receipt["errors"]
    assert good.batches[lh].num_rows == 1
    assert good.batches[lh].column("ma_lk").to_pylist() == [ep.ma_lk]
    bad_doc = hand_made(spec, ep.ma_lk, extra=UNKNOWN_ELEMENT)
    bad = kit.run(kit.signed([ep], hoso_override=[kit.hoso(ep) + [(lh, b64(bad_doc))]]))
    err = expect(bad, f"XSD.{lh}")
    assert err.get("path", "").startswith(f"/{spec.root_tag}") and isinstance(err.get("line"), int)
    assert bad.receipt["claims"][0]["status"] == "rejected"


@pytest.mark.parametrize("how", ["ma_lk_101", "ngay_vao_month_13"])
def test_xsd_xml1_facets(kit: Kit, how: str) -> None:
    ep = kit.episode()
    if how == "ma_lk_101":
        edit = lambda doc: swap(doc, f"<MA_LK>{ep.ma_lk}</MA_LK>".encode(),  # noqa: E731
                                b"<MA_LK>" + b"L" * 101 + b"</MA_LK>")
    else:
        edit = lambda doc: re.sub(rb"<NGAY_VAO>\d{12}", b"<NGAY_VAO>202513011200", doc, count=1)  # noqa: E731
    result = kit.run(kit.signed([ep], mutate=lambda lh, doc: edit(doc) if lh == "XML1" else doc))
    err = expect(result, "XSD.XML1")
    assert err.get("path", "").startswith("/TONG_HOP/") and isinstance(err.get("line"), int)
    assert result.batches == {}


def test_xsd_inner_payload_not_well_formed(kit: Kit) -> None:
    ep = kit.episode()
    result = kit.run(kit.signed([ep], mutate=lambda lh, doc: doc[:-30] if lh == "XML3" else doc))
    err = expect(result, "XSD.XML3")
    assert isinstance(err.get("line"), int)
    assert result.receipt["claims"] == [{"ma_lk": ep.ma_lk, "status": "rejected", "version": None}]


@pytest.mark.parametrize("tag", ["HO_TEN", "DIA_CHI"])
def test_xsd_overlong_identifier_is_explained_without_its_value(kit: Kit, tag: str) -> None:
    ep = kit.episode()
    value = ep.xml1[tag]
    long = (value + " ") * (1100 // len(value) + 1)
    result = kit.run(kit.signed([ep], mutate=lambda lh, doc: swap(doc, value.encode(), long.encode())
                                if lh == "XML1" else doc))
    err = expect(result, "XSD.XML1")
    assert err.get("path") == f"/TONG_HOP/{tag}"
    assert "maximum length" in err.get("detail", "")
    assert value not in json.dumps(result.receipt, ensure_ascii=False)


@pytest.mark.parametrize("tag", ["T_BHTT", "MA_LK"])
def test_comment_inside_an_inner_value_is_not_silently_truncated(kit: Kit, tag: str) -> None:
    ep = kit.episode()
    value = ep.xml1[tag]
    split = f"<{tag}>{value[:1]}<!---->{value[1:]}</{tag}>".encode()
    result = kit.run(kit.signed([ep], mutate=lambda lh, doc: doc.replace(f"<{tag}>{value}</{tag}>".encode(),
                                                                          split)))
    if result.status == "rejected":  # refusing the value is acceptable; storing a different one is not
        return
    row = result.batches["XML1"].to_pylist()[0]
    assert result.receipt["claims"][0]["ma_lk"] == ep.ma_lk
    assert row["ma_lk"] == ep.ma_lk
    assert row["t_bhtt"] == Decimal(ep.xml1["T_BHTT"])


@pytest.mark.parametrize(("lh", "tag", "value"), [("XML1", "NGAY_TTOAN", b"202602301015"),
                                                  ("XML8", "NGAY_CT", b"20260230")], ids=["DateTime", "Date"])
def test_xsd_value_30_february(kit: Kit, lh: str, tag: str, value: bytes) -> None:
    ep = kit.episode(table=lh)
    pattern = re.compile(f"<{tag}>\\d+</{tag}>".encode())

    def edit(t: str, doc: bytes) -> bytes:
        if t != lh:
            return doc
        assert pattern.search(doc), tag
        return pattern.sub(f"<{tag}>".encode() + value + f"</{tag}>".encode(), doc, count=1)

    result = kit.run(kit.signed([ep], mutate=edit))
    err = expect(result, "XSD.VALUE")
    assert err.get("loaihoso") == lh and err.get("path", "").endswith(f"/{tag}")
    assert result.batches == {}
    assert value.decode() not in json.dumps(result.receipt)  # not echoed: it may be a birth date


def test_impossible_ngaylap_is_a_schema_problem_not_today(kit: Kit) -> None:
    def feb_30(b: bytes) -> bytes:
        return re.sub(rb"<NGAYLAP>\d{8}</NGAYLAP>", b"<NGAYLAP>20260230</NGAYLAP>", b)

    data = kit.signed(edit_unsigned=feb_30)
    expect(kit.run(data), "ENV.SCHEMA")


def test_partially_accepted(kit: Kit) -> None:
    good, bad = kit.episode(), kit.episode()
    month_13 = lambda lh, doc: (re.sub(rb"<NGAY_YL>\d{12}", b"<NGAY_YL>202513011200", doc, count=1)  # noqa: E731
                                if lh == "XML2" else doc)
    bad_files = kit.hoso(bad, mutate=month_13)
    result = kit.run(kit.signed([good, bad], hoso_override=[kit.hoso(good), bad_files]))
    err = expect(result, "XSD.XML2", status="partially_accepted")
    assert err.get("ma_lk") == bad.ma_lk
    assert result.receipt["claims"] == [{"ma_lk": good.ma_lk, "status": "accepted", "version": 1},
                                        {"ma_lk": bad.ma_lk, "status": "rejected", "version": None}]
    assert result.batches["XML1"].column("ma_lk").to_pylist() == [good.ma_lk]
    for lh, batch in result.batches.items():
        assert batch.num_rows == len(good.tables[lh]), lh
    assert batch_ma_lk(result) == {good.ma_lk}


# -- SYS: the boundary ------------------------------------------------------------------------------------


@pytest.mark.parametrize("stage", ["check_size", "parse_document", "validate_envelope", "verify_envelope",
                                   "unpack", "validate_table_order", "table_rows", "type_rows"])
def test_sys_internal_process_file_never_raises(kit: Kit, monkeypatch: pytest.MonkeyPatch,
                                                stage: str) -> None:
    data = kit.signed()

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom in " + stage)

    monkeypatch.setattr(process_mod, stage, boom)
    result = kit.run(data)
    err = expect(result, "SYS.INTERNAL")
    assert result.receipt["errors"] == [err]
    assert result.receipt["signature"]["status"] == "not_checked"


# -- typed output -------------------------------------------------------------------------------------------


def test_typed_xml1_batch(kit: Kit) -> None:
    eps = [kit.episode(), kit.episode()]
    data = kit.signed(eps)
    result = kit.run(data)
    assert result.status == "accepted"
    batch = result.batches["XML1"]
    schema = batch.schema
    assert schema.field("t_bhtt").type == pa.decimal128(19, 4)  # exact at 4 decimals: STD.DECIMALS beyond 2
    assert pa.types.is_timestamp(schema.field("ngay_vao").type)
    assert schema.field("ma_loai_kcb").type == pa.string()
    rows = batch.to_pylist()
    for ep, row in zip(eps, rows, strict=True):
        x1 = ep.xml1
        assert row["ma_lk"] == ep.ma_lk
        assert row["t_bhtt"] == Decimal(x1["T_BHTT"])
        assert row["ngay_vao"] == datetime.strptime(x1["NGAY_VAO"], "%Y%m%d%H%M")
        assert row["ma_loai_kcb"] == x1["MA_LOAI_KCB"] and len(row["ma_loai_kcb"]) == 2
        assert row["ma_loai_kcb"].startswith("0")
        assert row["source_sha256"] == hashlib.sha256(data).hexdigest()
        assert row["macskcb"] == kit.fac.macskcb
        assert row["received_at"] == RECEIVED
        assert row["standard_version"] == "QD4750"
    for name in ("source_sha256", "macskcb", "received_at", "standard_version"):
        assert batch.column(name).null_count == 0


def test_xml13_of_a_2026_file_is_qd3176(kit: Kit) -> None:
    ep = kit.episode(table="XML13")
    data = kit.signed([ep])
    assert ngaylap_of(data).startswith("2026")
    assert load_registry().for_file("XML13", date(2026, 1, 1)).version == "QD3176"
    result = kit.run(data)
    assert result.status == "accepted", result.receipt["errors"]
    assert result.batches["XML13"].column("standard_version").to_pylist() == ["QD3176"]
    assert result.batches["XML13"].schema == load_registry().table_schema("XML13")


# -- conformance: every shape real exporters write loads; the standard's text is an STD warning ------------
#
# One case per row of docs/conformance.md: the edited file is accepted, the value is stored exactly (the typed
# rows are what the lake stores), the receipt carries the STD code as a warning, and the same file with a
# strict context (`bhyt-etl verify --strict`) rejects the claim with that code as an error.

ELEMENT = r"<{tag}>(?:<!\[CDATA\[.*?\]\]>|[^<]*)</{tag}>|<{tag} ?/>"


def set_value(lh: str, tag: str, value: str, *, count: int = 1) -> Callable[[str, bytes], bytes]:
    """A mutation that writes ``value`` into the first ``count`` ``tag`` elements of table ``lh``."""

    def edit(table: str, doc: bytes) -> bytes:
        if table != lh:
            return doc
        new, n = re.subn(
            ELEMENT.format(tag=tag).encode(), f"<{tag}>{value}</{tag}>".encode(), doc, count=count
        )
        assert n, (lh, tag)
        return new

    return edit


STRICT_CASES = {
    # id: (table, mutation, code, column, expected stored value)
    "MA_TTDV certificate code XML1": (
        "XML1",
        set_value("XML1", "MA_TTDV", "001234/HNO-CCHN"),
        "STD.LENGTH",
        "ma_ttdv",
        "001234/HNO-CCHN",
    ),
    "MA_TTDV certificate code XML7": (
        "XML7",
        set_value("XML7", "MA_TTDV", "001234/HNO-CCHN"),
        "STD.LENGTH",
        "ma_ttdv",
        "001234/HNO-CCHN",
    ),
    "MA_TTDV certificate code XML8": (
        "XML8",
        set_value("XML8", "MA_TTDV", "000987/BYT-CCHN"),
        "STD.LENGTH",
        "ma_ttdv",
        "000987/BYT-CCHN",
    ),
    "MA_TTDV certificate code XML13": (
        "XML13",
        set_value("XML13", "MA_TTDV", "001234/HNO-CCHN"),
        "STD.LENGTH",
        "ma_ttdv",
        "001234/HNO-CCHN",
    ),
    "MA_TTDV certificate code XML14": (
        "XML14",
        set_value("XML14", "MA_TTDV", "001234/HNO-CCHN"),
        "STD.LENGTH",
        "ma_ttdv",
        "001234/HNO-CCHN",
    ),
    "MA_BS 255": (
        "XML7",
        set_value("XML7", "MA_BS", ";".join(["001234/HNO-CCHN"] * 14)),
        "STD.LENGTH",
        "ma_bs",
        ";".join(["001234/HNO-CCHN"] * 14),
    ),
    "NGAY_HEN_KL 12 characters": (
        "XML14",
        set_value("XML14", "NGAY_HEN_KL", "202612010800"),
        "STD.FORMAT",
        "ngay_hen_kl",
        datetime(2026, 12, 1, 8, 0),
    ),
    "XML4 MA_DICH_VU sample transfer": (
        "XML4",
        set_value("XML4", "MA_DICH_VU", "22.0001.1234.K.79001"),
        "STD.LENGTH",
        "ma_dich_vu",
        "22.0001.1234.K.79001",
    ),
    "XML4 GIA_TRI 255": (
        "XML4",
        set_value("XML4", "GIA_TRI", "Âm tính " * 30),
        "STD.LENGTH",
        "gia_tri",
        "Âm tính " * 30,
    ),
    "XML7 SO_NGAY_NGHI 3 digits": (
        "XML7",
        set_value("XML7", "SO_NGAY_NGHI", "120"),
        "STD.LENGTH",
        "so_ngay_nghi",
        120,
    ),
    "MA_THE_BHYT empty": ("XML1", set_value("XML1", "MA_THE_BHYT", ""), "STD.REQUIRED", "ma_the_bhyt", None),
    "money trailing zeros": (
        "XML1",
        set_value("XML1", "T_BNTT", "25900.0000"),
        "STD.DECIMALS",
        "t_bntt",
        Decimal("25900.00"),
    ),
    "unit price significant decimals": (
        "XML2",
        set_value("XML2", "DON_GIA", "1234.5678"),
        "STD.DECIMALS",
        "don_gia",
        Decimal("1234.5678"),
    ),
    "negative amount": (
        "XML2",
        set_value("XML2", "T_NGUONKHAC", "-1500.5"),
        "STD.NEGATIVE",
        "t_nguonkhac",
        Decimal("-1500.5"),
    ),
    "whitespace around a number": (
        "XML2",
        set_value("XML2", "SO_LUONG", "\n  2  \n"),
        "STD.WHITESPACE",
        "so_luong",
        Decimal(2),
    ),
}


def _move_first_to_end(lh: str) -> Callable[[str, bytes], bytes]:
    """MA_LK written last instead of first (any order loads: the rows are xs:all)."""

    def edit(table: str, doc: bytes) -> bytes:
        if table != lh:
            return doc
        m = re.search(rb"<MA_LK>[^<]*</MA_LK>", doc)
        closing = b"</TONG_HOP>" if lh == "XML1" else b"</CHI_TIET_THUOC>"
        doc = doc[: m.start()] + doc[m.end() :]
        return doc.replace(closing, m.group(0) + closing, 1)

    return edit


STRICT_CASES["any element order"] = ("XML1", _move_first_to_end("XML1"), "STD.ORDER", "ma_lk", None)


@pytest.mark.parametrize("case", list(STRICT_CASES))
def test_conformance_tolerance_loads_exactly_and_warns_and_strict_refuses(kit: Kit, case: str) -> None:
    lh, mutate, code, column, expected = STRICT_CASES[case]
    ep = kit.episode(table=lh)
    data = kit.signed([ep], mutate=mutate)
    result = kit.run(data)
    err = expect(result, code, status="accepted")
    assert err["severity"] == "warning" and err["loaihoso"] == lh and err["ma_lk"] == ep.ma_lk
    assert result.receipt["claims"] == [{"ma_lk": ep.ma_lk, "status": "accepted", "version": 1}]
    row = result.batches[lh].to_pylist()[0]
    if code == "STD.ORDER":
        expected = ep.ma_lk
    assert row[column] == expected and (not isinstance(expected, Decimal) or str(row[column]) != "")
    strict = kit.run(data, ctx=dataclasses.replace(kit.ctx, strict=True))
    assert strict.status == "rejected"
    assert strict.receipt["claims"] == [{"ma_lk": ep.ma_lk, "status": "rejected", "version": None}]
    refused = [e for e in strict.receipt["errors"] if e["code"] == code]
    assert refused and refused[0]["severity"] == "error"
    assert strict.batches == {}


def test_a_standard_file_carries_no_conformance_warning(kit: Kit) -> None:
    result = kit.run(kit.signed([kit.episode(table=lh) for lh in ("XML13", "XML14")]))
    assert result.status == "accepted"
    assert [e for e in result.receipt["errors"] if e["code"].startswith("STD.")] == []


def test_conformance_warnings_are_counted_per_field_not_per_row(kit: Kit) -> None:
    ep = next(e for e in kit.pool if len(e.tables.get("XML2", [])) >= 2)
    n = len(ep.tables["XML2"])
    result = kit.run(kit.signed([ep], mutate=set_value("XML2", "DON_GIA", "100.0000", count=n)))
    found = [e for e in result.receipt["errors"] if e["code"] == "STD.DECIMALS"]
    assert len(found) == 1 and f"({n} rows)" in found[0]["detail"]


def _qd130_shape(table: str, doc: bytes) -> bytes:
    if table != "XML13":
        return doc
    for new, old in (
        ("MA_NOI_DI", "MA_CSKCB_DI"),
        ("MA_NOI_DEN", "MA_CSKCB_DEN"),
        ("PP_DIEU_TRI", "TINH_TRANG_CT"),
    ):
        doc = doc.replace(f"<{old}>".encode(), f"<{new}>".encode()).replace(
            f"</{old}>".encode(), f"</{new}>".encode()
        )
        doc = doc.replace(f"<{old}/>".encode(), f"<{new}/>".encode())
    return doc


def test_xml13_both_shapes_whatever_the_date_into_the_same_columns(kit: Kit) -> None:
    ep = kit.episode(table="XML13")
    paper = ep.tables["XML13"][0]
    qd3176 = kit.run(kit.signed([ep]))
    assert qd3176.status == "accepted"
    qd130 = kit.run(kit.signed([ep], mutate=_qd130_shape))
    err = expect(qd130, "STD.SHAPE", status="accepted")  # a 2026 file: QĐ 3176 is in force
    assert err["severity"] == "warning"
    new, old = qd3176.batches["XML13"].to_pylist()[0], qd130.batches["XML13"].to_pylist()[0]
    assert (new["xml13_shape"], old["xml13_shape"]) == ("QD3176", "QD130")
    assert old["standard_version"] == "QD4750" and new["standard_version"] == "QD3176"
    for column, tag in (("ma_cskcb_di", "MA_CSKCB_DI"), ("ma_cskcb_den", "MA_CSKCB_DEN")):
        assert old[column] == new[column] == (paper.get(tag) or None)
    assert qd130.batches["XML13"].schema == load_registry().table_schema("XML13")
    strict = kit.run(kit.signed([ep], mutate=_qd130_shape), ctx=dataclasses.replace(kit.ctx, strict=True))
    assert strict.status == "rejected" and "STD.SHAPE" in codes(strict)


def test_xml13_qd3176_referring_facilities_as_a_list(kit: Kit) -> None:
    ep = kit.episode(table="XML13")
    result = kit.run(kit.signed([ep], mutate=set_value("XML13", "MA_CSKCB_DI", "79001;79002;48103")))
    assert result.status == "accepted" and not [
        e for e in result.receipt["errors"] if e["code"].startswith("STD")
    ]
    assert result.batches["XML13"].to_pylist()[0]["ma_cskcb_di"] == "79001;79002;48103"


XML12_ROW = {
    "NGUOI_CHU_TRI": "Nguyễn Văn Hội Đồng",
    "CHUC_VU": "1",
    "NGAY_HOP": "20261020",
    "SO_BIEN_BAN": "BB-12",
}


@pytest.mark.parametrize("root", ["CHI_TIEU_GIAM_DINH_YKHOA", "CHI_TIEU_DU_LIEU_GIAM_DINH_YKHOA"])
def test_xml12_inside_giamdinhhs_is_stored_under_its_hoso(kit: Kit, root: str) -> None:
    ep = kit.episode()
    ep = dataclasses.replace(ep, tables={**ep.tables, "XML12": [dict(XML12_ROW)]})
    spec = next(s for s in load_registry().versions["XML12"] if s.root_tag == root)
    flat = spec.is_flat

    def xml12(table: str, doc: bytes) -> bytes:
        if table != "XML12" or not flat:
            return doc
        fields = re.search(rb"<GIAM_DINH_YKHOA>(.*)</GIAM_DINH_YKHOA>", doc).group(1)
        return (
            b'<?xml version="1.0" encoding="utf-8"?><'
            + root.encode()
            + b">"
            + fields
            + b"</"
            + root.encode()
            + b">"
        )

    result = kit.run(kit.signed([ep], mutate=xml12))
    assert result.status == "accepted", result.receipt["errors"]
    (row,) = result.batches["XML12"].to_pylist()
    assert row["ma_lk"] == ep.ma_lk and row["so_bien_ban"] == "BB-12"
    assert row["standard_version"] == spec.version
    bad = kit.run(kit.signed([ep], mutate=lambda t, d: xml12(t, d).replace(b"<CHUC_VU>1<", b"<CHUC_VU>7<")))
    expect(bad, "XSD.XML12")


# -- XML12 in its own signed message (CHI_TIEU_GIAM_DINH_YKHOA + CHUKYDONVI, no MA_LK) ----------------------

MESSAGE_PII = ("HO_TEN", "SO_CCCD", "DIA_CHI", "MA_BHXH", "MA_THE_BHYT", "DIEN_THOAI")


def assessments(kit: Kit, n: int = 3, seed: int = 12) -> list[dict[str, str]]:
    rows = assessment_rows(kit.w, random.Random(seed), n)
    PII.update(r[f] for r in rows for f in MESSAGE_PII if r.get(f))
    return rows


def message(kit: Kit, rows: list[dict[str, str]], *, signer: object = None, how: str = "signxml",
            edit: Callable[[bytes], bytes] = lambda doc: doc) -> bytes:
    """A stand-alone XML12 message of ``rows``, edited (``edit``) before it is signed as ``how`` signs."""
    unsigned = edit(message_document(load_registry().latest("XML12"), rows))
    issued = signer or kit.w.pki.facility[kit.fac.macskcb]
    if how == "dotnet":
        return sign_dotnet(unsigned, issued, signature_id="{5B4E2A1C-1D2E-4F50-9A7B-0C1D2E3F4A5B}")
    return sign_signxml(unsigned, issued)


DOTNET_ROOT = (b'<CHI_TIEU_GIAM_DINH_YKHOA xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
               b'xmlns:xsd="http://www.w3.org/2001/XMLSchema">')
#: how exporters write and sign the message: signxml (ds: prefix), .NET SignedXml (Inventec), .NET with the
#: XmlSerializer's namespace declarations on the root, and indented before signing
MESSAGE_SHAPES: dict[str, tuple[str, Callable[[bytes], bytes]]] = {
    "signxml": ("signxml", lambda doc: doc),
    "dotnet": ("dotnet", lambda doc: doc),
    "dotnet xmlns": ("dotnet", lambda doc: doc.replace(b"<CHI_TIEU_GIAM_DINH_YKHOA>", DOTNET_ROOT)),
    "indented": ("signxml", lambda doc: re.sub(
        rb"(</\w+>|<\w+/>|<(?:CHI_TIEU_GIAM_DINH_YKHOA|DSACH_GIAM_DINH_YKHOA|GIAM_DINH_YKHOA)>)(?=<)",
        rb"\1\n  ",
        doc,
    )),
}


@pytest.mark.parametrize("shape", list(MESSAGE_SHAPES))
def test_xml12_message_signed_alone_is_accepted_with_its_records(kit: Kit, shape: str) -> None:
    rows = assessments(kit)
    how, edit = MESSAGE_SHAPES[shape]
    raw = message(kit, rows, how=how, edit=edit)
    result = kit.run(raw, name="79101_GDYK.xml")
    assert result.status == "accepted", result.receipt["errors"]
    assert result.receipt["signature"]["status"] == "valid"
    assert result.receipt["claims"] == [] and result.receipt["message"] == "XML12"
    assert result.receipt["records"] == [{"message_stt": i, "status": "accepted"} for i in (1, 2, 3)]
    stored = result.batches["XML12"].to_pylist()
    assert [r["message_stt"] for r in stored] == [1, 2, 3]
    assert [r["so_bien_ban"] for r in stored] == [r["SO_BIEN_BAN"] for r in rows]
    assert [r["so_cccd"] for r in stored] == [r["SO_CCCD"] for r in rows]
    meetings = [datetime.strptime(r["NGAY_HOP"], "%Y%m%d").date() for r in rows]
    assert [r["ngay_hop"] for r in stored] == meetings
    assert [r["tong_tyle_ttct"] for r in stored] == [Decimal(r["TONG_TYLE_TTCT"]) for r in rows]
    assert {(r["ma_lk"], r["source_sha256"], r["macskcb"], r["standard_version"]) for r in stored} == {
        (None, hashlib.sha256(raw).hexdigest(), kit.fac.macskcb, "QD4750")
    }


def test_xml12_message_changed_after_signing_is_refused(kit: Kit) -> None:
    raw = message(kit, assessments(kit))
    forged = re.sub(rb"<TONG_TYLE_TTCT>\d+<", b"<TONG_TYLE_TTCT>81<", raw, count=1)
    assert forged != raw
    result = kit.run(forged)
    assert "content changed after signing" in expect(result, "SIG.INVALID")["detail"]
    assert "records" not in result.receipt and result.rows == {}


def test_xml12_message_of_another_facility_s_signer_is_not_bound(kit: Kit) -> None:
    """The message names no facility: its signer must be registered for the folder's."""
    raw = message(kit, assessments(kit), signer=kit.w.pki.facility[kit.other.macskcb])
    expect(kit.run(raw), "SIG.NOT_BOUND")
    assert kit.run(raw, folder=kit.other.macskcb).status == "accepted"


def test_xml12_message_unsigned_or_hostile_is_refused_before_anything_else(kit: Kit) -> None:
    unsigned = message_document(load_registry().latest("XML12"), assessments(kit))
    expect(kit.run(unsigned), "SIG.UNSIGNED")
    doctype = b'?><!DOCTYPE CHI_TIEU_GIAM_DINH_YKHOA [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    hostile = unsigned.replace(b"?>", doctype, 1).replace(b"<NGUOI_CHU_TRI>", b"<NGUOI_CHU_TRI>&xxe;", 1)
    result = kit.run(hostile)
    expect(result, "SEC.DOCTYPE")
    assert "root:" not in json.dumps(result.receipt)


def test_xml12_message_unknown_element_is_refused_with_its_path(kit: Kit) -> None:
    def second_record_gets_one(doc: bytes) -> bytes:
        first = doc.index(b"</GIAM_DINH_YKHOA>") + 1
        at = doc.index(b"</GIAM_DINH_YKHOA>", first)
        return doc[:at] + UNKNOWN_ELEMENT + doc[at:]

    result = kit.run(message(kit, assessments(kit), edit=second_record_gets_one))
    err = expect(result, "XSD.XML12")
    assert err["path"].startswith("/CHI_TIEU_GIAM_DINH_YKHOA/DSACH_GIAM_DINH_YKHOA/GIAM_DINH_YKHOA")
    assert "GHI_CHU_NOI_BO" in err["detail"] and isinstance(err.get("line"), int)
    assert result.receipt["signature"]["status"] == "valid" and result.rows == {}


def test_xml12_message_in_another_order_loads_with_std_order_and_strict_refuses(kit: Kit) -> None:
    def chair_last(doc: bytes) -> bytes:
        moved = re.sub(rb"(<NGUOI_CHU_TRI>.*?</NGUOI_CHU_TRI>)(.*?)(</GIAM_DINH_YKHOA>)", rb"\2\1\3", doc)
        assert moved != doc
        return moved

    raw = message(kit, assessments(kit, 2), edit=chair_last)
    result = kit.run(raw)
    assert result.status == "accepted"
    assert expect(result, "STD.ORDER", "accepted")["severity"] == "warning"
    assert len(result.batches["XML12"]) == 2
    strict = kit.run(raw, ctx=dataclasses.replace(kit.ctx, strict=True))
    assert expect(strict, "STD.ORDER")["severity"] == "error" and strict.rows == {}


DECLARATIONS = {
    "BOM and UTF-8": b'\xef\xbb\xbf<?xml version="1.0" encoding="UTF-8"?>',
    "utf-8 standalone": b'<?xml version="1.0" encoding="utf-8" standalone="yes"?>',
    "single quotes, no encoding": b"<?xml version='1.0'?>",
    "no declaration": b"",
    "BOM alone": b"\xef\xbb\xbf",
}


@pytest.mark.parametrize("declaration", list(DECLARATIONS))
def test_inner_documents_load_whatever_their_utf8_declaration(kit: Kit, declaration: str) -> None:
    def redeclare(table: str, doc: bytes) -> bytes:
        assert doc.startswith(b"<?xml")
        return DECLARATIONS[declaration] + doc[doc.index(b"?>") + 2 :]

    ep = kit.episode()
    result = kit.run(kit.signed([ep], mutate=redeclare))
    assert result.status == "accepted", result.receipt["errors"]
    assert [e for e in result.receipt["errors"] if e["code"].startswith("STD.")] == []
    assert result.batches["XML1"].to_pylist()[0]["ma_lk"] == ep.ma_lk


def test_empty_element_is_the_same_as_an_absent_one(kit: Kit) -> None:
    ep = kit.episode()
    closed = kit.run(kit.signed([ep], mutate=set_value("XML1", "MA_NOI_DI", "")))
    gone = rb"<MA_NOI_DI>[^<]*</MA_NOI_DI>|<MA_NOI_DI ?/>"
    absent = kit.run(kit.signed([ep], mutate=lambda t, d: re.sub(gone, b"", d) if t == "XML1" else d))
    assert closed.status == absent.status == "accepted"
    assert closed.batches["XML1"].to_pylist()[0]["ma_noi_di"] is None
    assert absent.batches["XML1"].to_pylist()[0]["ma_noi_di"] is None


NEGATIVE_CONTROLS = {
    # id: (table, mutation, the field path's end)
    "impossible date": ("XML1", set_value("XML1", "NGAY_VAO", "202513400800"), "NGAY_VAO"),
    "text in a money field": ("XML1", set_value("XML1", "T_BHTT", "mot trieu"), "T_BHTT"),
    "longer than the widest credible": ("XML1", set_value("XML1", "MA_TTDV", "X" * 256), "MA_TTDV"),
    "five significant decimals": ("XML2", set_value("XML2", "DON_GIA", "1234.56789"), "DON_GIA"),
    "unknown element": (
        "XML1",
        lambda t, d: d.replace(b"</TONG_HOP>", UNKNOWN_ELEMENT + b"</TONG_HOP>") if t == "XML1" else d,
        "GHI_CHU_NOI_BO",
    ),
    "MA_LK still required": (
        "XML1",
        lambda t, d: re.sub(rb"<MA_LK>[^<]*</MA_LK>", b"", d) if t == "XML1" else d,
        "MA_LK",
    ),
}


@pytest.mark.parametrize("case", list(NEGATIVE_CONTROLS))
def test_negative_controls_stay_refused_with_the_field_path(kit: Kit, case: str) -> None:
    lh, mutate, tag = NEGATIVE_CONTROLS[case]
    ep = kit.episode(table=lh)
    result = kit.run(kit.signed([ep], mutate=mutate))
    assert result.status == "rejected"
    errors = [e for e in result.receipt["errors"] if e["code"].startswith("XSD.")]
    assert errors, codes(result)
    assert any(tag in (e.get("path") or "") + (e.get("detail") or "") for e in errors), errors


# -- the catalogue is covered -------------------------------------------------------------------------------

COVERED = (
    {"SEC.DOCTYPE", "SEC.TOO_LARGE", "SEC.LIMIT", "XML.EMPTY", "XML.MALFORMED", "XML.ENCODING", "ENV.SCHEMA",
     "ENV.COUNT_MISMATCH", "ENV.FACILITY_MISMATCH", "ENV.BASE64", "ENV.PAYLOAD_TOO_LARGE",
     "ENV.UNKNOWN_LOAIHOSO", "ENV.IGNORED_LOAIHOSO", "ENV.MISSING_XML1", "ENV.DUPLICATE_TABLE",
     "ENV.DUPLICATE_MA_LK", "SIG.UNSIGNED", "SIG.STRUCTURE", "SIG.ALGORITHM", "SIG.LEGACY_SHA1",
     "SIG.INVALID", "SIG.REFORMATTED", "SIG.UNTRUSTED", "SIG.EXPIRED", "SIG.REVOKED", "SIG.NOT_BOUND",
     "XSD.VALUE", "SYS.INTERNAL", "STD.LENGTH", "STD.FORMAT", "STD.DECIMALS", "STD.NEGATIVE", "STD.REQUIRED",
     "STD.ORDER", "STD.WHITESPACE", "STD.SHAPE"}
    | {f"XSD.{lh}" for lh in GENERATED_TABLES + HAND_MADE_TABLES + ("XML12",)}
)


def test_every_catalogue_code_is_exercised(request: pytest.FixtureRequest) -> None:
    """Statically: the codes targeted here are the catalogue. When the whole module ran: each was seen."""
    assert set(catalogue()) == COVERED
    module = sys.modules[__name__]
    defined = {name for name in vars(module) if name.startswith("test_")}
    selected = {item.originalname for item in request.session.items
                if getattr(item, "module", None) is module}
    if selected == defined:
        assert SEEN == COVERED, f"never seen in a receipt: {sorted(COVERED - SEEN)}"
