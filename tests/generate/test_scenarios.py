"""What the manifest says about people, links and the eligibility list is true of the files.

The manifest holds no identifiers; everything it claims (who is who, which claim follows which, which
eligibility entry is wrong) is checked here against the names, CCCD and card numbers inside the files.
"""

from __future__ import annotations

import csv
import json
from datetime import date, datetime

from claimfiles import Claim, claims_in

from pipelines.generate.landing import Manifest

CARD_LEVEL = {"1": "100", "2": "100", "3": "95", "4": "80", "5": "100"}


def accepted_claims(landing, manifest) -> dict[tuple[str, str], Claim]:
    """(macskcb, MA_LK) -> claim for every claim that must reach the warehouse."""
    out = {}
    for entry in manifest["files"]:
        if entry["expected_status"] not in ("accepted", "partially_accepted"):
            continue
        wanted = {c["ma_lk"] for c in entry["claims"] if c["status"] == "accepted"}
        for claim in claims_in((landing / entry["path"]).read_bytes()):
            if claim["XML1"][0]["MA_LK"] in wanted:
                out[(entry["macskcb"], claim["XML1"][0]["MA_LK"])] = claim
    return out


def x1(claim: Claim) -> dict[str, str]:
    return claim["XML1"][0]


def day(text: str) -> date:
    return datetime.strptime(text[:8], "%Y%m%d").date()


def key(ref: dict) -> tuple[str, str]:
    return ref["macskcb"], ref["ma_lk"]


# -- people --------------------------------------------------------------------------------------------
def test_people_cover_every_accepted_claim_once(night_one):
    claims = accepted_claims(night_one.landing, night_one.manifest)
    listed = [key(c) for p in night_one.manifest["people"] for c in p["claims"]]
    assert len(listed) == len(set(listed))
    assert set(listed) == set(claims)
    ids = [p["person_id"] for p in night_one.manifest["people"]]
    assert len(ids) == len(set(ids))


def test_one_person_one_cccd_one_bhxh_number_and_different_people_differ(night_one):
    claims = accepted_claims(night_one.landing, night_one.manifest)
    seen_cccd: dict[str, str] = {}
    seen_bhxh: dict[str, str] = {}
    for person in night_one.manifest["people"]:
        heads = [x1(claims[key(c)]) for c in person["claims"]]
        bhxh = {h["MA_THE_BHYT"][-10:] for h in heads}
        cccd = {h["SO_CCCD"] for h in heads}
        assert len(bhxh) == 1, person["person_id"]
        assert len({(h["HO_TEN"], h["NGAY_SINH"], h["GIOI_TINH"]) for h in heads}) == 1
        if person["no_cccd"]:
            assert cccd == {""}
        else:
            assert len(cccd) == 1 and "" not in cccd
            (number,) = cccd
            assert seen_cccd.setdefault(number, person["person_id"]) == person["person_id"]
        (b,) = bhxh
        assert seen_bhxh.setdefault(b, person["person_id"]) == person["person_id"]
        cards = {h["MA_THE_BHYT"] for h in heads}
        assert person["renewed_card"] == (len(cards) > 1)
        starts = [h["NGAY_VAO"] for h in heads]
        assert starts == sorted(starts)


def test_the_linking_cases_are_there(night_one):
    claims = accepted_claims(night_one.landing, night_one.manifest)
    people = night_one.manifest["people"]

    def facilities(p: dict) -> set[str]:
        return {c["macskcb"] for c in p["claims"]}

    assert any(len(facilities(p)) >= 2 and not p["no_cccd"] for p in people)
    assert any(len(facilities(p)) >= 2 and p["no_cccd"] for p in people)  # linked by the BHXH number only
    renewed = [p for p in people if p["renewed_card"]]
    assert any(p["no_cccd"] for p in renewed) and any(not p["no_cccd"] for p in renewed)
    for p in renewed:  # another group (prefix), another validity, the same last 10 digits
        heads = [x1(claims[key(c)]) for c in p["claims"]]
        assert len({h["MA_THE_BHYT"][:3] for h in heads}) > 1
        assert len({(h["GT_THE_TU"], h["GT_THE_DEN"]) for h in heads}) > 1
        for h in heads:
            assert h["GT_THE_TU"] <= h["NGAY_VAO"][:8] and h["NGAY_RA"][:8] <= h["GT_THE_DEN"]
    by_id = {p["person_id"]: p for p in people}
    pairs = [(p, by_id[p["namesake_of"]]) for p in people if p["namesake_of"]]
    assert pairs
    for a, b in pairs:
        assert b["namesake_of"] == a["person_id"] and a["person_id"] != b["person_id"]
        ha, hb = x1(claims[key(a["claims"][0])]), x1(claims[key(b["claims"][0])])
        assert (ha["HO_TEN"], ha["NGAY_SINH"], ha["GIOI_TINH"]) == (
            hb["HO_TEN"],
            hb["NGAY_SINH"],
            hb["GIOI_TINH"],
        )
        assert ha["SO_CCCD"] != hb["SO_CCCD"] and ha["MA_THE_BHYT"][-10:] != hb["MA_THE_BHYT"][-10:]


