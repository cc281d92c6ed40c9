"""The BIZ.CARD.* rules against the card eligibility list: each wrong entry the generator made is found by
its rule on its claim and nowhere else; nothing is found without a list; values never show a card number."""

from __future__ import annotations

from decimal import Decimal

import pytest
from patients_support import scratch_copy

from pipelines.common.errors import TerminalError
from pipelines.marts import review
from pipelines.marts.patients import load_eligibility

RULE_OF_KIND = {
    "card_unknown": "BIZ.CARD.UNKNOWN",
    "not_valid_on_date": "BIZ.CARD.NOT_VALID_ON_DATE",
    "benefit_level": "BIZ.CARD.BENEFIT_LEVEL",
    "registered_facility": "BIZ.CARD.REGISTERED_FACILITY",
    "card_replaced": "BIZ.CARD.REPLACED",
    "card_revoked": "BIZ.CARD.REVOKED",
}
CARD_RULES = [r for r in review.load_rules() if r.code.startswith("BIZ.CARD.")]
#: the card rules whose finding refuses the whole claim (its T_BHTT is at stake)
REFUSED = ("BIZ.CARD.UNKNOWN", "BIZ.CARD.NOT_VALID_ON_DATE", "BIZ.CARD.REPLACED", "BIZ.CARD.REVOKED")


@pytest.fixture
def scratch(built):
    """An in-memory copy of the warehouse (core tables mutable) with the list loaded from the CSV."""
    con = scratch_copy(built.warehouse)
    load_eligibility(con, built.reference)
    yield con
    con.close()


def findings(con, rules=CARD_RULES) -> list[dict]:
    return review.evaluate(con, rules, scope="core.claim_current").to_pylist()


def hits(con, rules=CARD_RULES) -> set[tuple[str, str, str]]:
    return {(f["macskcb"], f["ma_lk"], f["rule_code"]) for f in findings(con, rules)}


def clean_claims(con, built, n: int, where: str = "TRUE") -> list[tuple[str, str]]:
    """``n`` claims the list is right about, each the only claim with its card."""
    defect = {(d["macskcb"], d["ma_lk"]) for d in built.manifest["eligibility_defects"]}
    rows = con.execute(
        f"SELECT macskcb, ma_lk FROM core.xml1 WHERE coalesce(ma_doituong_kcb, '') <> '8' AND {where} "
        "AND ma_the_bhyt IN (SELECT ma_the_bhyt FROM core.xml1 GROUP BY ALL HAVING count(*) = 1) "
        "ORDER BY macskcb, ma_lk"
    ).fetchall()
    rows = [r for r in rows if r not in defect]
    assert len(rows) >= n
    return rows[:n]


def card_of(con, claim: tuple[str, str]) -> str:
    return con.execute("SELECT ma_the_bhyt FROM core.xml1 WHERE macskcb = ? AND ma_lk = ?", claim).fetchone()[
        0
    ]


def test_every_wrong_entry_is_found_by_its_rule_on_its_claim_only(scratch, built):
    defects = built.manifest["eligibility_defects"]
    assert {d["kind"] for d in defects} == set(RULE_OF_KIND)
    expected = {(d["macskcb"], d["ma_lk"], RULE_OF_KIND[d["kind"]]) for d in defects}
    found = findings(scratch)
    assert {(f["macskcb"], f["ma_lk"], f["rule_code"]) for f in found} == expected
    for f in found:
        rule = next(r for r in CARD_RULES if r.code == f["rule_code"])
        assert (f["severity"], f["loaihoso"], f["message_en"]) == (rule.severity, "XML1", rule.message_en)
        # the money at stake (issue 14 item 4): without a valid card the fund pays nothing of the claim
        (t_bhtt,) = scratch.execute(
            "SELECT t_bhtt FROM core.xml1 WHERE macskcb = ? AND ma_lk = ?", [f["macskcb"], f["ma_lk"]]
        ).fetchone()
        assert isinstance(f["amount"], Decimal) and f["amount"] >= 0
        if f["rule_code"] in REFUSED:
            assert f["amount"] == round(max(t_bhtt, 0), 0) > 0
        elif f["rule_code"] == "BIZ.CARD.REGISTERED_FACILITY":
            assert f["amount"] == 0


def test_without_a_list_nothing_is_found(built, tmp_path):
    con = scratch_copy(built.warehouse)
    assert load_eligibility(con, None) == {"path": None, "cards": 0}
    assert not findings(con)
    assert load_eligibility(con, tmp_path)["cards"] == 0  # a reference folder without eligibility.csv
    assert not findings(con)
    assert load_eligibility(con, built.reference)["cards"] > 100
    assert findings(con)
    con.close()


