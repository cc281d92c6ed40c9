"""Unpack: from a verified envelope to each claim's inner documents, or the problems that reject the file.

Envelopes are written inline, as small as the case needs (unpack reads the tree the signature stage
returned; the signature itself is not its business). ``hoso()`` makes one HOSO from (LOAIHOSO, inner XML)
pairs; ``envelope()`` wraps HOSOs with the facility, the date and the count.
"""

from __future__ import annotations

import base64
from datetime import date

import pytest
from lxml import etree

from pipelines.decide.guard import hardened_parser
from pipelines.decide.unpack import decode_payload, unpack

FACILITY = "79001"
CAP = 1024 * 1024
PARSER = hardened_parser(remove_comments=True)  # as the per-file path parses inner documents


def b64(text: str) -> str:
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def xml1(ma_lk: str) -> str:
    return f"<TONG_HOP><MA_LK>{ma_lk}</MA_LK></TONG_HOP>"


def hoso(*tables: tuple[str, str], raw: bool = False) -> str:
    """One HOSO; ``raw``: the second item of each pair is NOIDUNGFILE's text as is (not base64 of it)."""
    files = "".join(
        f"<FILEHOSO><LOAIHOSO>{lh}</LOAIHOSO><NOIDUNGFILE>{text}</NOIDUNGFILE></FILEHOSO>"
        for lh, text in ((lh, body if raw else b64(body)) for lh, body in tables)
    )
    return f"<HOSO>{files}</HOSO>"


def envelope(
    *hosos: str, macskcb: str = FACILITY, ngaylap: str = "20261015", count: int | None = None
) -> etree._Element:
    xml = (
        f"<GIAMDINHHS><THONGTINDONVI><MACSKCB>{macskcb}</MACSKCB></THONGTINDONVI><THONGTINHOSO>"
        f"<NGAYLAP>{ngaylap}</NGAYLAP><SOLUONGHOSO>{len(hosos) if count is None else count}</SOLUONGHOSO>"
        f"<DANHSACHHOSO>{''.join(hosos)}</DANHSACHHOSO></THONGTINHOSO><CHUKYDONVI/></GIAMDINHHS>"
    )
    return etree.fromstring(xml)


def run(root: etree._Element, **kw: object):  # noqa: ANN201 - (Envelope | None, problems)
    options = {"folder_macskcb": FACILITY, "parser": PARSER, "max_payload_bytes": CAP, **kw}
    return unpack(root, **options)


def codes(problems: list) -> list[str]:
    return [p.code for p in problems]


# -- a good file ----------------------------------------------------------------------------------------


def test_claims_in_file_order_with_their_tables_and_ma_lk():
    env, problems = run(
        envelope(
            hoso(("XML1", xml1(" LK1 ")), ("XML2", "<CHITIEU_CHITIET_THUOC/>")),
            hoso(("XML1", xml1("LK2")), ("XML7", "<A/>"), ("XML7", "<B/>")),  # twins: XML7 twice
        )
    )
    assert problems == []
    assert env.macskcb == FACILITY and env.ngaylap == date(2026, 10, 15) and env.warnings == []
    first, second = env.claims
    assert (first.index, first.ma_lk, second.index, second.ma_lk) == (1, "LK1", 2, "LK2")
    assert [t.loaihoso for t in first.tables] == ["XML1", "XML2"]
    assert [t.root.tag for t in second.table("XML7")] == ["A", "B"]
    assert all(t.problem is None for c in env.claims for t in c.tables)


def test_xml16_to_18_of_qd_3176_are_skipped_with_a_warning():
    env, problems = run(envelope(hoso(("XML1", xml1("LK1")), ("XML16", "<X/>"), ("XML18", "<Y/>"))))
    assert problems == []
    assert [(w.code, w.detail) for w in env.warnings] == [
        ("ENV.IGNORED_LOAIHOSO", "XML16"),
        ("ENV.IGNORED_LOAIHOSO", "XML18"),
    ]
    assert [t.loaihoso for t in env.claims[0].tables] == ["XML1"]


def test_a_comment_inside_an_inner_value_does_not_cut_it_short():
    env, _ = run(envelope(hoso(("XML1", "<TONG_HOP><MA_LK>LK<!-- x -->1</MA_LK></TONG_HOP>"))))
    assert env.claims[0].ma_lk == "LK1"


# -- the envelope's own consistency: the file is rejected ------------------------------------------------


@pytest.mark.parametrize(
    ("root", "options", "code"),
    [
        (envelope(hoso(("XML1", xml1("LK1"))), macskcb="48103"), {}, "ENV.FACILITY_MISMATCH"),
        (envelope(hoso(("XML1", xml1("LK1"))), count=2), {}, "ENV.COUNT_MISMATCH"),
        (envelope(hoso(("XML1", xml1("LK1"))), count=0), {}, "ENV.COUNT_MISMATCH"),
        (envelope(hoso(("XML1", xml1("LK1")), ("XML99", "<X/>"))), {}, "ENV.UNKNOWN_LOAIHOSO"),
        (envelope(hoso(("XML2", "<CHITIEU_CHITIET_THUOC/>"))), {}, "ENV.MISSING_XML1"),
        (envelope(hoso(("XML1", xml1("LK1")), ("XML1", xml1("LK1")))), {}, "ENV.DUPLICATE_TABLE"),
        (envelope(hoso(("XML1", xml1("LK1"))), hoso(("XML1", xml1("LK1")))), {}, "ENV.DUPLICATE_MA_LK"),
        (envelope(hoso(("XML1", xml1("LK1"))), ngaylap="20260230"), {}, "ENV.SCHEMA"),  # no 30 February
        (envelope(*[hoso(("XML1", xml1(f"LK{i}"))) for i in range(3)]), {"max_hoso": 2}, "SEC.TOO_LARGE"),
    ],
    ids=[
        "file_of_another_facility",
        "more_declared_than_sent",
        "fewer_declared_than_sent",
        "unknown_table",
        "claim_without_xml1",
        "xml1_twice_in_a_claim",
        "ma_lk_twice_in_a_file",
        "ngaylap_not_a_real_date",
        "more_hoso_than_the_cap",
    ],
)
def test_an_inconsistent_envelope_rejects_the_file(root, options, code):
    env, problems = run(root, **options)
    assert env is None and code in codes(problems)
    assert all(p.path and p.path.startswith("/GIAMDINHHS") for p in problems)