def test_the_manifest_holds_no_identifiers(night_one):
    claims = accepted_claims(night_one.landing, night_one.manifest)
    text = json.dumps(night_one.manifest, ensure_ascii=False)
    for claim in claims.values():
        h = x1(claim)
        for tag in ("HO_TEN", "SO_CCCD", "MA_THE_BHYT", "DIA_CHI", "DIEN_THOAI", "MA_BN"):
            if h[tag]:
                assert h[tag] not in text, tag
        assert h["MA_THE_BHYT"][-10:] not in text


# -- links ---------------------------------------------------------------------------------------------
def test_referrals_are_what_the_links_say(night_one):
    claims = accepted_claims(night_one.landing, night_one.manifest)
    links = [lk for lk in night_one.manifest["links"] if lk["kind"] == "referral"]
    assert {lk["expected"] for lk in links} == {"matched", "never_arrived", "unknown_referral"}
    assert sum(lk["expected"] == "matched" for lk in links) > sum(
        lk["expected"] == "never_arrived" for lk in links
    )
    arrivals = {  # (MA_NOI_DI, GIAY_CHUYEN_TUYEN) -> the claims that cite that paper
        (x1(c)["MA_NOI_DI"], x1(c)["GIAY_CHUYEN_TUYEN"]): k
        for k, c in claims.items()
        if x1(c)["MA_DOITUONG_KCB"] == "1.3"
    }
    papers = {(k[0], c["XML13"][0]["GIAY_CHUYEN_TUYEN"]): k for k, c in claims.items() if "XML13" in c}
    assert len(arrivals) == sum(x1(c)["MA_DOITUONG_KCB"] == "1.3" for c in claims.values())
    for lk in links:
        if lk["from"]:
            sent = claims[key(lk["from"])]
            ct = sent["XML13"][0]
            assert x1(sent)["MA_LOAI_RV"] == "2" and ct["MA_CSKCB_DI"] == lk["from"]["macskcb"]
            paper = (lk["from"]["macskcb"], ct["GIAY_CHUYEN_TUYEN"])
            assert ct["SO_CHUYENTUYEN"] and x1(sent)["MA_NOI_DEN"] == ct["MA_CSKCB_DEN"]
        if lk["expected"] == "matched":
            got = claims[key(lk["to"])]
            assert arrivals[paper] == key(lk["to"])
            assert ct["MA_CSKCB_DEN"] == lk["to"]["macskcb"]
            assert x1(got)["MA_THE_BHYT"][-10:] == x1(sent)["MA_THE_BHYT"][-10:]
            assert x1(got)["NGAY_VAO"] >= x1(sent)["NGAY_RA"]
            assert lk["delay_days"] == (day(x1(got)["NGAY_VAO"]) - day(x1(sent)["NGAY_RA"])).days >= 0
        elif lk["expected"] == "never_arrived":
            assert paper not in arrivals and lk["to"] is None and lk["delay_days"] is None
        else:  # unknown_referral: an arrival citing a paper its sender never issued
            got = x1(claims[key(lk["to"])])
            assert lk["from"] is None and got["MA_DOITUONG_KCB"] == "1.3"
            assert got["MA_NOI_DI"] != lk["to"]["macskcb"]
            assert (got["MA_NOI_DI"], got["GIAY_CHUYEN_TUYEN"]) not in papers
    # every paper sent and every arrival with a paper is accounted for
    assert set(papers.values()) == {key(lk["from"]) for lk in links if lk["from"]}
    assert set(arrivals.values()) == {key(lk["to"]) for lk in links if lk["to"]}