def test_other_lookup_errors_and_an_old_card_still_valid(scratch, built):
    a, b, c = clean_claims(scratch, built, 3)
    scratch.execute(
        "UPDATE ref.eligibility SET ma_ket_qua = '070' WHERE ma_the_bhyt = ?", [card_of(scratch, a)]
    )
    # replaced, but the old card is still valid (004): not a finding
    scratch.execute(
        "UPDATE ref.eligibility SET ma_ket_qua = '004', ma_the_moi = 'XX0000000000000' WHERE ma_the_bhyt = ?",
        [card_of(scratch, b)],
    )
    # 003 without the new card's row: replaced at an unknown date, a finding
    scratch.execute(
        "UPDATE ref.eligibility SET ma_ket_qua = '003' WHERE ma_the_bhyt = ?", [card_of(scratch, c)]
    )
    known = {
        (d["macskcb"], d["ma_lk"], RULE_OF_KIND[d["kind"]]) for d in built.manifest["eligibility_defects"]
    }
    got = hits(scratch) - known
    assert got == {(*a, "BIZ.CARD.LOOKUP_ERROR"), (*c, "BIZ.CARD.REPLACED")}


def test_a_second_card_of_the_claim_is_checked_too(scratch, built):
    (a,) = clean_claims(scratch, built, 1)
    scratch.execute(
        "UPDATE core.xml1 SET ma_the_bhyt = ma_the_bhyt || ';HT3790000000999', "
        "ma_dkbd = ma_dkbd || ';' || ma_dkbd, "
        "gt_the_tu = gt_the_tu || ';' || gt_the_tu, gt_the_den = gt_the_den || ';' || gt_the_den "
        "WHERE macskcb = ? AND ma_lk = ?",
        list(a),
    )
    unknown = [f for f in findings(scratch) if (f["macskcb"], f["ma_lk"]) == a]
    assert [(f["rule_code"], f["value"]) for f in unknown] == [
        ("BIZ.CARD.UNKNOWN", "card 2 of 2: not in the eligibility list")
    ]


def test_benefit_level_is_compared_with_muc_huong_where_muc_huong_follows_the_card(scratch, built):
    """Above 15 % of the base salary MUC_HUONG must be the list's level x the factor; below it 100 x factor
    is due whatever the card says, so there a level the list does not give is no finding."""
    above = "ma_doituong_kcb = '1.1' AND substr(ma_the_bhyt, 3, 1) = '4' AND t_tongchi_bh >= 351000"
    below = "ma_doituong_kcb = '1.1' AND substr(ma_the_bhyt, 3, 1) = '4' AND t_tongchi_bh < 351000"
    (a,) = clean_claims(scratch, built, 1, above)
    (b,) = clean_claims(scratch, built, 1, below)
    for claim in (a, b):
        for table in ("xml2", "xml3"):
            scratch.execute(
                f"UPDATE core.{table} SET muc_huong = 100 WHERE macskcb = ? AND ma_lk = ?", list(claim)
            )
    rules = [
        r for r in review.load_rules() if r.code in ("BIZ.CARD.BENEFIT_LEVEL", "BIZ.XML1.MUC_HUONG_BENEFIT")
    ]
    found = [f for f in findings(scratch, rules) if (f["macskcb"], f["ma_lk"]) in (a, b)]
    # the card rule sees what the card-digit rule cannot (100 x factor is always a possible MUC_HUONG there)
    assert {(f["macskcb"], f["ma_lk"], f["rule_code"]) for f in found} == {(*a, "BIZ.CARD.BENEFIT_LEVEL")}
    # the money: the part of T_BHTT above the list's level (level 4: 80 %, factor 1): 20/100 of every line
    lines_bhtt = scratch.execute(
        "SELECT sum(t_bhtt) FROM (SELECT t_bhtt FROM core.xml2 WHERE macskcb = ? AND ma_lk = ? "
        "UNION ALL SELECT t_bhtt FROM core.xml3 WHERE macskcb = ? AND ma_lk = ?)",
        [*a, *a],
    ).fetchone()[0]
    assert abs(found[0]["amount"] - lines_bhtt * Decimal("0.2")) <= 2


def test_values_never_show_a_card_number_or_a_cccd(scratch, built):
    secrets = {
        v
        for (v,) in scratch.execute(
            "SELECT ma_the_bhyt FROM ref.eligibility UNION SELECT ma_the_moi FROM ref.eligibility "
            "UNION SELECT right(ma_the_bhyt, 10) FROM ref.eligibility "
            "UNION SELECT ma_the_bhyt FROM core.xml1 UNION SELECT so_cccd FROM core.xml1 "
            "UNION SELECT ho_ten FROM core.xml1"
        ).fetchall()
        if v
    }
    for f in findings(scratch):
        assert not any(s in f["value"] for s in secrets), f


@pytest.mark.parametrize(
    "text, problem",
    [
        (
            "ma_the_bhyt,gt_the_tu,gt_the_den,muc_huong,ma_dkbd,ma_ket_qua,ma_the_moi\n"
            "DN4790000000001,2026-01-01,20261231,80,79101,000,\n",
            "yyyyMMdd",
        ),
        (
            "ma_the_bhyt,gt_the_tu,gt_the_den,muc_huong,ma_dkbd\nDN4790000000001,20260101,20261231,80,79101\n",
            "ma_ket_qua",
        ),
    ],
)
def test_a_list_that_cannot_be_read_is_refused(tmp_path, text, problem):
    import duckdb

    (tmp_path / "eligibility.csv").write_text(text, encoding="utf-8")
    con = duckdb.connect()
    with pytest.raises(TerminalError, match=problem):
        load_eligibility(con, tmp_path)
