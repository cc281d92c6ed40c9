"""Hostile and odd bytes through the whole per-file path (`process_file`): each case ends in one given code.

`tests/test_process.py` already has one test per catalogue code; the cases here are the variants an attacker
or a broken exporter would try next: XXE by every door (parameter entities, external DTD, after a BOM or a
comment, XInclude inside a signed table) with a live listener proving nothing is fetched, entity bombs that
are quadratic rather than exponential, nesting and oversized text inside *signed* tables, the size caps at
their exact boundary, encodings that lie (UTF-16 without a byte-order mark, Windows-1258, Latin-1 inside a
table), NUL bytes, the UTF-8 byte-order mark, extra signature slots anywhere, re-formatting after signing,
and base64 wrapped before signing (valid) versus after (not).
"""

from __future__ import annotations

import base64
import dataclasses
import json
import re
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
from receipt_contract import check_receipt, codes

from pipelines.common.settings import Settings
from pipelines.decide.process import Context, FileResult, process_file
from pipelines.generate.claims import Episode, Facility
from pipelines.generate.defects import LAUGHS
from pipelines.generate.envelope import envelope
from pipelines.generate.signing import sign_dotnet, sign_signxml
from pipelines.generate.writer import LandingWriter, reindent

SEED = 7130
RECEIVED = datetime(2026, 11, 15, 2, 30, tzinfo=UTC)
PII_FIELDS = ("HO_TEN", "SO_CCCD", "MA_THE_BHYT", "DIA_CHI", "DIEN_THOAI")
DECL = b'<?xml version="1.0" encoding="utf-8"?>\n'
BOM = b"\xef\xbb\xbf"
SHAPES = ("dotnet", "signxml")


@dataclass
class Kit:
    w: LandingWriter
    ctx: Context
    fac: Facility
    root: Path
    pii: set[str] = field(default_factory=set)

    def episode(self) -> Episode:
        ep = self.w.episode(self.fac)
        self.pii.update(v for f in PII_FIELDS if (v := ep.tables["XML1"][0].get(f)))
        return ep

    def signed(self, eps: list[Episode] | None = None, **kw: object) -> bytes:
        return self.w.claim_file(self.fac, eps or [self.episode()], **kw)[0]

    def run(self, raw: bytes, *, ctx: Context | None = None) -> FileResult:
        result = process_file(raw, file_name="hostile.xml", folder_macskcb=self.fac.macskcb,
                              received_at=RECEIVED, ctx=ctx or self.ctx)
        check_receipt(result.receipt, pii=self.pii)
        return result

    def with_settings(self, **kw: object) -> Context:
        return dataclasses.replace(self.ctx, settings=Settings(**kw))


@pytest.fixture(scope="module")
def kit(tmp_path_factory: pytest.TempPathFactory) -> Kit:
    root = tmp_path_factory.mktemp("hostile")
    w = LandingWriter(root / "landing", root / "trust", 2, SEED, "2026-10")
    w.pki.write_trust_dir(root / "trust")
    w._patient_pool(12)
    return Kit(w=w, ctx=Context.create(root / "trust"), fac=w.facilities[0], root=root)


def rejected_with(result: FileResult, code: str) -> dict:
    """The file is rejected as a whole with ``code`` first: no claims, no rows."""
    r = result.receipt
    assert r["status"] == "rejected", (r["status"], r["errors"])
    assert codes(r)[0] == code, codes(r)
    assert r["claims"] == [] and result.batches == {}
    return r["errors"][0]


def swap(data: bytes, old: bytes, new: bytes) -> bytes:
    assert old in data, old
    return data.replace(old, new, 1)


def signature_of(data: bytes) -> bytes:
    return re.search(rb"<(ds:)?Signature\b.*</(ds:)?Signature>", data, flags=re.S).group(0)


def rows(result: FileResult) -> dict[str, list[dict]]:
    """The typed rows without lineage (which names the file's SHA-256)."""
    return {lh: [{k: v for k, v in row.items() if k != "source_sha256"} for row in b.to_pylist()]
            for lh, b in sorted(result.batches.items())}