def test_appointments_are_what_the_links_say(night_one):
    claims = accepted_claims(night_one.landing, night_one.manifest)
    links = [lk for lk in night_one.manifest["links"] if lk["kind"] == "appointment"]
    assert {lk["expected"] for lk in links} == {"kept", "early", "late", "missed"}
    slips = {k for k, c in claims.items() if "XML14" in c}
    assert slips == {key(lk["from"]) for lk in links}
    period_end = max(x1(c)["NGAY_RA"] for c in claims.values())
    for lk in links:
        first = claims[key(lk["from"])]
        slip = first["XML14"][0]
        assert slip["NGAY_HEN_KL"][:8] == x1(first)["NGAY_TAI_KHAM"] and slip["NGAY_HEN_KL"] <= period_end
        person = x1(first)["MA_THE_BHYT"][-10:]
        later = [
            k
            for k, c in claims.items()
            if k[0] == lk["from"]["macskcb"]
            and x1(c)["MA_THE_BHYT"][-10:] == person
            and x1(c)["NGAY_VAO"] > x1(first)["NGAY_RA"]
        ]
        if lk["expected"] == "missed":
            assert later == [] and lk["to"] is None and lk["delay_days"] is None
            continue
        assert later == [key(lk["to"])] and lk["to"]["macskcb"] == lk["from"]["macskcb"]
        visit = x1(claims[key(lk["to"])])
        assert visit["GIAY_CHUYEN_TUYEN"] == slip["SO_GIAYHEN_KL"]
        assert visit["MA_DOITUONG_KCB"] == ("1.1" if visit["MA_DKBD"] == visit["MA_CSKCB"] else "1.5")
        delay = (day(visit["NGAY_VAO"]) - day(slip["NGAY_HEN_KL"])).days
        assert delay == lk["delay_days"]
        assert {"kept": delay == 0, "early": delay < 0, "late": delay > 0}[lk["expected"]]


# -- eligibility list ----------------------------------------------------------------------------------
def test_eligibility_list_is_right_except_where_the_manifest_says(night_one):
    claims = accepted_claims(night_one.landing, night_one.manifest)
    path = night_one.reference / "eligibility.csv"
    assert path.read_text(encoding="utf-8").splitlines()[0] == (
        "ma_the_bhyt,gt_the_tu,gt_the_den,muc_huong,ma_dkbd,ma_ket_qua,ma_the_moi"
    )
    assert (night_one.reference / "README.md").exists()
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    by_card = {r["ma_the_bhyt"]: r for r in rows}
    assert len(by_card) == len(rows)
    defects = {key(d): d for d in night_one.manifest["eligibility_defects"]}
    assert {d["kind"] for d in defects.values()} == {
        "card_unknown",
        "not_valid_on_date",
        "benefit_level",
        "registered_facility",
        "card_replaced",
        "card_revoked",
    }
    for k, claim in claims.items():
        h = x1(claim)
        row = by_card.get(h["MA_THE_BHYT"])
        level = CARD_LEVEL[h["MA_THE_BHYT"][2]]
        d = defects.get(k)
        if d is None:
            assert row is not None, k
            assert row["gt_the_tu"] <= h["NGAY_VAO"][:8] <= row["gt_the_den"]
            assert (row["ma_dkbd"], row["ma_ket_qua"], row["muc_huong"], row["ma_the_moi"]) == (
                h["MA_DKBD"],
                "000",
                level,
                "",
            )
            continue
        kind = d["kind"]
        assert kind == "card_unknown" or row["ma_ket_qua"] == d["ma_ket_qua"]
        if kind == "card_unknown":
            assert row is None and d["ma_ket_qua"] is None
        elif kind == "not_valid_on_date":
            assert row["gt_the_den"] < h["NGAY_VAO"][:8] and row["ma_ket_qua"] == "010"
        elif kind == "benefit_level":
            line_level = (claim.get("XML2") or claim["XML3"])[0]["MUC_HUONG"]
            assert row["muc_huong"] != level and line_level == level and row["ma_ket_qua"] == "053"
        elif kind == "registered_facility":
            assert row["ma_dkbd"] != h["MA_DKBD"] and row["ma_ket_qua"] == "000"
        elif kind == "card_replaced":
            new = by_card[row["ma_the_moi"]]
            assert row["ma_ket_qua"] == "003" and row["gt_the_den"] < h["NGAY_VAO"][:8]
            assert row["ma_the_moi"] != h["MA_THE_BHYT"] and row["ma_the_moi"][-10:] == h["MA_THE_BHYT"][-10:]
            assert new["ma_ket_qua"] == "000" and new["gt_the_tu"] <= h["NGAY_VAO"][:8] <= new["gt_the_den"]
        else:
            assert kind == "card_revoked" and row["ma_ket_qua"] == "110"


def test_manifest_reads_old_manifests_and_round_trips(night_one, tmp_path):
    raw = dict(night_one.manifest)
    for new in ("people", "links", "eligibility_defects", "payment_cases"):
        raw.pop(new)
    raw["files"] = [{k: v for k, v in f.items() if k != "resend_of"} for f in raw["files"]]
    (tmp_path / "old.json").write_text(json.dumps(raw), encoding="utf-8")
    old = Manifest.read(tmp_path / "old.json")
    assert old.people == [] and old.links == [] and len(old.files) == len(raw["files"])
    night_one.typed.write(tmp_path / "new.json")
    assert Manifest.read(tmp_path / "new.json") == night_one.typed
