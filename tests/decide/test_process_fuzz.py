"""Property: whatever the bytes, `process_file` answers with a contract receipt, never SYS.INTERNAL, in < 2 s.

Valid signed files from a seeded generator are mutated at four levels: raw bytes (flips, insertions,
deletions, truncation), envelope elements (delete, duplicate, rename), base64 text inside a NOIDUNGFILE
(characters flipped, whitespace and line breaks inserted), and inner documents before signing (so the
mutation survives the signature and reaches unpack, the table schemas and the typing). XML12's own signed
message is mutated the same ways: its bytes after signing, its elements and values before. Examples are
derandomized so CI sees the same inputs on every run.
"""

from __future__ import annotations

import base64
import json
import random
import re
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from lxml import etree
from support.fuzzing import examples

from pipelines.decide.process import Context, FileResult, process_file
from pipelines.generate.assessments import assessment_rows
from pipelines.generate.claims import Episode, Facility
from pipelines.generate.envelope import message_document
from pipelines.generate.signing import sign_signxml
from pipelines.generate.writer import LandingWriter
from pipelines.standard import load_registry
from pipelines.standard.codes import catalogue

SEED = 31762025
RECEIVED = datetime(2026, 11, 15, 2, 30, tzinfo=UTC)
STATUSES = {"accepted", "partially_accepted", "rejected", "duplicate"}
FUZZ = settings(max_examples=examples(40), deadline=2000, derandomize=True, database=None, print_blob=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])
B64_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="
TAGS = ("X", "MACSKCB", "NGAYLAP", "SOLUONGHOSO", "HOSO", "FILEHOSO", "LOAIHOSO", "NOIDUNGFILE", "CHUKYDONVI",
        "THONGTINDONVI", "DANHSACHHOSO")


@dataclass
class Fuzz:
    w: LandingWriter
    ctx: Context
    fac: Facility
    episodes: list[Episode]
    bases: list[bytes]  # valid signed files: .NET-shaped and ds:-shaped, one and two claims
    message: bytes = b""  # an unsigned XML12 message of three records (signed by each test)


@pytest.fixture(scope="module")
def fz(tmp_path_factory: pytest.TempPathFactory) -> Fuzz:
    root = tmp_path_factory.mktemp("fuzz")
    w = LandingWriter(root / "landing", root / "trust", 2, SEED, "2026-10")
    w.pki.write_trust_dir(root / "trust")
    w._patient_pool(12)
    fac = w.facilities[0]
    episodes = [w.episode(fac) for _ in range(4)]
    bases = [
        w.claim_file(fac, episodes[:1], shape="dotnet", style="inventec")[0],
        w.claim_file(fac, episodes[1:3], shape="signxml", style="official")[0],
        w.claim_file(fac, episodes[3:4], shape="signxml", style="php")[0],
    ]
    message = message_document(load_registry().latest("XML12"), assessment_rows(w, random.Random(SEED), 3))
    f = Fuzz(w=w, ctx=Context.create(root / "trust"), fac=fac, episodes=episodes, bases=bases,
             message=message)
    for data in bases:  # the starting points really are valid
        assert run(f, data, note=False).status == "accepted"
    assert len(run(f, signed_message(f), note=False).receipt["records"]) == 3
    return f


def signed_message(f: Fuzz, unsigned: bytes | None = None) -> bytes:
    return sign_signxml(unsigned or f.message, f.w.pki.facility[f.fac.macskcb])


def run(f: Fuzz, raw: bytes, *, note: bool = True) -> FileResult:
    result = process_file(raw, file_name="fuzz.xml", folder_macskcb=f.fac.macskcb, received_at=RECEIVED,
                          ctx=f.ctx)
    check(result)
    if note:  # what the examples ended as (pytest --hypothesis-show-statistics)
        event(f"{result.status} {' '.join(sorted({e['code'] for e in result.receipt['errors']}))}")
    return result


