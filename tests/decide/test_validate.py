"""Validate: documents against the XSDs; a failure explained by element, line and rule, never by its value.

The starting point is one claim of the committed sample (``data/sample``, as the generator writes real
exporters' files): its envelope and its XML1 and XML2 documents are valid, and each case changes one value
of a copy. The explanation must name the element and the rule, and must not repeat the value (it may be a
patient's name).
"""

from __future__ import annotations

import base64
import copy

import pytest
from lxml import etree

from pipelines.common.paths import data_dir
from pipelines.decide.guard import hardened_parser
from pipelines.decide.validate import MAX_EXPLAINED, validate_envelope, validate_table
from pipelines.standard import load_registry

REGISTRY = load_registry()
SAMPLE_CLAIM = (
    data_dir() / "sample" / "landing" / "79101" / "inbox" / "79101_261079101000001_20261010000005.xml"
)
ENVELOPE = etree.fromstring(SAMPLE_CLAIM.read_bytes(), hardened_parser())


def inner(loaihoso: str) -> etree._Element:
    """A fresh copy of the sample claim's ``loaihoso`` document."""
    for fh in ENVELOPE.iterfind("THONGTINHOSO/DANHSACHHOSO/HOSO/FILEHOSO"):
        if fh.findtext("LOAIHOSO") == loaihoso:
            return etree.fromstring(base64.b64decode(fh.findtext("NOIDUNGFILE")), hardened_parser())
    raise LookupError(loaihoso)


def xml1_with(tag: str, text: str) -> etree._Element:
    root = inner("XML1")
    root.find(tag).text = text
    return root


def test_the_sample_claim_is_valid():
    assert validate_envelope(copy.deepcopy(ENVELOPE), REGISTRY) == []
    assert validate_table(inner("XML1"), REGISTRY.latest("XML1")) == []
    assert validate_table(inner("XML2"), REGISTRY.latest("XML2")) == []


@pytest.mark.parametrize(
    ("tag", "text", "rule"),
    [
        ("T_BHTT", "1500.00005", "does not match the required format"),  # 5 significant decimals: not exact
        ("T_BHTT", "--1500", "does not match the required format"),  # one minus loads (STD.NEGATIVE)
        ("T_BHTT", "1e5", "does not match the required format"),  # no exponents
        ("T_BHTT", "1,5", "does not match the required format"),  # '.' is the decimal separator
        ("T_BHTT", "1234567890123456", "does not match the required format"),  # 16 integer digits
        ("NGAY_VAO", "202613010800", "does not match the required format"),  # month 13
        ("NGAY_VAO", "20261015", "does not match the required format"),  # a date where a minute is due
        ("GIOI_TINH", "4", "not one of the allowed codes 1, 2, 3"),
        ("HO_TEN", "Nguyễn Văn An " * 20, "longer than the maximum length 255"),
        ("MA_LOAI_KCB", "1", "does not match the required format"),  # a 2-digit code
    ],
    ids=[
        "money_5_decimals",
        "money_two_minus",
        "money_exponent",
        "money_comma",
        "money_too_many_digits",
        "month_13",
        "date_for_datetime",
        "code_not_in_list",
        "text_too_long",
        "code_without_leading_zero",
    ],
)
def test_a_broken_value_is_explained_by_element_path_line_and_rule_never_by_the_value(tag, text, rule):
    problems = validate_table(xml1_with(tag, text), REGISTRY.latest("XML1"), ma_lk="LK1")
    assert problems, f"{tag}={text!r} passed the XSD"
    first = problems[0]
    assert (first.code, first.loaihoso, first.ma_lk) == ("XSD.XML1", "XML1", "LK1")
    assert first.detail.startswith(f"{tag}: {rule}")
    assert first.path.endswith(f"TONG_HOP/{tag}") and first.line
    assert all(text.strip() not in p.detail for p in problems)


def test_an_element_the_standard_does_not_have_is_named():
    root = inner("XML1")
    etree.SubElement(root, "GHI_CHU_RIENG").text = "x"
    (problem,) = validate_table(root, REGISTRY.latest("XML1"))
    assert "Unexpected child with tag 'GHI_CHU_RIENG'" in problem.detail


def test_a_missing_required_element_is_placed_by_the_element_found_instead():
    root = inner("XML1")
    root.remove(root.find("MA_LOAI_KCB"))  # required; MA_KHOA follows it
    (problem,) = validate_table(root, REGISTRY.latest("XML1"))
    assert (problem.code, problem.path) == ("XSD.XML1", "/TONG_HOP")
    assert "Unexpected child with tag 'MA_KHOA'" in problem.detail


def test_elements_out_of_the_standards_order_load_and_a_real_fault_is_still_named():
    root = inner("XML1")
    ma_lk = root.find("MA_LK")
    root.remove(ma_lk)
    root.append(ma_lk)  # MA_LK last: the same data in an exporter's own order
    assert validate_table(root, REGISTRY.latest("XML1")) == []
    root.find("NGAY_VAO").text = "202613010800"  # and a real fault besides the order
    (problem, *_) = validate_table(root, REGISTRY.latest("XML1"))
    assert problem.path.endswith("TONG_HOP/NGAY_VAO")
    assert "does not match the required format" in problem.detail


def test_a_detail_row_is_named_by_its_position():
    root = inner("XML2")
    rows = root.findall("DSACH_CHI_TIET_THUOC/CHI_TIET_THUOC")
    assert len(rows) > 1
    rows[-1].find("SO_LUONG").text = "abc"
    problems = validate_table(root, REGISTRY.latest("XML2"))
    assert problems and {p.code for p in problems} == {"XSD.XML2"}
    assert {p.path for p in problems} == {
        f"/CHITIEU_CHITIET_THUOC/DSACH_CHI_TIET_THUOC/CHI_TIET_THUOC[{len(rows)}]/SO_LUONG"
    }
    assert problems[0].detail.startswith("SO_LUONG: does not match the required format")


def test_at_most_max_explained_problems_per_document():
    root = inner("XML1")
    for tag in ("T_THUOC", "T_VTYT", "T_TONGCHI_BV", "T_TONGCHI_BH", "T_BNTT", "T_BNCCT", "T_BHTT"):
        root.find(tag).text = "x"
    problems = validate_table(root, REGISTRY.latest("XML1"))
    assert len(problems) == MAX_EXPLAINED


@pytest.mark.parametrize(
    ("path", "text"),
    [("THONGTINHOSO/SOLUONGHOSO", "one"), ("THONGTINHOSO/NGAYLAP", "2026-10-15")],
)
def test_a_broken_envelope_is_env_schema(path, text):
    root = copy.deepcopy(ENVELOPE)
    root.find(path).text = text
    problems = validate_envelope(root, REGISTRY)
    assert problems and {p.code for p in problems} == {"ENV.SCHEMA"}
    assert path.split("/")[-1] in problems[0].detail and text not in problems[0].detail
