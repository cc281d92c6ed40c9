"""An offline card eligibility list, as the fund's card look-up would answer for the generated people.

``<reference>/eligibility.csv`` has one row per card of every generated person (a renewed card gives two
rows): the card number, its validity, the benefit level, the registered facility (MA_DKBD), the look-up
result code of ANCHORS.md §2.2 and, for a replaced card, the new number. It is right by default; a few
entries are deliberately wrong and the manifest's ``eligibility_defects`` says which claim each one
affects and what is wrong. The defects are chosen among people of the random pool with exactly one
accepted claim, so that each defect affects one claim; the choice has its own random stream, so the list
never changes the claim files.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from pipelines.common.paths import SQL_ROOT
from pipelines.common.sqlheader import file_columns
from pipelines.generate.claims import BENEFIT_PERCENT
from pipelines.generate.people import Card
from pipelines.generate.writer import LandingWriter

#: the list's columns: those of ``ref.eligibility`` as its SQL file documents them (listed there only)
HEADER = file_columns(SQL_ROOT / "ref" / "eligibility.sql")
OK = "000"
EXPIRED = "010"
WRONG_BENEFIT = "053"
REPLACED_OLD_EXPIRED = "003"
REVOKED = "110"
KINDS = (
    "card_unknown",
    "not_valid_on_date",
    "benefit_level",
    "registered_facility",
    "card_replaced",
    "card_revoked",
)


def _d8(d: date) -> str:
    return d.strftime("%Y%m%d")


def card_row(card: Card) -> dict[str, str]:
    return {
        "ma_the_bhyt": card.number,
        "gt_the_tu": _d8(card.valid_from),
        "gt_the_den": _d8(card.valid_to),
        "muc_huong": str(BENEFIT_PERCENT[card.benefit_level]),
        "ma_dkbd": card.registered_facility,
        "ma_ket_qua": OK,
        "ma_the_moi": "",
    }


def build_eligibility(w: LandingWriter) -> tuple[list[dict[str, str]], list[dict[str, Any]]]:
    """(rows of eligibility.csv, the manifest's eligibility_defects)."""
    rows: dict[str, dict[str, str]] = {}
    for idx, person in enumerate(w.people):
        for card in w.card_history.get(idx, [person.card]):
            rows[card.number] = card_row(card)
    claims_of: dict[int, list[tuple[str, str]]] = {}
    for mac, ma_lk in w.accepted_claims():
        claims_of.setdefault(w.claim_info[(mac, ma_lk)]["person"], []).append((mac, ma_lk))
    candidates = [
        i
        for i in w.pool
        if len(claims_of.get(i, [])) == 1 and w.claim_info[claims_of[i][0]]["ma_doituong_kcb"] != "8"
    ]
    rng = random.Random(f"{w.seed}/eligibility")
    rng.shuffle(candidates)
    defects: list[dict[str, Any]] = []
    for kind in KINDS:
        chosen = next((i for i in candidates if _fits(kind, w, claims_of[i][0])), None)
        if chosen is None:
            continue
        candidates.remove(chosen)
        mac, ma_lk = claims_of[chosen][0]
        info = w.claim_info[(mac, ma_lk)]
        card = info["card"]
        row = rows[card.number]
        care = datetime.strptime(info["ngay_vao"], "%Y%m%d%H%M").date()
        column, code, description = _break(kind, row, card, care, rng, rows, w)
        defects.append(
            {
                "kind": kind,
                "macskcb": mac,
                "ma_lk": ma_lk,
                "column": column,
                "ma_ket_qua": code,
                "description": description,
            }
        )
    return sorted(rows.values(), key=lambda r: r["ma_the_bhyt"]), defects


def _fits(kind: str, w: LandingWriter, claim: tuple[str, str]) -> bool:
    info = w.claim_info[claim]
    if kind == "benefit_level":  # the claim's MUC_HUONG is the card's level, so either reading sees it
        return bool(info["muc_huong"] == str(BENEFIT_PERCENT[info["card"].benefit_level]))
    return True


def _break(
    kind: str,
    row: dict[str, str],
    card: Card,
    care: date,
    rng: random.Random,
    rows: dict[str, dict[str, str]],
    w: LandingWriter,
) -> tuple[str, str | None, str]:
    """Make the list wrong for ``card`` as ``kind`` says; return (column, result code, description)."""
    if kind == "card_unknown":
        del rows[card.number]
        return "ma_the_bhyt", None, "the card is not in the list (the look-up would answer 050)"
    if kind == "not_valid_on_date":
        ended = care - timedelta(days=rng.randint(1, 20))
        row.update({"gt_the_den": _d8(ended), "ma_ket_qua": EXPIRED})
        if row["gt_the_tu"] > row["gt_the_den"]:
            row["gt_the_tu"] = _d8(ended - timedelta(days=364))
        return "gt_the_den", EXPIRED, "the list says the card expired before the date of care"
    if kind == "benefit_level":
        listed = "80" if row["muc_huong"] != "80" else "95"
        claimed = row["muc_huong"]
        row.update({"muc_huong": listed, "ma_ket_qua": WRONG_BENEFIT})
        return (
            "muc_huong",
            WRONG_BENEFIT,
            f"the list gives benefit level {listed} %; the card and the claim's MUC_HUONG say {claimed} %",
        )
    if kind == "registered_facility":
        other = f"{card.registered_facility[:2]}{(int(card.registered_facility[2:]) + 7) % 1000:03d}"
        row["ma_dkbd"] = other
        return "ma_dkbd", OK, "the list gives another registered facility than the claim's MA_DKBD"
    if kind == "card_replaced":
        replaced_on = care - timedelta(days=rng.randint(5, 40))
        group, level = rng.choice([g for g in w.catalogs.card_groups if g[0] not in (card.group, "TE")])
        new = replace(
            card,
            group=group,
            benefit_level=level,
            valid_from=replaced_on,
            valid_to=replaced_on + timedelta(days=364),
        )
        row.update(
            {
                "gt_the_den": _d8(replaced_on - timedelta(days=1)),
                "ma_ket_qua": REPLACED_OLD_EXPIRED,
                "ma_the_moi": new.number,
            }
        )
        rows[new.number] = card_row(new)
        return (
            "ma_ket_qua",
            REPLACED_OLD_EXPIRED,
            "the card was replaced by a new one before the date of care; the claim still uses the old one",
        )
    if kind == "card_revoked":
        row["ma_ket_qua"] = REVOKED
        return "ma_ket_qua", REVOKED, "the card was revoked (thẻ bị thu hồi)"
    raise ValueError(kind)


README = """\
# Card eligibility list (`eligibility.csv`)

Made by `bhyt-etl generate` together with the landing tree (test data: none of these cards exist). It
stands in for the fund's card look-up (the BHXH portal service `KQNhanLichSuKCB2024`, see
`reference/ANCHORS.md` §2.2), answered offline for every card of the generated people.

UTF-8, `\\n` line ends, one header row, every value text (keep leading zeros):

| column | meaning |
|---|---|
| `ma_the_bhyt` | card number, 15 characters (group, benefit digit, province, BHXH number); one row per card |
| `gt_the_tu` | valid from, `yyyyMMdd` |
| `gt_the_den` | valid to, `yyyyMMdd` |
| `muc_huong` | the card's benefit level in percent (80, 95, 100: its benefit digit, STANDARD.md §4.5) |
| `ma_dkbd` | registered primary-care facility (5 characters) |
| `ma_ket_qua` | look-up result code (below) |
| `ma_the_moi` | the new card number when the card was replaced (codes 003/004), else empty |

Result codes used (ANCHORS.md §2.2): `000` card information correct; `003` old card replaced by a new one,
old card expired; `010` card expired; `053` wrong benefit code (character 3); `110` card revoked. A card
missing from the list is what the look-up answers with `050` (no card information).

How to read it against a claim (XML1): find the row of `MA_THE_BHYT`; the date of care (`NGAY_VAO`) must lie
within `gt_the_tu`..`gt_the_den`; `ma_dkbd` must equal `MA_DKBD`; `ma_ket_qua` should be `000`;
`muc_huong` must equal the level of the card's benefit digit. The claim's `MUC_HUONG` may differ from
`muc_huong` for good reasons (100 under 15 % of the base salary, MA_DOITUONG_KCB 1.2, the QĐ 3276 factor
of a self-referral code), so compare it with `muc_huong` only for a correct-route claim above that
threshold.

A renewed card has two rows (same last 10 digits, another group and validity); both are `000`: `ma_ket_qua`
is the answer for a visit made while the card was in force, and `ma_the_moi` is filled only where a claim
used a card after it had been replaced (code 003).

The list is right for every card except the entries listed under `eligibility_defects` in
`manifest.json` (each names the claim it affects and the wrong column): a card missing from the list, a
validity that ends before the date of care (010), a benefit level that differs from the card and the
claim (053), a registered facility that differs from MA_DKBD (000: the look-up has no code for this), a
card replaced before the date of care (003 with `ma_the_moi`, and a row for the new card), a revoked card
(110).

Where ANCHORS.md §2.2 is ambiguous: it gives `003 / 004` as one line, "old card replaced by a new one (old
card expired / still valid)"; we read it positionally (003 expired, 004 still valid), which agrees with
the implementation that treats 003, not 004, as a card error. It gives no code for a registered facility
that differs from the card's, nor says whether `010` is answered for a look-up dated inside the validity
of a card that has since expired: this list answers for the date of care.
"""


def write_reference(folder: Path, rows: list[dict[str, str]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=HEADER, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    (folder / "eligibility.csv").write_text(buf.getvalue(), encoding="utf-8")
    (folder / "README.md").write_text(README, encoding="utf-8")