# -- XXE: nothing is read, nothing is fetched ----------------------------------------------------------------


@pytest.fixture
def listener() -> Callable[[], bool]:
    """A TCP port on 127.0.0.1 that records connections (libxml2 fetches in C, below any Python patch)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.setblocking(False)

    def connected() -> bool:
        try:
            conn, _ = sock.accept()
        except BlockingIOError:
            return False
        conn.close()
        return True

    connected.port = sock.getsockname()[1]  # type: ignore[attr-defined]
    yield connected
    sock.close()


XXE_VARIANTS = {
    "general_entity_file": b'<!DOCTYPE GIAMDINHHS [<!ENTITY x SYSTEM "file://{canary}">]>',
    "general_entity_http": b'<!DOCTYPE GIAMDINHHS [<!ENTITY x SYSTEM "http://127.0.0.1:{port}/x">]>',
    "parameter_entity_http": b'<!DOCTYPE GIAMDINHHS [<!ENTITY % p SYSTEM "http://127.0.0.1:{port}/p"> %p;]>',
    "external_dtd": b'<!DOCTYPE GIAMDINHHS SYSTEM "http://127.0.0.1:{port}/envelope.dtd">',
    "after_a_comment": b'<!-- exported --><!DOCTYPE GIAMDINHHS [<!ENTITY x SYSTEM "file://{canary}">]>',
    "after_a_pi": b'<?exporter v2?><!DOCTYPE GIAMDINHHS [<!ENTITY x SYSTEM "file://{canary}">]>',
    "lower_case": b'<!doctype GIAMDINHHS [<!ENTITY x SYSTEM "file://{canary}">]>',
}


@pytest.mark.parametrize("bom", [False, True], ids=["no_bom", "bom"])
@pytest.mark.parametrize("variant", sorted(XXE_VARIANTS))
def test_xxe_is_sec_doctype_and_nothing_is_read_or_fetched(kit: Kit, listener: Callable[[], bool],
                                                           variant: str, bom: bool) -> None:
    canary = kit.root / "canary.txt"
    canary.write_text("CANARY-7f3a-not-for-receipts")
    doctype = XXE_VARIANTS[variant].replace(b"{canary}", str(canary).encode()).replace(
        b"{port}", str(listener.port).encode())  # type: ignore[attr-defined]
    raw = ((BOM if bom else b"") + DECL + doctype
           + b"<GIAMDINHHS><THONGTINDONVI><MACSKCB>&x;</MACSKCB></THONGTINDONVI></GIAMDINHHS>")
    start = time.perf_counter()
    result = kit.run(raw)
    assert time.perf_counter() - start < 1.0
    rejected_with(result, "SEC.DOCTYPE")
    assert "CANARY" not in json.dumps(result.receipt)
    assert not listener(), "the parser connected to the external entity's URL"


def test_xinclude_inside_a_signed_table_is_never_processed(kit: Kit) -> None:
    """The facility itself signs a table holding an XInclude of a local file: lxml never runs XInclude, so the
    element is only an unknown element of XML1 (that claim rejected), and the file's text goes nowhere."""
    canary = kit.root / "xinclude.txt"
    canary.write_text("CANARY-XINCLUDE-91c2")
    ep = kit.episode()

    def xinclude(lh: str, doc: bytes) -> bytes:
        if lh != "XML1":
            return doc
        return swap(doc, b"<TONG_HOP>", b'<TONG_HOP xmlns:xi="http://www.w3.org/2001/XInclude">'
                    b'<xi:include href="' + str(canary).encode() + b'" parse="text"/>')

    result = kit.run(kit.signed([ep], mutate=xinclude))
    assert result.status == "rejected"
    assert codes(result.receipt)[0] == "XSD.XML1"
    assert result.receipt["claims"] == [{"ma_lk": ep.ma_lk, "status": "rejected", "version": None}]
    assert "CANARY" not in json.dumps(result.receipt) and result.batches == {}


# -- entity bombs ------------------------------------------------------------------------------------------


