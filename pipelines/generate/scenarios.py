"""Scenarios: the episodes whose relations the later stages must find, each with its expected outcome.

Random episodes (``LandingWriter.episode``) are independent visits of a pool of people. The scenarios here
add what a claims warehouse must recognise across claims, with dedicated people so that nothing random can
blur the expected outcome:

- **referral chains** (XML13 at A, then the arrival at B with the same paper number): ``matched``,
  ``never_arrived`` (transferred, no claim at B), ``unknown_referral`` (an arrival at B citing a paper
  number A never issued);
- **appointments** (XML14 at F, then a re-examination at F with the slip): ``kept`` (on the day),
  ``early``, ``late``, ``missed`` (no further visit of that person anywhere);
- **people to link**: no CCCD in any claim but one BHXH number across facilities, a card renewed between
  two visits (other group, other validity, same last 10 digits), two different people with the same full
  name and birth date (who must not be linked);
- **payment cases**: an inpatient who came on his own to a provincial hospital (MA_DOITUONG_KCB 3.2) with
  other-source money, a second operation (TYLE_TT_DV 50), a second examination (TYLE_TT_DV 30), a withdrawn
  claim (MA_DOITUONG_KCB 8).

Appointment dates, re-examinations and arrivals all fall inside the settlement month, so that a
``missed`` appointment or a ``never_arrived`` referral is not merely one whose follow-up falls after the
data ends. Scenario people are not in the pool random episodes draw from, so nothing random adds a visit
that would change an outcome; random people's visits never overlap in time. How the receiving side records a
referral follows STANDARD.md §3.3 Bảng 1: MA_DOITUONG_KCB 1.3, MA_NOI_DI = the referring facility,
GIAY_CHUYEN_TUYEN = the number of its paper (XML13 GIAY_CHUYEN_TUYEN). A re-examination carries the slip
number (XML14 SO_GIAYHEN_KL) in GIAY_CHUYEN_TUYEN (Bảng 1 #38: "or re-visit appointment slip no.") and
MA_DOITUONG_KCB 1.5, or 1.1 at the patient's registered facility (the first code that applies wins).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, time, timedelta

from pipelines.generate.claims import PROFILES, Episode, EpisodePlan, Facility, Profile
from pipelines.generate.people import Card, Person, cccd_number, make_person
from pipelines.generate.writer import LandingWriter

#: a facility outside the generated set, for a transfer when only one facility is generated
EXTERNAL_FACILITY = "01013"


def ref(macskcb: str, ma_lk: str) -> dict[str, str]:
    return {"macskcb": macskcb, "ma_lk": ma_lk}


class Scenarios:
    def __init__(self, writer: LandingWriter) -> None:
        self.w = writer
        self.rng = random.Random(f"{writer.seed}/scenarios")
        self.facs = writer.facilities
        self.last = writer.days_in_month
        self.papers = {f.macskcb: self.rng.randint(100, 800) for f in self.facs}

    # -- helpers --------------------------------------------------------------------------------------
    def day(self, n: int) -> date:
        return self.w.first_day + timedelta(days=n - 1)

    def at(self, d: date, hours: tuple[int, int] = (7, 15)) -> datetime:
        return datetime.combine(d, time(self.rng.randint(*hours), self.rng.randrange(60)))

    def two_facilities(self) -> tuple[Facility, Facility]:
        if len(self.facs) == 1:
            return self.facs[0], self.facs[0]
        a, b = self.rng.sample(self.facs, 2)
        return a, b

    def person(self, *, age: tuple[int, int] = (20, 85), no_cccd: bool = False) -> int:
        home = self.rng.choice(self.facs)
        registered = (
            home.macskcb if self.rng.random() < 0.6 else f"{home.province}{self.rng.randint(1, 99):03d}"
        )
        p = make_person(
            self.rng,
            ma_bn="",
            province=home.province,
            registered_facility=registered,
            card_groups=self.w.catalogs.card_groups,
            on=self.w.first_day,
            age_range=age,
        )
        if no_cccd:
            p = replace(p, so_cccd="")
        return self.w.add_person(p, self.rng, pool=False)

    def profile(self, fac: Facility, idx: int, on: date, *settings: str) -> Profile | None:
        return self.w.builders[fac.macskcb].profile_for(self.w.people[idx], on, settings)

    def one(
        self, fac: Facility, idx: int | None, d: date | None, plan: EpisodePlan, card: Card | None = None
    ) -> Episode:
        ep = self.w.episode(fac, person_index=idx, day=d, plan=plan, card=card)
        self.w.write_claims(fac, [ep])
        return ep

    def link(self, kind: str, frm: dict | None, to: dict | None, expected: str, delay: int | None) -> None:
        self.w.links.append({"kind": kind, "from": frm, "to": to, "expected": expected, "delay_days": delay})

    def issue_paper(self, fac: Facility) -> tuple[str, str]:
        """(GIAY_CHUYEN_TUYEN, SO_CHUYENTUYEN) of the facility's next referral paper."""
        self.papers[fac.macskcb] += 1
        n = self.papers[fac.macskcb]
        return f"{n}/{self.w.first_day.year}/GCT", str(n)

    # -- the plan -------------------------------------------------------------------------------------
    def run(self, budget: int) -> int:
        """Write the scenarios that fit in ``budget`` claims, most important first; return claims used."""
        c = budget
        steps: list[tuple[int, Callable[[], int]]] = [
            (2, lambda: self.referral("matched")),
            (2, lambda: self.appointment("kept")),
            (1, lambda: self.referral("unknown_referral")),
            (1, lambda: self.referral("never_arrived")),
            (2, lambda: self.appointment("early")),
            (2, lambda: self.appointment("late")),
            (1, lambda: self.appointment("missed")),
            (2, self.no_cccd),
            (2, lambda: self.renewed(no_cccd=True)),
            (2, lambda: self.renewed(no_cccd=False)),
            (3, self.namesakes),
            (1, self.wrong_route),
            (1, self.second_surgery),
            (1, self.second_exam),
            (1, self.withdrawn),
            (2, lambda: self.referral("matched")),
        ]
        extra: list[tuple[int, Callable[[], int]]] = (
            [(2, lambda: self.referral("matched"))] * (c // 80 - 2)
            + [(1, lambda: self.referral("never_arrived"))] * (c // 400 - 1)
            + [(2, lambda: self.appointment("kept"))] * (c // 40 - 1)
            + [(2, lambda: self.appointment("early"))] * (c // 200 - 1)
            + [(2, lambda: self.appointment("late"))] * (c // 200 - 1)
            + [(1, lambda: self.appointment("missed"))] * (c // 150 - 1)
            + [(2, self.no_cccd)] * (c // 500 - 1)
            + [(2, lambda: self.renewed(no_cccd=False))] * (c // 1000 - 1)
            + [(1, self.wrong_route)] * (c // 300 - 1)
            + [(1, self.withdrawn)] * (c // 500 - 1)
        )
        used = 0
        for cost, step in steps + extra:
            if cost <= budget - used:
                used += step()
        return used

    # -- referrals ------------------------------------------------------------------------------------
    def referral(self, expected: str) -> int:
        if len(self.facs) < 2 and expected != "never_arrived":
            return 0
        a, b = self.two_facilities()
        dest = b.macskcb if b is not a else EXTERNAL_FACILITY
        idx = self.person()
        if expected == "unknown_referral":  # an arrival citing a paper number A never issued
            d = self.day(self.rng.randint(1, self.last - 10))
            paper = f"{self.papers[a.macskcb] + 5000 + self.rng.randrange(1000)}/{d.year}/GCT"
            plan = EpisodePlan(
                profile=self.profile(b, idx, d, "in"),
                setting="in",
                start=self.at(d),
                referred_from=a.macskcb,
                arrival_paper=paper,
            )
            ep = self.one(b, idx, d, plan)
            self.link("referral", None, ref(b.macskcb, ep.ma_lk), expected, None)
            return 1
        d = self.day(self.rng.randint(5, self.last - 12))
        profile = self.profile(a, idx, d, "in")
        paper, book = self.issue_paper(a)
        plan = EpisodePlan(
            profile=profile, setting="in", transfer_to=dest, referral_paper=paper, referral_book=book
        )
        ep_a = self.one(a, idx, d, plan)
        if expected == "never_arrived":
            self.link("referral", ref(a.macskcb, ep_a.ma_lk), None, expected, None)
            return 1
        left = datetime.strptime(ep_a.xml1["NGAY_RA"], "%Y%m%d%H%M")
        delay = self.rng.choice((0, 0, 1, 1, 2, 3))
        if delay == 0:  # same day, a few hours after leaving A
            start = left + timedelta(hours=self.rng.randint(1, 3), minutes=self.rng.randrange(60))
        else:
            start = self.at(left.date() + timedelta(days=delay))
        plan = EpisodePlan(
            profile=profile, setting="in", start=start, referred_from=a.macskcb, arrival_paper=paper
        )
        ep_b = self.one(b, idx, start.date(), plan)
        self.link(
            "referral",
            ref(a.macskcb, ep_a.ma_lk),
            ref(b.macskcb, ep_b.ma_lk),
            expected,
            (start.date() - left.date()).days,
        )
        return 2

    # -- appointments ---------------------------------------------------------------------------------
    def appointment(self, expected: str) -> int:
        fac = self.rng.choice(self.facs)
        idx = self.person(age=(30, 85))
        k = self.rng.choice((7, 14))
        d = self.day(self.rng.randint(1, self.last - k - 6))
        profile = self.profile(fac, idx, d, "out", "in")
        ep = self.one(fac, idx, d, EpisodePlan(profile=profile, appointment_in_days=k))
        slip = ep.tables["XML14"][0]
        frm = ref(fac.macskcb, ep.ma_lk)
        if expected == "missed":
            self.link("appointment", frm, None, expected, None)
            return 1
        appt = datetime.strptime(slip["NGAY_HEN_KL"][:8], "%Y%m%d").date()
        offset = {"kept": 0, "early": -self.rng.randint(1, 3), "late": self.rng.randint(2, 5)}[expected]
        visit = appt + timedelta(days=offset)
        plan = EpisodePlan(
            profile=profile,
            setting="out",
            start=self.at(visit, (7, 10)),
            followup_slip=slip["SO_GIAYHEN_KL"],
            second_exam=False,
        )
        ep2 = self.one(fac, idx, visit, plan)
        self.link("appointment", frm, ref(fac.macskcb, ep2.ma_lk), expected, offset)
        return 2

    # -- people to link -------------------------------------------------------------------------------
    def no_cccd(self) -> int:
        """A child without a CCCD in the claims, seen at two facilities: linked by the BHXH number only."""
        idx = self.person(age=(2, 13), no_cccd=True)
        f1, f2 = self.two_facilities()
        d1 = self.rng.randint(1, self.last - 12)
        d2 = d1 + self.rng.randint(5, 10)
        for fac, n in ((f1, d1), (f2, d2)):
            self.one(fac, idx, self.day(n), EpisodePlan(profile=self.profile(fac, idx, self.day(n), "out")))
        return 2

    def renewed(self, *, no_cccd: bool) -> int:
        """A card re-issued between two visits: another group (and level), new validity, same BHXH number."""
        idx = self.person(no_cccd=no_cccd)
        person = self.w.people[idx]
        old = person.card
        d1 = self.rng.randint(1, self.last - 14)
        renewal = self.day(d1 + self.rng.randint(3, 6))
        d2 = self.day(min(self.last, (renewal - self.w.first_day).days + 1 + self.rng.randint(1, 6)))
        group, level = self.rng.choice(
            [g for g in self.w.catalogs.card_groups if g[0] not in (old.group, "TE")]
        )
        old = replace(old, valid_to=renewal - timedelta(days=1))
        new = replace(
            old,
            group=group,
            benefit_level=level,
            valid_from=renewal,
            valid_to=renewal + timedelta(days=364),
        )
        self.w.people[idx] = replace(person, card=old)
        self.w.card_history[idx] = [old, new]
        f1, f2 = self.two_facilities()
        for fac, d, card in ((f1, self.day(d1), old), (f2, d2, new)):
            self.one(fac, idx, d, EpisodePlan(profile=self.profile(fac, idx, d, "out")), card=card)
        return 2

    def namesakes(self) -> int:
        """Two people with the same full name, sex and birth date; other CCCD, other BHXH number."""
        a = self.person(age=(25, 80))
        pa = self.w.people[a]
        home = self.rng.choice(self.facs)
        pb = make_person(
            self.rng,
            ma_bn="",
            province=home.province,
            registered_facility=home.macskcb,
            card_groups=self.w.catalogs.card_groups,
            on=self.w.first_day,
            age_range=(25, 80),
        )
        female = pa.gioi_tinh == "2"
        pb = replace(
            pb,
            ho_ten=pa.ho_ten,
            ngay_sinh=pa.ngay_sinh,
            gioi_tinh=pa.gioi_tinh,
            so_cccd=cccd_number(self.rng, pb.matinh, pa.ngay_sinh, female),
        )
        b = self.w.add_person(pb, self.rng, pool=False)
        self.w.person_flags[a] = {"namesake_of": b}
        self.w.person_flags[b] = {"namesake_of": a}
        f1, f2 = self.two_facilities()
        visits = ((a, f1, self.rng.randint(1, 10)), (b, f1, self.rng.randint(11, 20)), (b, f2, 21))
        for idx, fac, n in visits:
            d = self.day(min(n, self.last))
            self.one(fac, idx, d, EpisodePlan(profile=self.profile(fac, idx, d, "out")))
        return 3

    # -- payment cases (people of the pool) -----------------------------------------------------------
    def pool_person(self, fits: Callable[[Person], bool]) -> int | None:
        order = list(self.w.pool)
        self.rng.shuffle(order)
        return next((i for i in order if i not in self.w.stays and fits(self.w.people[i])), None)

    def wrong_route(self) -> int:
        fac = next((f for f in self.facs if f.level == "provincial"), self.facs[0])
        d = self.day(self.rng.randint(10, self.last))
        idx = self.pool_person(
            lambda p: p.card.registered_facility != fac.macskcb and 16 <= p.age_on(d) <= 85
        )
        if idx is None:
            return 0
        plan = EpisodePlan(
            profile=self.profile(fac, idx, d, "in"), setting="in", wrong_route=True, other_source=True
        )
        self.one(fac, idx, d, plan)
        return 1

    def second_surgery(self) -> int:
        fac = self.rng.choice(self.facs)
        d = self.day(self.rng.randint(10, self.last))

        def surgical(p: Person) -> list[Profile]:
            return [
                pr
                for pr in PROFILES
                if pr.surgery
                and (not pr.sex or pr.sex == p.gioi_tinh)
                and pr.age[0] <= p.age_on(d) <= pr.age[1]
            ]

        idx = self.pool_person(lambda p: bool(surgical(p)))
        if idx is None:
            return 0
        profile = self.rng.choice(surgical(self.w.people[idx]))
        self.one(fac, idx, d, EpisodePlan(profile=profile, setting="in", second_surgery=True))
        return 1

    def second_exam(self) -> int:
        fac = self.rng.choice(self.facs)
        d = self.day(self.rng.randint(1, self.last))
        idx = self.pool_person(lambda p: 16 <= p.age_on(d) <= 80)
        if idx is None:
            return 0
        plan = EpisodePlan(profile=self.profile(fac, idx, d, "out"), setting="out", second_exam=True)
        self.one(fac, idx, d, plan)
        return 1

    def withdrawn(self) -> int:
        fac = self.rng.choice(self.facs)
        self.one(fac, None, self.day(self.rng.randint(1, self.last)), EpisodePlan(withdrawn=True))
        return 1