def test_the_hoso_cap_is_checked_before_any_payload_is_decoded():
    many = [hoso(("XML1", "!!! not base64 !!!"), raw=True) for _ in range(3)]
    _, problems = run(envelope(*many), max_hoso=2)
    assert codes(problems) == ["SEC.TOO_LARGE"]


def test_every_bad_payload_of_a_file_is_reported_with_its_place():
    env, problems = run(
        envelope(
            hoso(("XML1", b64(xml1("LK1"))), ("XML2", "#not-base64#"), raw=True),
            hoso(("XML1", ""), raw=True),
        )
    )
    assert env is None
    assert [(p.code, p.loaihoso, p.path) for p in problems] == [
        ("ENV.BASE64", "XML2", "/GIAMDINHHS/THONGTINHOSO/DANHSACHHOSO/HOSO[1]/FILEHOSO[2]/NOIDUNGFILE"),
        ("ENV.BASE64", "XML1", "/GIAMDINHHS/THONGTINHOSO/DANHSACHHOSO/HOSO[2]/FILEHOSO[1]/NOIDUNGFILE"),
        ("ENV.MISSING_XML1", None, "/GIAMDINHHS/THONGTINHOSO/DANHSACHHOSO/HOSO[2]"),
    ]


def test_a_payload_over_the_cap_is_refused_without_decoding_it():
    big = b64("<CHITIEU_CHITIET_THUOC>" + "x" * 4000 + "</CHITIEU_CHITIET_THUOC>")
    _, problems = run(envelope(hoso(("XML1", xml1("LK1")), ("XML2", big))), max_payload_bytes=1000)
    assert codes(problems) == ["ENV.PAYLOAD_TOO_LARGE"] and "> cap 1000" in problems[0].detail


def test_hostile_content_inside_a_payload_rejects_the_whole_file():
    xxe = (
        '<!DOCTYPE TONG_HOP [<!ENTITY x SYSTEM "file:///etc/passwd">]><TONG_HOP><MA_LK>&x;</MA_LK></TONG_HOP>'
    )
    _, problems = run(envelope(hoso(("XML1", xml1("LK1"))), hoso(("XML1", xml1("LK2")), ("XML2", xxe))))
    assert codes(problems) == ["SEC.DOCTYPE"]
    assert problems[0].path == "/GIAMDINHHS/THONGTINHOSO/DANHSACHHOSO/HOSO[2]/FILEHOSO[2]/NOIDUNGFILE"


# -- a broken inner document fails its claim only --------------------------------------------------------


def test_a_payload_that_is_not_well_formed_fails_its_table_not_the_file():
    env, problems = run(
        envelope(
            hoso(("XML1", xml1("LK1")), ("XML2", "<CHITIEU_CHITIET_THUOC>\n<A></B>")),
            hoso(("XML1", xml1("LK2"))),
        )
    )
    assert problems == []
    broken = env.claims[0].table("XML2")[0]
    assert broken.root is None and broken.problem.code == "XSD.XML2"
    assert broken.problem.detail.startswith("not well-formed") and broken.problem.line == 2
    assert env.claims[1].tables[0].problem is None


# -- base64 as exporters write it -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("PFRPTkdfSE9QLz4=", b"<TONG_HOP/>"),
        ("PFRPTkdf\nSE9QLz4=", b"<TONG_HOP/>"),  # wrapped at a line (MIME style)
        ("PFRPTkdf\r\nSE9Q\r\nLz4=", b"<TONG_HOP/>"),  # Windows line ends
        ("  PFRPTkdfSE9QLz4=\t\n", b"<TONG_HOP/>"),  # indented inside NOIDUNGFILE
    ],
    ids=["one_line", "wrapped", "crlf", "indented"],
)
def test_base64_wrapped_or_indented_is_decoded(text, expected):
    assert decode_payload(text, CAP) == (expected, None)


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        (None, "empty NOIDUNGFILE"),
        ("", "empty NOIDUNGFILE"),
        (" \n ", "empty NOIDUNGFILE"),
        ("PFRPTkdf-E9QLz4=", "not base64"),  # URL-safe alphabet
        ("PFRPTkdfSE9QLz4", "not base64"),  # padding missing
        ("PFRPTkdfSE9QLz4=é", "not base64"),  # not ASCII
    ],
    ids=["absent", "empty", "only_whitespace", "url_safe_alphabet", "no_padding", "non_ascii"],
)
def test_anything_but_standard_base64_is_env_base64(text, detail):
    data, problem = decode_payload(text, CAP)
    assert data is None and problem.code == "ENV.BASE64" and problem.detail.startswith(detail)