def test_quadratic_blowup_entity_is_refused_before_parsing(kit: Kit) -> None:
    """One 100 kB entity referenced 20,000 times (2 GB if expanded; libxml2's amplification guard does not
    catch this shape on every version): refused from the prolog, in milliseconds."""
    raw = (DECL + b'<!DOCTYPE GIAMDINHHS [<!ENTITY x "' + b"A" * 100_000 + b'">]><GIAMDINHHS><THONGTINDONVI>'
           + b"<MACSKCB>" + b"&x;" * 20_000 + b"</MACSKCB></THONGTINDONVI></GIAMDINHHS>")
    start = time.perf_counter()
    result = kit.run(raw)
    assert time.perf_counter() - start < 0.5
    rejected_with(result, "SEC.DOCTYPE")


def test_billion_laughs_inside_a_signed_table_rejects_the_whole_file(kit: Kit) -> None:
    eps = [kit.episode(), kit.episode()]
    result = kit.run(kit.signed(eps, mutate=lambda lh, doc: LAUGHS if lh == "XML2" else doc))
    err = rejected_with(result, "SEC.DOCTYPE")
    assert err["loaihoso"] == "XML2" and err["path"].endswith("/NOIDUNGFILE")
    assert len(json.dumps(result.receipt)) < 20_000


# -- nesting and size limits ---------------------------------------------------------------------------------


def test_deep_nesting_100000_levels_is_sec_limit_fast(kit: Kit) -> None:
    raw = (DECL + b"<GIAMDINHHS><THONGTINDONVI><MACSKCB>" + b"<a>" * 100_000 + b"</a>" * 100_000
           + b"</MACSKCB></THONGTINDONVI></GIAMDINHHS>")
    start = time.perf_counter()
    err = rejected_with(kit.run(raw), "SEC.LIMIT")
    assert time.perf_counter() - start < 1.0
    assert "depth" in err["detail"]


def test_deep_nesting_inside_a_signed_table_rejects_the_whole_file(kit: Kit) -> None:
    def deep(lh: str, doc: bytes) -> bytes:
        if lh != "XML2":
            return doc
        end = b"</CHITIEU_CHITIET_THUOC>"
        return swap(doc, end, b"<a>" * 300 + b"</a>" * 300 + end)

    ep = kit.episode()
    if "XML2" not in ep.tables:
        pytest.skip("this episode has no XML2")
    err = rejected_with(kit.run(kit.signed([ep], mutate=deep)), "SEC.LIMIT")
    assert err["loaihoso"] == "XML2"


def _with_payload(data: bytes, payload: bytes) -> bytes:
    m = re.search(rb"<NOIDUNGFILE>([^<]*)</NOIDUNGFILE>", data)
    return data[: m.start(1)] + payload + data[m.end(1):]


@pytest.mark.parametrize("wrapped", [False, True], ids=["one_line", "wrapped_76"])
def test_huge_text_node_20mb_base64_is_sec_limit(kit: Kit, wrapped: bool) -> None:
    """A 20 MB NOIDUNGFILE (15 MB of inner XML) is over libxml2's 10,000,000-character text limit, which we
    keep (no ``huge_tree``): SEC.LIMIT from the outer parse, before any signature work or base64 decoding."""
    big = base64.b64encode(b"<X>" + b"A" * 15_000_000 + b"</X>")
    if wrapped:
        big = b"\n".join(big[i : i + 76] for i in range(0, len(big), 76))
    raw = _with_payload(kit.signed(), big)
    start = time.perf_counter()
    err = rejected_with(kit.run(raw), "SEC.LIMIT")
    assert time.perf_counter() - start < 2.0
    assert "Text node too long" in err["detail"] and isinstance(err.get("line"), int)


