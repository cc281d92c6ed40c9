"""The identity policy (``identity.toml``): every entry a real field, every identifying and every free-text
field of the XSDs listed with a treatment in every profile, the profiles documented, the scrubbing of kept
free text, and the 2025 provinces."""

from __future__ import annotations

import re

import duckdb
import pytest

from pipelines.standard import load_registry
from pipelines.standard.registry import ENVELOPE_TABLES
from pipelines.warehouse.identity import (
    FREE_TEXT_TYPE,
    PROFILES,
    identity_policy,
    privacy_setting,
    profiles,
    province_2025,
    province_sql,
    scrub_sql,
    treated_select,
)

IDENTIFYING = re.compile(r"HO_?TEN|DIA_CHI|DIEN_THOAI|CCCD|MA_THE|BHXH|NGAY_?SINH|MA_BN$|NOI_CU_TRU|GIAM_HO")


def _tags(lh: str) -> dict[str, str]:
    """Every field of every version of the table: tag → XSD type."""
    return {f.tag: f.xsd_type for f in load_registry().table_columns(lh)}


@pytest.mark.parametrize("profile", PROFILES)
def test_every_entry_is_a_real_field_and_every_identifying_field_has_an_entry(profile):
    policy = identity_policy(profile)
    assert set(policy) <= set(ENVELOPE_TABLES)
    for lh in ENVELOPE_TABLES:
        tags = _tags(lh)
        listed = set(policy.get(lh, {}))
        assert listed <= set(tags), (lh, listed - set(tags))
        missing = {t for t in tags if IDENTIFYING.search(t)} - listed
        assert not missing, (
            f"{lh}: identifying fields without a treatment in identity.toml: {sorted(missing)}"
        )


@pytest.mark.parametrize("profile", PROFILES)
def test_every_free_text_field_has_a_treatment_and_none_is_kept_as_written(profile):
    """Free text = every field of XSD type Text (the XSDs type codes, keys and dates otherwise). A new one
    in the XSDs fails here until identity.toml says what each profile does with it."""
    policy = identity_policy(profile)
    free_text = {
        (lh, tag) for lh in ENVELOPE_TABLES for tag, kind in _tags(lh).items() if kind == FREE_TEXT_TYPE
    }
    assert len(free_text) > 100  # the rule finds the real thing: clinical notes, reasons, names, ...
    assert ("XML5", "DIEN_BIEN_LS") in free_text and ("XML8", "QT_BENHLY") in free_text
    missing = sorted(f"{lh}.{tag}" for lh, tag in free_text if tag not in policy.get(lh, {}))
    assert not missing, f"free-text fields without a treatment in identity.toml ({profile}): {missing}"
    kept = sorted(f"{lh}.{tag}" for lh, tag in free_text if policy[lh][tag] == "keep")
    assert not kept, f"free text kept as written ({profile}): {kept}"


def test_deidentified_removes_every_clinical_narrative():
    policy = identity_policy("deidentified")
    for lh, tag in (
        ("XML5", "DIEN_BIEN_LS"),
        ("XML8", "QT_BENHLY"),
        ("XML8", "TOMTAT_KQ"),
        ("XML7", "GHI_CHU"),
        ("XML1", "LY_DO_VV"),
        ("XML1", "CHAN_DOAN_RV"),
        ("XML1", "MAXA_CU_TRU"),
    ):
        assert policy[lh][tag] == "drop", (lh, tag)
    assert policy["XML1"]["MATINH_CU_TRU"] == "province"
    assert policy["XML1"]["NGAY_SINH"] == "age"
    assert identity_policy("limited")["XML1"]["NGAY_SINH"] == "year"


def test_the_profiles_are_documented_and_deidentified_is_the_default():
    documented = profiles()
    assert set(documented) == set(PROFILES)
    assert documented["deidentified"].default and not documented["limited"].default
    assert "164.514(b)" in documented["deidentified"].standard
    assert "13/2023" in documented["deidentified"].standard
    assert "data-use agreement" in documented["limited"].standard
    assert privacy_setting() == ("deidentified", 5)


@pytest.fixture(scope="module")
def con():
    c = duckdb.connect()
    yield c
    c.close()


def _scrub(con, text: str, secrets: list[str] | None = None) -> str:
    return con.execute(
        f"SELECT {scrub_sql('$t', 'CAST($s AS VARCHAR[])' if secrets is not None else None)}",
        {"t": text, **({"s": secrets} if secrets is not None else {})},
    ).fetchone()[0]


@pytest.mark.parametrize(
    ("text", "gone"),
    [
        ("Người nhà: Trần Thị Bích Ngọc, ĐT 0912 345 678", ("Trần", "Bích", "0912", "345 678")),
        ("BN NGUYỄN VĂN AN tái khám", ("NGUYỄN", "VĂN AN")),
        ("Liên hệ con trai Le Van Hung (0987.654.321)", ("Le Van", "0987")),
        ("CCCD 079090001234, thẻ DN4797912345678", ("079090001234", "DN4797912345678")),
        ("so the gd4010123456789 het han", ("gd4010123456789",)),
        ("BHXH 7912345678 / SĐT +84 912 345 678", ("7912345678", "912 345")),
    ],
)
def test_scrub_removes_names_phones_cccd_and_card_numbers(con, text, gone):
    out = _scrub(con, text)
    for piece in gone:
        assert piece not in out, (text, out)
    assert "[…]" in out


def test_scrub_removes_the_claims_own_values_and_keeps_clinical_text(con):
    secrets = ["Hoa An", "HOA AN"]  # a name without a known family name, as the claim's own value
    assert "Hoa An" not in _scrub(con, "Gửi Hoa An kết quả", secrets)
    assert _scrub(con, "Gửi HOA AN (mẹ)", secrets) == "Gửi […] (mẹ)"
    clinical = (
        "Bệnh nhân tỉnh, tiếp xúc tốt. CSST<M:82;T:37.1;HA:120/80>. Viêm phổi, đáp ứng điều trị 5 ngày."
    )
    assert _scrub(con, clinical) == clinical
    assert _scrub(con, "Paracetamol 500mg") == "Paracetamol 500mg"


def test_every_province_before_and_after_2025_maps_to_one_of_the_34(con):
    mapping = province_2025()
    assert len(set(mapping.values())) == 34
    assert len([c for c in mapping if c not in set(mapping.values())]) == 63 - 34
    assert all(mapping[new] == new for new in set(mapping.values()))
    got = dict(
        con.execute(
            f"SELECT v, {province_sql('v')} "
            "FROM (VALUES ('02'), ('079'), ('74'), ('10'), ('15'), ('xx'), (NULL)) t(v)"
        ).fetchall()
    )
    assert got == {"02": "08", "079": "79", "74": "79", "10": "15", "15": "15", "xx": None, None: None}


def test_treated_select_reduces_unlisted_dates_to_the_month_only_when_deidentified():
    columns = [("ngay_yl", "TIMESTAMP"), ("ten_thuoc", "VARCHAR"), ("so_luong", "DECIMAL(18,3)")]
    deid = treated_select("XML2", columns, "deidentified")
    assert "date_trunc('month', ngay_yl)" in deid and "regexp_replace(ten_thuoc" in deid
    assert "so_luong" in deid and "date_trunc" not in treated_select("XML2", columns, "limited")