def check(result: FileResult) -> None:
    r = result.receipt
    json.dumps(r, ensure_ascii=False)
    assert r["status"] in STATUSES
    found = [e["code"] for e in r["errors"]]
    assert "SYS.INTERNAL" not in found, r["errors"]
    cat = catalogue()
    assert all(code in cat for code in found), found
    claim_status = [c["status"] for c in r["claims"]]
    if "message" in r:  # XML12's own message: accepted whole, its records listed and stored, or rejected
        assert r["status"] == "accepted" and r["claims"] == [] and r["records"]
        assert all(cat[c].severity == "warning" for c in found), found
        assert [b.num_rows for b in result.batches.values()] == [len(r["records"])]
        return
    if r["status"] == "rejected":
        assert result.batches == {}
        assert "accepted" not in claim_status
        assert any(cat[c].severity == "error" for c in found), found
    else:
        assert "accepted" in claim_status
        assert all(cat[c].severity == "warning" for c in found) == (r["status"] == "accepted")
        accepted = {c["ma_lk"] for c in r["claims"] if c["status"] == "accepted"}
        for batch in result.batches.values():
            assert set(batch.column("ma_lk").to_pylist()) <= accepted


# -- byte level ----------------------------------------------------------------------------------------------

byte_op = st.one_of(
    st.tuples(st.just("flip"), st.integers(0, 10**9), st.integers(1, 255)),
    st.tuples(st.just("insert"), st.integers(0, 10**9), st.binary(min_size=1, max_size=8)),
    st.tuples(st.just("delete"), st.integers(0, 10**9), st.integers(1, 64)),
    st.tuples(st.just("truncate"), st.integers(0, 10**9), st.just(0)),
)


def apply_bytes(data: bytes, ops: list[tuple]) -> bytes:
    buf = bytearray(data)
    for kind, at, arg in ops:
        i = at % (len(buf) + 1)
        if kind == "flip" and i < len(buf):
            buf[i] ^= arg
        elif kind == "insert":
            buf[i:i] = arg
        elif kind == "delete":
            del buf[i : i + arg]
        elif kind == "truncate":
            del buf[i:]
    return bytes(buf)


@FUZZ
@given(base=st.integers(0, 2), ops=st.lists(byte_op, min_size=1, max_size=4))
def test_byte_mutations(fz: Fuzz, base: int, ops: list[tuple]) -> None:
    run(fz, apply_bytes(fz.bases[base], ops))


# -- element level -------------------------------------------------------------------------------------------

element_op = st.tuples(st.sampled_from(["delete", "duplicate", "rename"]), st.integers(0, 10**6),
                       st.sampled_from(TAGS))


def apply_elements(data: bytes, ops: list[tuple]) -> bytes:
    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    for kind, at, tag in ops:
        elements = [el for el in root.iter() if isinstance(el.tag, str) and el is not root]
        if not elements:
            break
        el = elements[at % len(elements)]
        parent = el.getparent()
        if kind == "delete":
            parent.remove(el)
        elif kind == "duplicate":
            el.addnext(etree.fromstring(etree.tostring(el)))
        else:
            el.tag = tag
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


@FUZZ
@given(base=st.integers(0, 2), ops=st.lists(element_op, min_size=1, max_size=3))
def test_element_mutations(fz: Fuzz, base: int, ops: list[tuple]) -> None:
    run(fz, apply_elements(fz.bases[base], ops))


# -- base64 level --------------------------------------------------------------------------------------------

b64_op = st.one_of(
    st.tuples(st.just("flip"), st.integers(0, 10**9), st.sampled_from(B64_CHARS + "*#-_!é \t")),
    st.tuples(st.just("space"), st.integers(0, 10**9), st.sampled_from([" ", "\n", "\r\n", "\t", "  \n  "])),
)
NOIDUNG = re.compile(rb"(<NOIDUNGFILE>)([^<]*)(</NOIDUNGFILE>)")


def apply_b64(data: bytes, which: int, ops: list[tuple]) -> bytes:
    payloads = list(NOIDUNG.finditer(data))
    m = payloads[which % len(payloads)]
    text = list(m.group(2).decode("ascii"))
    for kind, at, ch in ops:
        i = at % (len(text) + 1)
        if kind == "flip" and i < len(text):
            text[i] = ch
        else:
            text.insert(i, ch)
    return data[: m.start(2)] + "".join(text).encode("utf-8") + data[m.end(2):]


@FUZZ
@given(base=st.integers(0, 2), which=st.integers(0, 100), ops=st.lists(b64_op, min_size=1, max_size=5))
def test_base64_mutations(fz: Fuzz, base: int, which: int, ops: list[tuple]) -> None:
    run(fz, apply_b64(fz.bases[base], which, ops))


# -- inner documents, mutated before signing (the signature holds; later stages see the damage) --------------