_MEASURE = """
import json, sys
from datetime import UTC, datetime
from pathlib import Path
from pipelines.decide.process import Context, process_file

def status_kb(key):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])

ctx = Context.create(Path(sys.argv[1]))
raw = Path(sys.argv[2]).read_bytes()
try:
    Path("/proc/self/clear_refs").write_text("5")  # the peak (VmHWM) starts again from the current RSS
except OSError:
    print(json.dumps({"unsupported": True}))
    sys.exit(0)
before = status_kb("VmRSS")
r = process_file(raw, file_name="big.xml", folder_macskcb=sys.argv[3], received_at=datetime.now(UTC), ctx=ctx)
print(json.dumps({"status": r.status, "codes": [e["code"] for e in r.receipt["errors"]],
                  "grew_mb": (status_kb("VmHWM") - before) / 1024}))
"""


@pytest.mark.skipif(not Path("/proc/self/clear_refs").exists(), reason="needs Linux /proc peak-RSS reset")
def test_huge_text_node_does_not_blow_up_memory(kit: Kit, tmp_path: Path) -> None:
    """In a fresh process, peak RSS reset after the bytes are read: refusing the 20 MB file costs less than
    4x its size (measured: ~10 MB)."""
    big = base64.b64encode(b"<X>" + b"A" * 15_000_000 + b"</X>")
    path = tmp_path / "big.xml"
    path.write_bytes(_with_payload(kit.signed(), big))
    args = [sys.executable, "-c", _MEASURE, str(kit.root / "trust"), str(path), kit.fac.macskcb]
    out = subprocess.run(args, capture_output=True, text=True, timeout=60, check=True)
    found = json.loads(out.stdout.strip().splitlines()[-1])
    if found.get("unsupported"):
        pytest.skip("cannot reset the peak RSS here")
    assert found["status"] == "rejected" and found["codes"] == ["SEC.LIMIT"]
    assert found["grew_mb"] < 80, found


