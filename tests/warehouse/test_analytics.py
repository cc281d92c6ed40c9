"""The analytics copy: no names, addresses, phones, CCCD or card numbers; same person, same pseudonym."""

from __future__ import annotations

import re
import stat

import duckdb
import pytest
from support.built_warehouse import build_warehouse_from_generated

from pipelines.standard import load_registry
from pipelines.standard.registry import ENVELOPE_TABLES
from pipelines.warehouse.identity import identity_policy

IDENTIFYING = re.compile(r"HO_?TEN|DIA_CHI|DIEN_THOAI|CCCD|MA_THE|BHXH|NGAY_?SINH|MA_BN$|NOI_CU_TRU|GIAM_HO")


def test_every_identity_entry_is_a_real_field_and_every_identifying_field_has_an_entry():
    registry = load_registry()
    policy = identity_policy()
    for lh in ENVELOPE_TABLES:
        tags = {f.tag for f in registry.latest(lh).fields}
        listed = set(policy.get(lh, {}))
        assert listed <= tags, (lh, listed - tags)
        missing = {t for t in tags if IDENTIFYING.search(t)} - listed
        assert not missing, (
            f"{lh}: identifying fields without a treatment in identity.toml: {sorted(missing)}"
        )


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_warehouse_from_generated(
        tmp_path_factory.mktemp("analytics"), facilities=3, claims=30, seed=9
    )


def test_the_copy_holds_no_identity_of_the_full_warehouse(built):
    full = duckdb.connect(str(built / "warehouse.duckdb"), read_only=True)
    secrets = set()
    for lh, fields in identity_policy().items():
        for tag, treatment in fields.items():
            if treatment in ("drop", "pseudo"):
                secrets |= {
                    v
                    for (v,) in full.execute(
                        f"SELECT DISTINCT {tag.lower()} FROM core.{lh.lower()}"
                    ).fetchall()
                    if v and len(str(v)) >= 4
                }
    births = {v for (v,) in full.execute("SELECT DISTINCT ngay_sinh FROM core.xml1").fetchall()}
    full.close()
    assert len(secrets) > 50
    copy = duckdb.connect(str(built / "warehouse-analytics.duckdb"), read_only=True)
    text_columns = copy.execute(
        "SELECT schema_name, table_name, column_name FROM duckdb_columns() WHERE data_type = 'VARCHAR' "
        "AND NOT internal"
    ).fetchall()
    seen = set()
    for schema, table, column in text_columns:
        seen |= {v for (v,) in copy.execute(f'SELECT DISTINCT "{column}" FROM {schema}.{table}').fetchall()}
    assert not (seen & secrets)
    assert {v for (v,) in copy.execute("SELECT DISTINCT ngay_sinh FROM core.xml1").fetchall()} == {
        b[:4] for b in births
    }
    assert (
        copy.execute(
            "SELECT count(*) FROM core.xml1 WHERE ho_ten IS NOT NULL OR dia_chi IS NOT NULL "
            "OR dien_thoai IS NOT NULL"
        ).fetchone()[0]
        == 0
    )
    copy.close()


def test_the_same_card_gets_the_same_pseudonym_and_the_full_warehouse_is_private(built):
    full = duckdb.connect(str(built / "warehouse.duckdb"), read_only=True)
    copy = duckdb.connect(str(built / "warehouse-analytics.duckdb"), read_only=True)
    pairs = dict(
        zip(
            [k for (k,) in full.execute("SELECT macskcb || ma_lk FROM core.xml1 ORDER BY 1").fetchall()],
            [
                c
                for (c,) in full.execute(
                    "SELECT ma_the_bhyt FROM core.xml1 ORDER BY macskcb || ma_lk"
                ).fetchall()
            ],
            strict=True,
        )
    )
    hashed = dict(copy.execute("SELECT macskcb || ma_lk, ma_the_bhyt FROM core.xml1").fetchall())
    by_card: dict[str, set] = {}
    for claim, card in pairs.items():
        by_card.setdefault(card, set()).add(hashed[claim])
    assert all(len(h) == 1 for h in by_card.values())
    assert len({next(iter(h)) for h in by_card.values()}) == len(by_card)
    assert stat.S_IMODE((built / "warehouse.duckdb").stat().st_mode) == 0o640
    assert stat.S_IMODE((built / "lake").stat().st_mode) == 0o750
    assert stat.S_IMODE((built / "lake" / ".pseudonym_key").stat().st_mode) == 0o600