VALUES = ["", " ", "20260230", "202602301200", "99999999999999999", "-1", "1e5", "0.001", "01", "x" * 300,
          "\u0111\u1ea1i", "]]>", "&amp;", "<!---->"]
inner_op = st.one_of(
    byte_op,
    st.tuples(st.just("value"), st.integers(0, 10**6),
              st.one_of(st.sampled_from(VALUES), st.text(max_size=12))),
)


def apply_inner(doc: bytes, ops: list[tuple]) -> bytes:
    for op in ops:
        if op[0] != "value":
            doc = apply_bytes(doc, [op])
            continue
        _, at, value = op
        leaves = list(re.finditer(rb"<([A-Z_0-9]+)>([^<]*)</\1>|<([A-Z_0-9]+) ?/>", doc))
        if not leaves:
            continue
        m = leaves[at % len(leaves)]
        tag = m.group(1) or m.group(3)
        text = value if value == "<!---->" else value.replace("&", "&amp;").replace("<", "&lt;")
        doc = doc[: m.start()] + f"<{tag.decode()}>{text}</{tag.decode()}>".encode() + doc[m.end():]
    return doc


@FUZZ
@given(ep=st.integers(0, 3), table=st.integers(0, 20), ops=st.lists(inner_op, min_size=1, max_size=3),
       b64_ok=st.booleans())
def test_inner_mutations_before_signing(fz: Fuzz, ep: int, table: int, ops: list[tuple],
                                        b64_ok: bool) -> None:
    episode = fz.episodes[ep]
    target = sorted(episode.tables)[table % len(episode.tables)]

    def mutate(lh: str, doc: bytes) -> bytes:
        return apply_inner(doc, ops) if lh == target else doc

    if b64_ok:
        data, _, _ = fz.w.claim_file(fz.fac, [episode], mutate=mutate)
    else:  # the exporter also broke that table's base64 (signed as such)
        hoso = [[(lh, c if lh != target else c[:-2] + "*=") for lh, c in
                 fz.w.hoso_files(episode, fz.w.ngaylap([episode]), "official", mutate)]]
        data, _, _ = fz.w.claim_file(fz.fac, [episode], hoso_override=hoso)
    run(fz, data)


def test_bases_decode(fz: Fuzz) -> None:
    """Sanity of the fuzz inputs: every NOIDUNGFILE of every base file is strict base64 of an XML document."""
    for data in fz.bases:
        for m in NOIDUNG.finditer(data):
            assert base64.b64decode(m.group(2), validate=True).startswith(b"<?xml")


# -- XML12's own signed message ------------------------------------------------------------------------------

MESSAGE_TAGS = ("X", "CHI_TIEU_GIAM_DINH_YKHOA", "DSACH_GIAM_DINH_YKHOA", "GIAM_DINH_YKHOA", "CHUKYDONVI",
                "NGAY_HOP", "CHUC_VU", "TYLE_TTCT_MOI", "MA_LK", "GIAMDINHHS")


@FUZZ
@given(ops=st.lists(byte_op, min_size=1, max_size=4))
def test_message_byte_mutations(fz: Fuzz, ops: list[tuple]) -> None:
    run(fz, apply_bytes(signed_message(fz), ops))


@FUZZ
@given(ops=st.lists(st.tuples(st.sampled_from(["delete", "duplicate", "rename"]), st.integers(0, 10**6),
                              st.sampled_from(MESSAGE_TAGS)), min_size=1, max_size=3),
       signed=st.booleans())
def test_message_element_mutations(fz: Fuzz, ops: list[tuple], signed: bool) -> None:
    """Elements deleted, duplicated or renamed before signing (the schema sees them) or after (the
    signature does)."""
    if signed:
        run(fz, apply_elements(signed_message(fz), ops))
        return
    mutated = apply_elements(fz.message, ops)
    try:
        data = signed_message(fz, mutated)
    except ValueError:  # the mutation removed or duplicated CHUKYDONVI or renamed the root: sent unsigned
        data = mutated
    run(fz, data)


@FUZZ
@given(ops=st.lists(inner_op, min_size=1, max_size=3))
def test_message_value_mutations_before_signing(fz: Fuzz, ops: list[tuple]) -> None:
    mutated = apply_inner(fz.message, ops)
    try:
        data = signed_message(fz, mutated)
    except (ValueError, etree.XMLSyntaxError):  # no longer a document a signer takes: sent as it is
        data = mutated
    run(fz, data)
