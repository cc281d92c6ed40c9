"""The form layouts are well-formed data, multi-level headers merge right, amounts read in Vietnamese."""

from __future__ import annotations

import pytest

from pipelines.marts.forms import (
    EXTRA_HEADING,
    FormLayoutError,
    amount_in_words,
    form_layouts,
    header_merges,
    load_form,
    portal_layouts,
)
from pipelines.marts.payment import payment_objects


@pytest.mark.parametrize(
    "amount, words",
    [
        (0, "Không đồng"),
        (5, "Năm đồng"),
        (10, "Mười đồng"),
        (15, "Mười lăm đồng"),
        (21, "Hai mươi mốt đồng"),
        (25, "Hai mươi lăm đồng"),
        (105, "Một trăm linh năm đồng"),
        (110, "Một trăm mười đồng"),
        (1_005, "Một nghìn không trăm linh năm đồng"),
        (2_021, "Hai nghìn không trăm hai mươi mốt đồng"),
        (1_000_500, "Một triệu năm trăm đồng"),
        (1_005_000, "Một triệu không trăm linh năm nghìn đồng"),
        (1_250_000, "Một triệu hai trăm năm mươi nghìn đồng"),
        (5_129_530, "Năm triệu một trăm hai mươi chín nghìn năm trăm ba mươi đồng"),
        (1_000_000_001, "Một tỷ không trăm linh một đồng"),
        (
            12_345_678_901,
            "Mười hai tỷ ba trăm bốn mươi lăm triệu sáu trăm bảy mươi tám nghìn chín trăm linh một đồng",
        ),
        (1_000_000_000_000, "Một nghìn tỷ đồng"),
        (-35_000, "Âm ba mươi lăm nghìn đồng"),
    ],
)
def test_amount_in_words(amount, words):
    assert amount_in_words(amount) == words


def test_header_merges_span_neighbours_with_the_same_label_and_short_paths_down():
    paths = [
        ("STT",),
        ("Năm sinh", "Nam"),
        ("Năm sinh", "Nữ"),
        ("Tổng", "Cộng"),
        ("Tổng", "Tỷ lệ", "DVKT"),
        ("Tổng", "Tỷ lệ", "Thuốc"),
    ]
    assert sorted(header_merges(paths)) == sorted(
        [
            (0, 0, 2, 0, "STT"),
            (0, 1, 0, 2, "Năm sinh"),
            (1, 1, 2, 1, "Nam"),
            (1, 2, 2, 2, "Nữ"),
            (0, 3, 0, 5, "Tổng"),
            (1, 3, 2, 3, "Cộng"),
            (1, 4, 1, 5, "Tỷ lệ"),
            (2, 4, 2, 4, "DVKT"),
            (2, 5, 2, 5, "Thuốc"),
        ]
    )


def test_every_form_prints_columns_of_its_view_and_extras_after_its_numbered_ones():
    views = {o.report.name: o for o in payment_objects() if o.report is not None}
    forms = form_layouts()
    assert set(forms) == {"c79a", "c80a", "m19", "m20", "m21"}
    for name, form in forms.items():
        columns = set(views[name].columns)
        assert {c.column for c in form.columns} <= columns, name
        assert set(form.regroup_keys) <= columns and (not form.group_by or form.group_by in columns)
        printed = form.printed
        own = [c for c in printed if not c.extra]
        assert printed[: len(own)] == tuple(own) and all(c.extra for c in printed[len(own) :])
        numbered = [c.code for c in own if c.code.startswith("(")]
        assert numbered == [f"({i})" for i in range(1, len(numbered) + 1)], name
        letters = [c.code for c in own if not c.code.startswith("(")]
        assert "F" not in letters and letters == sorted(letters), name  # the Vietnamese alphabet has no F
        assert form.provenance.strip() and "not found" in form.provenance
        assert all(
            p[0] == EXTRA_HEADING for p, c in zip(form.header_paths(), printed, strict=True) if c.extra
        )


def test_the_settlement_forms_have_their_own_columns():
    forms = form_layouts()
    c79a = {c.column: c for c in forms["c79a"].columns if not c.extra}
    c80a = {c.column: c for c in forms["c80a"].columns if not c.extra}
    assert c79a["ngay_vao"].header == ("Ngày khám",) and "t_kham" in c79a and "t_giuong" not in c79a
    assert "ngay_ra" not in c79a and "so_ngay_dtri" not in c79a
    assert c80a["ngay_vao"].header == ("Ngày vào",) and {"ngay_ra", "so_ngay_dtri", "t_giuong"} <= c80a.keys()
    for form in (c79a, c80a):
        assert form["nam_sinh_nam"].header == ("Năm sinh", "Nam") and form["nam_sinh_nu"].header == (
            "Năm sinh",
            "Nữ",
        )
        assert form["t_nguoibenh"].header == ("Người bệnh cùng chi trả",)
    assert c79a["t_nguoibenh"].code == "(13)" and c79a["t_bhtt"].code == "(14)"


def test_the_7980a_exchange_layout_is_the_43_columns():
    (portal,) = portal_layouts().values()
    tags = [c.tag for c in portal.columns]
    assert len(tags) == 43 == len(set(tags))
    assert tags[:3] == ["STT", "MA_LK", "MA_BN"] and tags[-1] == "T_NGUONKHAC"
    assert [c.format for c in portal.columns if c.tag in ("NGAY_VAO", "NGAY_RA")] == ["datetime12"] * 2
    assert portal.checks["ma_lydo_vvien"] == ("1", "2", "3", "4")


def test_a_malformed_layout_is_refused_naming_the_file(tmp_path):
    bad = tmp_path / "x.toml"
    bad.write_text(
        'provenance = "p"\ncolumns = [{ code = "A", column = "stt", header = ["STT"], format = "euro" }]\n'
        '[form]\nreport = "x"\ncode = "X"\ntitle = "T"\nissued_under = "I"\nlabel_columns = 1\n'
        'words_column = "stt"\nwords_label = "W"\nsignatures = []\n',
        encoding="utf-8",
    )
    with pytest.raises(FormLayoutError, match=r"x\.toml: column 1: format 'euro'"):
        load_form(bad)
