"""Normalize: validated text to typed Arrow, exactly.

Each case is one value of one field of a real table (types from the XSDs through the registry), put through
what the night does with it: ``table_rows`` → ``type_rows`` → ``to_batch_many``. Money is decimal and never
rounded; ``yyyyMMddHHmm`` is a timestamp and an impossible day is a claim-level ``XSD.VALUE`` (never a silent
null); codes stay the exact text the facility wrote (``1.1`` is not ``1.10``, ``01`` is not ``1``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from lxml import etree

from pipelines.decide.normalize import Lineage, table_rows, to_batch_many, type_rows
from pipelines.standard import load_registry
from pipelines.standard.codes import Problem

REGISTRY = load_registry()
LINEAGE = Lineage("ab" * 32, "79001", datetime(2026, 11, 15, 2, 30, tzinfo=UTC))
MA_LK = "LK0001"


def document(loaihoso: str, *rows: dict[str, str]) -> etree._Element:
    """An inner document of ``loaihoso`` holding ``rows`` ({TAG: text}), shaped as its XSD says (flat
    tables hold one row directly under the root)."""
    spec = REGISTRY.latest(loaihoso)
    root = etree.Element(spec.root_tag)
    if spec.is_flat:
        parents = [root]
    else:
        container = etree.SubElement(root, spec.list_tag)
        parents = [etree.SubElement(container, spec.row_tag) for _ in rows]
    for parent, row in zip(parents, rows, strict=True):
        for tag, text in {"MA_LK": MA_LK, **row}.items():
            etree.SubElement(parent, tag).text = text
    return root


def typed(loaihoso: str, *rows: dict[str, str]) -> tuple[list[dict[str, Any]], list[Problem]]:
    """The rows as the warehouse stores them (Python values read back from Arrow), and the problems."""
    spec = REGISTRY.latest(loaihoso)
    values, problems = type_rows(table_rows(document(loaihoso, *rows), spec), spec, ma_lk=MA_LK)
    batch = to_batch_many(REGISTRY, loaihoso, [([(v, spec.version) for v in values], LINEAGE)])
    assert batch.schema == REGISTRY.table_schema(loaihoso)
    return batch.to_pylist(), problems


def one(loaihoso: str, tag: str, text: str) -> Any:
    (row,), problems = typed(loaihoso, {tag: text})
    assert problems == []
    return row[tag.lower()]


# -- decimals: exact, at the scale of their type ---------------------------------------------------------


@pytest.mark.parametrize(
    ("loaihoso", "tag", "text", "expected"),
    [
        ("XML1", "T_BHTT", "1500000", "1500000.0000"),  # whole đồng: the scale added
        ("XML1", "T_BHTT", "1500000.5", "1500000.5000"),  # one decimal
        ("XML1", "T_BHTT", "100.10", "100.1000"),  # stored at the scale of the type (4)
        ("XML1", "T_BHTT", "25900.0000", "25900.0000"),  # a database exporter's trailing zeros
        ("XML1", "T_BHTT", "25900.00000000", "25900.0000"),  # zeros beyond the stored scale
        ("XML2", "DON_GIA", "1234.5678", "1234.5678"),  # significant decimals beyond the standard's 3: exact
        ("XML1", "T_BHTT", "100.00", "100.0000"),
        ("XML1", "T_BHTT", "0", "0.0000"),
        ("XML1", "T_BHTT", "0000120", "120.0000"),  # leading zeros are not an octal or a code
        ("XML1", "T_TONGCHI_BV", "999999999999999.99", "999999999999999.9900"),  # the XSD's largest amount
        ("XML2", "DON_GIA", "12345.678", "12345.6780"),  # unit price: 3 decimals
        ("XML2", "DON_GIA", "999999999999999.999", "999999999999999.9990"),  # 19 digits, all kept
        ("XML2", "SO_LUONG", "0.5", "0.5000"),  # half a bed-day
        ("XML2", "SO_LUONG", "9999999999.999", "9999999999.9990"),
        ("XML2", "TYLE_TT_BH", "100", "100.00"),  # percent
        ("XML2", "MUC_HUONG", "47.5", "47.50"),  # QĐ 1931/2026 widens MUC_HUONG to decimals
        ("XML1", "CAN_NANG", "3.25", "3.2500"),  # kg
    ],
    ids=lambda v: v if isinstance(v, str) and len(v) < 24 else None,
)
def test_a_decimal_is_stored_exactly_at_the_scale_of_its_type(loaihoso, tag, text, expected):
    value = one(loaihoso, tag, text)
    assert isinstance(value, Decimal)
    assert str(value) == expected  # same digits, same scale: nothing passed through a float
    spec_type = REGISTRY.latest(loaihoso).field(tag).arrow_type
    assert -value.as_tuple().exponent == spec_type.scale


def test_money_adds_up_exactly_where_floats_would_not():
    rows, _ = typed("XML2", *({"THANH_TIEN_BH": t, "STT": str(i)} for i, t in enumerate(("0.10", "0.20"), 1)))
    assert sum(r["thanh_tien_bh"] for r in rows) == Decimal("0.30")
    assert 0.10 + 0.20 != 0.30  # what a float column would have stored
    batch = pa.Table.from_pylist(rows, schema=REGISTRY.table_schema("XML2"))
    assert pc.sum(batch["thanh_tien_bh"]).as_py() == Decimal("0.30")


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ("1.00005", "a fifth significant decimal in money"),
        ("12345678901234567.5", "more digits than decimal(19,4) holds"),
    ],
)
def test_a_decimal_the_xsd_would_refuse_is_never_rounded_or_wrapped(text, what):
    """The Money pattern stops these at validation (tests/decide/test_validate.py); should one ever reach
    normalize, Arrow refuses it instead of rounding."""
    with pytest.raises(pa.ArrowInvalid):
        typed("XML1", {"T_BHTT": text})


# -- timestamps and dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("202610151430", datetime(2026, 10, 15, 14, 30)),
        ("202601010000", datetime(2026, 1, 1, 0, 0)),
        ("202612312359", datetime(2026, 12, 31, 23, 59)),
        ("202402290800", datetime(2024, 2, 29, 8, 0)),  # leap year
        ("200002290800", datetime(2000, 2, 29, 8, 0)),  # divisible by 400: leap
    ],
)
def test_yyyymmddhhmm_is_a_local_timestamp_to_the_minute(text, expected):
    value = one("XML1", "NGAY_VAO", text)
    assert value == expected and value.tzinfo is None  # local (Asia/Ho_Chi_Minh) time, as written
    assert REGISTRY.table_schema("XML1").field("ngay_vao").type == pa.timestamp("s")


@pytest.mark.parametrize(
    "text",
    [
        "202602300800",  # 30 February
        "202302290800",  # 29 February of a common year
        "210002290800",  # 2100 is not a leap year
        "202604310800",  # 31 April
        "202606310800",  # 31 June
    ],
)
def test_an_impossible_day_is_xsd_value_on_its_field_never_a_silent_null(text):
    """The XSD pattern bounds month, day (01-31), hour and minute; only the length of the month is left."""
    (row,), problems = typed("XML1", {"NGAY_VAO": text})
    assert row["ngay_vao"] is None
    (problem,) = problems
    assert problem.code == "XSD.VALUE" and problem.loaihoso == "XML1" and problem.ma_lk == MA_LK
    assert problem.path == "/TONG_HOP/NGAY_VAO"
    assert problem.detail == "NGAY_VAO is not a real datetime" and text not in problem.detail


def test_an_impossible_day_in_a_detail_row_names_the_row():
    rows, problems = typed(
        "XML2", {"STT": "1", "NGAY_YL": "202610010800"}, {"STT": "2", "NGAY_YL": "202609310800"}
    )
    assert [r["ngay_yl"] for r in rows] == [datetime(2026, 10, 1, 8, 0), None]
    assert [p.path for p in problems] == [
        "/CHITIEU_CHITIET_THUOC/DSACH_CHI_TIET_THUOC/CHI_TIET_THUOC[2]/NGAY_YL"
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("20261015", date(2026, 10, 15)), ("20240229", date(2024, 2, 29)), ("20260230", None)],
)
def test_yyyymmdd_is_a_date(text, expected):
    (row,), problems = typed("XML1", {"NAM_NAM_LIEN_TUC": text})
    assert row["nam_nam_lien_tuc"] == expected
    assert [p.detail for p in problems] == ([] if expected else ["NAM_NAM_LIEN_TUC is not a real date"])


@pytest.mark.parametrize(
    ("tag", "text", "why"),
    [
        ("NGAY_SINH", "198500000000", "date of birth with month and day unknown (00)"),
        ("NGAY_SINH", "202610150730", "a newborn's birth time"),
        ("GT_THE_TU", "20260101;20260701", "card validity: a list of dates"),
        ("NGAY_MIEN_CCT", "20261015", "a date where a date-time may stand"),
    ],
)
def test_date_like_fields_that_are_not_always_one_date_stay_text(tag, text, why):
    assert one("XML1", tag, text) == text


# -- codes, keys, integers, empty values -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("loaihoso", "tag", "text"),
    [
        ("XML2", "MA_NHOM", "1.1"),
        ("XML2", "MA_NHOM", "1.10"),  # another code than 1.1, though equal as numbers
        ("XML1", "MA_LOAI_KCB", "01"),  # not 1
        ("XML3", "MA_DICH_VU", "01.0001.0001"),
        ("XML2", "MA_THUOC", "40.17"),
        ("XML1", "MA_DKBD", "079001"),
    ],
)
def test_a_code_is_kept_as_the_exact_text_written(loaihoso, tag, text):
    assert one(loaihoso, tag, text) == text
    assert REGISTRY.table_schema(loaihoso).field(tag.lower()).type == pa.string()


def test_codes_equal_as_numbers_stay_different():
    rows, _ = typed("XML2", {"STT": "1", "MA_NHOM": "1.1"}, {"STT": "2", "MA_NHOM": "1.10"})
    assert [r["ma_nhom"] for r in rows] == ["1.1", "1.10"]


@pytest.mark.parametrize(("text", "expected"), [("7", 7), ("0012", 12), ("9999999999", 9_999_999_999)])
def test_an_integer_field_is_int64(text, expected):
    assert one("XML1", "SO_NGAY_DTRI", text) == expected


@pytest.mark.parametrize("tag", ["T_BHTT", "NGAY_RA", "MA_LOAI_KCB", "SO_NGAY_DTRI", "HO_TEN"])
def test_an_empty_or_absent_element_is_null_not_zero_or_empty_text(tag):
    (present,), _ = typed("XML1", {tag: ""})
    (absent,), _ = typed("XML1", {})
    assert present[tag.lower()] is None and absent[tag.lower()] is None


# -- rows and lineage --------------------------------------------------------------------------------------


def test_table_rows_reads_text_by_tag_and_skips_comments():
    root = etree.fromstring(
        "<TONG_HOP><MA_LK>LK9</MA_LK><!-- exporter note --><HO_TEN/><T_BHTT>5</T_BHTT></TONG_HOP>"
    )
    assert table_rows(root, REGISTRY.latest("XML1")) == [{"MA_LK": "LK9", "HO_TEN": "", "T_BHTT": "5"}]


def test_a_list_table_without_its_list_element_has_no_rows():
    assert table_rows(etree.fromstring("<CHITIEU_CHITIET_THUOC/>"), REGISTRY.latest("XML2")) == []


def test_every_row_carries_the_lineage_of_its_file_and_the_table_version():
    rows, _ = typed("XML2", {"STT": "1"}, {"STT": "2"})
    for row in rows:
        assert row["source_sha256"] == LINEAGE.source_sha256 and row["macskcb"] == "79001"
        assert row["received_at"] == LINEAGE.received_at
        assert row["standard_version"] == REGISTRY.latest("XML2").version == "QD4750"
        assert row["ma_lk"] == MA_LK


def test_rows_of_many_files_make_one_batch_each_row_with_its_own_file():
    spec = REGISTRY.latest("XML1")
    other = Lineage("cd" * 32, "48103", datetime(2026, 11, 16, 1, 0, tzinfo=UTC))
    files = [
        ([({"ma_lk": "A", "t_bhtt": "1.5"}, spec.version)], LINEAGE),
        (
            [({"ma_lk": "B", "t_bhtt": "2"}, spec.version), ({"ma_lk": "C", "t_bhtt": None}, spec.version)],
            other,
        ),
    ]
    rows = to_batch_many(REGISTRY, "XML1", files).to_pylist()
    assert [(r["ma_lk"], r["macskcb"], r["t_bhtt"]) for r in rows] == [
        ("A", "79001", Decimal("1.50")),
        ("B", "48103", Decimal("2.00")),
        ("C", "48103", None),
    ]