def test_size_cap_boundary_and_check_before_parsing(kit: Kit) -> None:
    """At the cap a valid file is accepted (trailing blank lines after the root are outside what is signed);
    one byte more is SEC.TOO_LARGE; and bytes over the cap are never parsed (garbage is not XML.MALFORMED)."""
    data = kit.signed()
    ctx = kit.with_settings(max_file_mb=(len(data) + 500) / (1024 * 1024))
    cap = ctx.settings.max_file_bytes
    at_cap = data + b"\n" * (cap - len(data))
    assert len(at_cap) == cap
    assert kit.run(at_cap, ctx=ctx).status == "accepted"
    rejected_with(kit.run(at_cap + b"\n", ctx=ctx), "SEC.TOO_LARGE")
    rejected_with(kit.run(b"\xff<<not xml" * (cap // 10 + 1), ctx=ctx), "SEC.TOO_LARGE")


def test_more_hoso_than_the_cap_is_sec_too_large(kit: Kit) -> None:
    """``max_hoso_per_file`` (settings) is enforced on the signed envelope before any table is decoded."""
    eps = [kit.episode() for _ in range(3)]
    data = kit.signed(eps)
    err = rejected_with(kit.run(data, ctx=kit.with_settings(max_hoso_per_file=2)), "SEC.TOO_LARGE")
    assert "3 HOSO" in err["detail"]
    assert kit.run(data, ctx=kit.with_settings(max_hoso_per_file=3)).status == "accepted"


# -- encodings ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_xml_encoding_even_with_a_valid_signature(kit: Kit, codec: str) -> None:
    """libxml2 detects UTF-16 from ``<?`` without a byte-order mark and the signature (over the canonical
    form) still verifies, so without the NUL-byte check this file was accepted against the UTF-8 rule."""
    data = kit.signed()
    raw = data.decode("utf-8").encode(codec)  # the declaration still says utf-8: it lies too
    err = rejected_with(kit.run(raw), "XML.ENCODING")
    assert "NUL" in err["detail"]


def test_declared_windows_1258_is_xml_encoding(kit: Kit) -> None:
    """Windows-1258 is the Vietnamese code page: a declaration of it over a UTF-8 file is the classic lie."""
    raw = swap(kit.signed(), b'encoding="utf-8"', b'encoding="windows-1258"')
    rejected_with(kit.run(raw), "XML.ENCODING")


@pytest.mark.parametrize("how", ["declared_latin1_over_utf8", "cp1258_bytes_declared_utf8"])
def test_lying_encoding_inside_a_signed_table_rejects_that_claim_without_mojibake(kit: Kit, how: str) -> None:
    """Inside a table the lie is the exporter's bug in that claim: XSD.XML1 for it, the other claim goes on,
    and no mis-decoded name reaches the rows."""
    bad, good = kit.episode(), kit.episode()
    name = bad.xml1["HO_TEN"]
    assert name.encode("utf-8") != name.encode("latin-1", errors="replace")  # really Vietnamese

    def lie(lh: str, doc: bytes) -> bytes:
        if lh != "XML1":
            return doc
        if how == "declared_latin1_over_utf8":
            return swap(doc, b'encoding="utf-8"', b'encoding="ISO-8859-1"')
        return doc.decode("utf-8").encode("cp1258", errors="replace")

    hoso = [kit.w.hoso_files(bad, "20261105", "official", lie),
            kit.w.hoso_files(good, "20261105", "official")]
    result = kit.run(kit.signed([bad, good], hoso_override=hoso))
    assert result.status == "partially_accepted", result.receipt["errors"]
    assert codes(result.receipt)[0] == "XSD.XML1"
    assert [c["status"] for c in result.receipt["claims"]] == ["rejected", "accepted"]
    assert result.batches["XML1"].column("ma_lk").to_pylist() == [good.ma_lk]


@pytest.mark.parametrize("shape", SHAPES)
def test_utf8_bom_on_a_valid_signed_file_is_accepted(kit: Kit, shape: str) -> None:
    """Decision: a UTF-8 byte-order mark is ACCEPTED, on the envelope and inside a table, and gives exactly
    the rows of the same file without it.

    Why: XML 1.0 (§4.3.3, Appendix F) allows a UTF-8 BOM and it is not character data; it is outside what is
    signed (the digest covers the C14N form, which has no BOM and no XML declaration - SIGNATURE.md §1.2), so
    the signature verifies; .NET writes one by default (``Encoding.UTF8`` is ``UTF8Encoding(true)``) and most
    facilities sign with .NET tools (SIGNATURE.md §0); STANDARD.md §2.1 notes Inventec strips a BOM before
    base64-encoding a table, i.e. the BOM does occur in exporters' pipelines. Rejecting it would turn away
    authentic, well-formed data for a byte that carries no meaning. (A UTF-16/32 BOM stays XML.ENCODING.)
    """
    ep = kit.episode()
    data = kit.signed([ep], shape=shape)
    plain = kit.run(data)
    assert plain.status == "accepted"
    with_bom = kit.run(BOM + data)
    assert with_bom.status == "accepted" and with_bom.receipt["errors"] == []
    assert rows(with_bom) == rows(plain)
    inner = kit.run(kit.signed([ep], shape=shape, mutate=lambda lh, doc: BOM + doc))
    assert inner.status == "accepted" and rows(inner) == rows(plain)


@pytest.mark.parametrize("where", ["first_byte", "in_an_element", "trailing_padding"])
def test_nul_bytes_are_xml_encoding_wherever_they_are(kit: Kit, where: str) -> None:
    """NUL is never XML. One code wherever it stands (before the fix: XML.MALFORMED first or last,
    XML.ENCODING in the middle), with the line, for a UTF-16 export or a damaged, NUL-padded upload."""
    data = kit.signed()
    raw = {"first_byte": b"\x00" + data, "in_an_element": swap(data, b"<NGAYLAP>", b"<NGAYLAP>\x00"),
           "trailing_padding": data + b"\x00" * 4096}[where]
    err = rejected_with(kit.run(raw), "XML.ENCODING")
    assert "NUL" in err["detail"] and isinstance(err.get("line"), int)


@pytest.mark.parametrize("raw", [b"", BOM, b"\x00" * 4096, b"\n\r\n \t"],
                         ids=["zero_bytes", "bom_only", "nul_only", "blank"])
def test_zero_byte_and_contentless_files_are_xml_empty(kit: Kit, raw: bytes) -> None:
    """An upload that never got its content (zero bytes, a lone BOM, a pre-allocated NUL-filled file)."""
    rejected_with(kit.run(raw), "XML.EMPTY")


def test_bare_ampersand_and_html_entity_are_not_called_hostile(kit: Kit) -> None:
    """``&nbsp;`` or ``A & B`` is an exporter's escaping bug, not a DTD: XML.MALFORMED on the envelope, and
    only that claim's table (XSD.XML1) inside a signed table (before the fix: SEC.DOCTYPE, whole file)."""
    raw = swap(kit.signed(), b"<NGAYLAP>", b"<NGAYLAP>&nbsp;")
    rejected_with(kit.run(raw), "XML.MALFORMED")
    bad, good = kit.episode(), kit.episode()

    def ampersand(lh: str, doc: bytes) -> bytes:
        if lh != "XML1":
            return doc
        return re.sub(rb"<MA_BN>[^<]*</MA_BN>", b"<MA_BN>A & B</MA_BN>", doc, count=1)

    hoso = [kit.w.hoso_files(bad, "20261105", "official", ampersand),
            kit.w.hoso_files(good, "20261105", "official")]
    result = kit.run(kit.signed([bad, good], hoso_override=hoso))
    assert result.status == "partially_accepted", result.receipt["errors"]
    assert codes(result.receipt)[0] == "XSD.XML1"


# -- signature slots ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["in_thongtindonvi", "in_hoso", "empty_after_the_real_one"])
def test_second_chukydonvi_anywhere_is_sig_structure(kit: Kit, where: str) -> None:
    """Exactly one CHUKYDONVI, a child of the root (SIGNATURE.md §6 step 1). A nested one used to reach the
    wrapper schema first (ENV.SCHEMA); the signature contract says SIG.STRUCTURE."""
    data = kit.signed()
    block = re.search(rb"<CHUKYDONVI>.*</CHUKYDONVI>", data, flags=re.S).group(0)
    raw = {"in_thongtindonvi": swap(data, b"</THONGTINDONVI>", block + b"</THONGTINDONVI>"),
           "in_hoso": swap(data, b"</HOSO>", b"<CHUKYDONVI/></HOSO>"),
           "empty_after_the_real_one": swap(data, block, block + b"<CHUKYDONVI></CHUKYDONVI>")}[where]
    rejected_with(kit.run(raw), "SIG.STRUCTURE")


def test_the_only_chukydonvi_moved_inside_the_envelope_is_sig_structure(kit: Kit) -> None:
    data = kit.signed()
    block = re.search(rb"<CHUKYDONVI>.*</CHUKYDONVI>", data, flags=re.S).group(0)
    raw = swap(swap(data, block, b""), b"</THONGTINHOSO>", block + b"</THONGTINHOSO>")
    err = rejected_with(kit.run(raw), "SIG.STRUCTURE")
    assert "not a child" in err["detail"]


@pytest.mark.parametrize("where", ["in_thongtindonvi", "in_filehoso", "other_prefix_in_danhsachhoso"])
def test_extra_signature_elsewhere_is_sig_structure(kit: Kit, where: str) -> None:
    data = kit.signed(shape="signxml")
    sig = signature_of(data)
    other = sig.replace(b"ds:", b"dsig:").replace(b"xmlns:ds=", b"xmlns:dsig=")
    raw = {"in_thongtindonvi": swap(data, b"</THONGTINDONVI>", sig + b"</THONGTINDONVI>"),
           "in_filehoso": swap(data, b"</FILEHOSO>", sig + b"</FILEHOSO>"),
           "other_prefix_in_danhsachhoso": swap(data, b"</DANHSACHHOSO>", other + b"</DANHSACHHOSO>")}[where]
    rejected_with(kit.run(raw), "SIG.STRUCTURE")


# -- formatting after signing -------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", SHAPES)
def test_reindented_after_signing_is_sig_reformatted_and_still_rejected(kit: Kit, shape: str) -> None:
    """A compact file opened and re-saved pretty-printed: the diagnosis says why; the file is refused."""
    data = kit.signed(shape=shape, style="official")
    result = kit.run(reindent(data))
    rejected_with(result, "SIG.REFORMATTED")
    assert result.receipt["signature"]["status"] == "reformatted"


def test_reindented_and_tampered_is_sig_invalid_not_reformatted(kit: Kit) -> None:
    """The blank-stripped diagnostic pass must not launder a change of content."""
    data = reindent(kit.signed(shape="signxml", style="official"))
    raw = re.sub(rb"<NGAYLAP>(\d{7})(\d)", lambda m: b"<NGAYLAP>" + m.group(1) + (b"1" if m.group(2) != b"1"
                 else b"2"), data, count=1)
    rejected_with(kit.run(raw), "SIG.INVALID")


def test_an_indented_file_reindented_differently_is_rejected(kit: Kit) -> None:
    """An envelope signed indented (Inventec style) and re-indented: the whitespace that was signed is gone
    and the stripped form was never signed, so the diagnosis cannot tell; SIG.INVALID, still rejected."""
    data = kit.signed(shape="dotnet", style="inventec")
    rejected_with(kit.run(reindent(data)), "SIG.INVALID")


def test_crlf_line_endings_after_signing_are_accepted(kit: Kit) -> None:
    """A Windows transfer that turns LF into CRLF changes nothing signed: XML 1.0 §2.11 normalises line ends
    before any application (and C14N) sees them, so the signature verifies and the rows are the same."""
    data = kit.signed(shape="dotnet", style="inventec")
    crlf = kit.run(data.replace(b"\n", b"\r\n"))
    assert crlf.status == "accepted" and rows(crlf) == rows(kit.run(data))


# -- base64 wrapping ----------------------------------------------------------------------------------------


def _wrap(text: str, width: int = 76, eol: str = "\n") -> str:
    return eol.join(text[i : i + width] for i in range(0, len(text), width))


@pytest.mark.parametrize("eol", ["\n", "\r\n"], ids=["lf", "crlf"])
@pytest.mark.parametrize("shape", SHAPES)
def test_base64_wrapped_every_76_chars_before_signing_is_accepted(kit: Kit, shape: str, eol: str) -> None:
    """MIME-style base64 (76 characters a line) is what some exporters write; signed that way it is authentic
    and decodes to the same tables: accepted, with the same rows as the one-line file."""
    ep = kit.episode()
    ngaylap = kit.w.ngaylap([ep])
    files = kit.w.hoso_files(ep, ngaylap, "official")
    signer = kit.w.pki.facility[kit.fac.macskcb]

    def sign(unsigned: bytes) -> bytes:
        if shape == "dotnet":
            return sign_dotnet(unsigned, signer, signature_id="3f2504e0-4f89-41d3-9a0c-0305e82c3301")
        return sign_signxml(unsigned, signer)

    one_line = sign(envelope(kit.fac.macskcb, ngaylap, [files], "official"))
    wrapped_files = [(lh, _wrap(content, eol=eol)) for lh, content in files]
    assert any(len(content) > 76 for _, content in files)
    wrapped = sign(envelope(kit.fac.macskcb, ngaylap, [wrapped_files], "official"))
    assert re.search(rb"<NOIDUNGFILE>[A-Za-z0-9+/]{76}\r?\n", wrapped)
    result = kit.run(wrapped)
    assert result.status == "accepted", result.receipt["errors"]
    assert result.receipt["signature"]["status"] == "valid"
    assert rows(result) == rows(kit.run(one_line))


def test_base64_wrapped_after_signing_is_sig_invalid(kit: Kit) -> None:
    """Re-wrapping NOIDUNGFILE after signing changes signed character data (not blank text): SIG.INVALID."""
    data = kit.signed(shape="signxml", style="official")
    raw = re.sub(rb"<NOIDUNGFILE>([^<]*)</NOIDUNGFILE>",
                 lambda m: b"<NOIDUNGFILE>" + _wrap(m.group(1).decode()).encode() + b"</NOIDUNGFILE>", data)
    assert raw != data
    rejected_with(kit.run(raw), "SIG.INVALID")
