"""The landing writer: signed claim files as facilities upload them, and the manifest of what each becomes.

Everything is derived from ``seed``: the same seed gives byte-identical files, keys and certificates.
Files are written to ``<landing>/<MACSKCB>/inbox/`` as facilities upload them; ``<landing>/manifest.json``
says, for every file, what the pipeline must make of it (status, error codes, claims), and, for the later
stages, who is who (``people``), which claims follow from which (``links``: referrals and appointments),
which entries of the card eligibility list are wrong (``eligibility_defects``) and which claims carry the
less common payment cases (``payment_cases``). The manifest never holds a name, a CCCD or a card number:
tests read those from the files. :func:`pipelines.generate.landing.generate_landing` composes a night from
this writer, the scenarios, the defects and the eligibility list.
"""

from __future__ import annotations

import base64
import json
import random
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from lxml import etree

from pipelines.generate.catalogs import Catalogs, load_catalogs
from pipelines.generate.claims import Episode, EpisodeBuilder, EpisodePlan, Facility
from pipelines.generate.envelope import STYLES, b64, envelope, table_document
from pipelines.generate.people import Card, Person, cccd_number, make_person
from pipelines.generate.pki import FacilityIdentity, Issued, TestPKI
from pipelines.generate.planted import plant_identifiers
from pipelines.generate.shapes import RealShapes
from pipelines.generate.signing import dotnet_guid, sign_dotnet, sign_signxml
from pipelines.standard import Registry, load_registry

DEFAULT_PERIOD = "2026-10"
FACILITY_KINDS = (
    ("Bệnh viện Đa khoa", "tỉnh"),
    ("Trung tâm Y tế", "huyện"),
    ("Bệnh viện", "Quận"),
    ("Phòng khám Đa khoa", "khu vực"),
    ("Bệnh viện Y học cổ truyền", "tỉnh"),
)
#: the level each kind of facility had before 01/01/2025 (decides the QĐ 3276 self-referral codes)
FACILITY_LEVELS = {"tỉnh": "provincial", "huyện": "district", "Quận": "district", "khu vực": "primary"}
TOWNS = ("Tân Phú", "Bình Thạnh", "Hòa Bình", "An Nhơn", "Phú Mỹ", "Long Thành", "Thanh Sơn", "Đông Hà")
#: MA_DOITUONG_KCB codes of patients who came on their own to a facility of a higher level (QĐ 3276)
WRONG_ROUTE_CODES = ("1.13", "1.14", "1.18", "3.1", "3.2", "3.3", "3.6")
PROVINCE_ORDER = ("79", "01", "48", "31", "92", "75", "56", "46", "38", "26")


@dataclass
class ExpectedClaim:
    ma_lk: str
    status: str  # accepted | rejected


@dataclass
class ManifestEntry:
    path: str  # relative to the landing root
    macskcb: str  # facility folder
    kind: str  # claim | defect | message (a stand-alone signed XML12 message: no claims)
    expected_status: str  # accepted | partially_accepted | rejected | duplicate
    expected_codes: list[str] = field(default_factory=list)
    defect: str = ""
    description: str = ""
    signature_shape: str = ""  # signxml | dotnet
    claims: list[ExpectedClaim] = field(default_factory=list)
    resend_of: str = ""  # night two: path of the night-one file this one resends or corrects


@dataclass
class Manifest:
    """What the generator wrote and what must come of it. The lists after ``files`` are plain JSON objects:

    - ``people``: ``{"person_id": "P0001", "claims": [{"macskcb", "ma_lk"}], "no_cccd": bool,
      "renewed_card": bool, "namesake_of": "P0002" | null}``, one per person with an accepted claim
      (claims in the order of NGAY_VAO);
    - ``links``: ``{"kind": "referral" | "appointment", "from": {"macskcb", "ma_lk"} | null,
      "to": {"macskcb", "ma_lk"} | null, "expected": "matched" | "never_arrived" | "unknown_referral" |
      "kept" | "early" | "late" | "missed", "delay_days": int | null}``, one per XML13, XML14 and per
      arrival claiming a referral nobody sent (``from`` null);
    - ``eligibility_defects``: ``{"kind", "macskcb", "ma_lk", "column", "ma_ket_qua", "description"}``;
    - ``payment_cases``: ``{"macskcb", "ma_lk", "kinds": [...], "ma_doituong_kcb", "muc_huong"}``.
    """

    seed: int
    period: str
    facilities: list[dict[str, str]]
    files: list[ManifestEntry]
    people: list[dict[str, Any]] = field(default_factory=list)
    links: list[dict[str, Any]] = field(default_factory=list)
    eligibility_defects: list[dict[str, Any]] = field(default_factory=list)
    payment_cases: list[dict[str, Any]] = field(default_factory=list)
    #: claims that break one catalogue rule each (issue 14, ``reviewer_catalogs``): ``{"kind", "rule_code",
    #: "macskcb", "ma_lk", "loaihoso", "stt"}``
    catalog_violations: list[dict[str, Any]] = field(default_factory=list)

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    @staticmethod
    def read(path: Path) -> Manifest:
        """Read a manifest; one written before ``people``/``links``/... existed reads with those empty."""
        raw = json.loads(path.read_text(encoding="utf-8"))
        files = [
            ManifestEntry(**{**f, "claims": [ExpectedClaim(**c) for c in f["claims"]]}) for f in raw["files"]
        ]
        return Manifest(
            seed=raw["seed"],
            period=raw["period"],
            facilities=raw["facilities"],
            files=files,
            people=raw.get("people", []),
            links=raw.get("links", []),
            eligibility_defects=raw.get("eligibility_defects", []),
            payment_cases=raw.get("payment_cases", []),
            catalog_violations=raw.get("catalog_violations", []),
        )


#: a generated MACSKCB is the province's two digits and a number from 1 to this (the first facility of
#: each province in PROVINCE_ORDER gets 101, 102, ...)
FACILITY_NUMBERS = 299
MAX_FACILITIES = len(PROVINCE_ORDER) * FACILITY_NUMBERS


def make_facilities(n: int, rng: random.Random, catalogs: Catalogs) -> list[Facility]:
    """``n`` facilities with distinct MACSKCB and tax codes, the same for the same ``rng`` state."""
    if not 1 <= n <= MAX_FACILITIES:
        raise ValueError(
            f"cannot generate {n} facilities: between 1 and {MAX_FACILITIES} "
            f"({len(PROVINCE_ORDER)} provinces × {FACILITY_NUMBERS} facility numbers)"
        )
    out: list[Facility] = []
    codes: set[str] = set()
    tax_codes: set[str] = set()
    for i in range(n):
        province = PROVINCE_ORDER[i % len(PROVINCE_ORDER)]
        kind, level = FACILITY_KINDS[i % len(FACILITY_KINDS)]
        pname = catalogs.provinces.get(province, province)
        name = f"{kind} {level} {rng.choice(TOWNS)}" if level not in ("tỉnh",) else f"{kind} {level} {pname}"
        if i < len(PROVINCE_ORDER):
            macskcb = f"{province}{101 + i:03d}"
        else:
            macskcb = f"{province}{rng.randint(1, FACILITY_NUMBERS):03d}"
            while macskcb in codes:  # drawn again only on a collision
                macskcb = f"{province}{rng.randint(1, FACILITY_NUMBERS):03d}"
        tax_code = f"{rng.randrange(10**9, 10**10)}"
        while tax_code in tax_codes:
            tax_code = f"{rng.randrange(10**9, 10**10)}"
        codes.add(macskcb)
        tax_codes.add(tax_code)
        out.append(
            Facility(
                macskcb=macskcb,
                name=name,
                tax_code=tax_code,
                province=province,
                province_name=pname,
                head_ma_ttdv=f"{province}{rng.randrange(10**8):08d}",
                level=FACILITY_LEVELS[level],
            )
        )
    return out


class LandingWriter:
    """Builds claims, files and defects for a set of facilities; writes them under a landing root."""

    def __init__(self, landing: Path, trust: Path, facilities: int, seed: int, period: str) -> None:
        self.landing, self.trust, self.seed, self.period = landing, trust, seed, period
        self.rng = random.Random(seed)
        self.registry: Registry = load_registry()
        self.catalogs = load_catalogs()
        self.facilities = make_facilities(facilities, self.rng, self.catalogs)
        self.pki = TestPKI.build(
            [FacilityIdentity(f.macskcb, f.name, f.tax_code, f.province_name) for f in self.facilities], seed
        )
        self.builders = {
            f.macskcb: EpisodeBuilder(self.catalogs, f, random.Random(f"{seed}/{f.macskcb}"))
            for f in self.facilities
        }
        self.entries: list[ManifestEntry] = []
        self.people: list[Person] = []
        self.pool: list[int] = []  # people random episodes are drawn from (scenario people are not)
        self.registered_at: dict[str, list[int]] = {}  # MA_DKBD -> people of the pool registered there
        self.card_history: dict[int, list[Card]] = {}  # people whose card was renewed: every card, in order
        self.person_flags: dict[int, dict[str, Any]] = {}
        self.claim_info: dict[tuple[str, str], dict[str, Any]] = {}
        self.links: list[dict[str, Any]] = []
        self.stays: dict[int, list[tuple[str, str]]] = {}  # person -> (NGAY_VAO, NGAY_RA) of each episode
        #: random episodes may end in a transfer or an appointment of unknown outcome (see EpisodePlan);
        #: ``generate_landing`` turns this off so that every XML13/XML14 it writes is in ``links``
        self.random_links = True
        #: ``generate_landing`` also keeps a random person's visits from overlapping (the review flags
        #: overlapping stays); plain writers (tests that want every table quickly) do not
        self.avoid_overlaps = False
        #: write names, phones, CCCD and card numbers into free text (``--plant-identifiers``; planted.py)
        self.plant_identifiers = False
        #: ``--shapes real``: regular files written the ways real exporters write them (generate/shapes.py)
        self.real_shapes: RealShapes | None = None
        self._cccds: set[str] = set()
        self._bhxh: set[str] = set()
        self._ma_bn: dict[tuple[str, int], str] = {}
        self._seq: dict[str, int] = {}
        self._file_no = 0
        year, month = (int(x) for x in period.split("-"))
        self.first_day = date(year, month, 1)
        self.days_in_month = (
            (self.first_day.replace(day=28) + timedelta(days=4)).replace(day=1) - self.first_day
        ).days

    # -- people and episodes ----------------------------------------------------------------------------
    def _patient_pool(self, n: int) -> None:
        for _ in range(n):
            home = self.rng.choice(self.facilities)
            registered = (
                home.macskcb if self.rng.random() < 0.6 else f"{home.province}{self.rng.randint(1, 99):03d}"
            )
            person = make_person(
                self.rng,
                ma_bn="",
                province=home.province,
                registered_facility=registered,
                card_groups=self.catalogs.card_groups,
                on=self.first_day,
            )
            self.add_person(person, self.rng, pool=True)

    def add_person(self, person: Person, rng: random.Random, *, pool: bool) -> int:
        """Keep CCCD and BHXH numbers unique: two generated people never share one by chance."""
        female = person.gioi_tinh == "2"
        while person.so_cccd and person.so_cccd in self._cccds:
            person = replace(person, so_cccd=cccd_number(rng, person.matinh, person.ngay_sinh, female))
        while person.card.bhxh_number in self._bhxh:
            number = f"{person.card.province}{rng.randrange(10**8):08d}"
            person = replace(person, card=replace(person.card, bhxh_number=number))
        if person.so_cccd:
            self._cccds.add(person.so_cccd)
        self._bhxh.add(person.card.bhxh_number)
        self.people.append(person)
        idx = len(self.people) - 1
        if pool:
            self.pool.append(idx)
            self.registered_at.setdefault(person.card.registered_facility, []).append(idx)
        return idx

    def person_id(self, idx: int) -> str:
        return f"P{idx + 1:04d}"

    def _ma_bn_for(self, fac: Facility, person_index: int) -> str:
        key = (fac.macskcb, person_index)
        if key not in self._ma_bn:
            self._ma_bn[key] = f"BN{len(self._ma_bn) + 1:08d}"
        return self._ma_bn[key]

    def episode(
        self,
        fac: Facility,
        *,
        person_index: int | None = None,
        day: date | None = None,
        plan: EpisodePlan | None = None,
        card: Card | None = None,
    ) -> Episode:
        """One episode at ``fac``: of a random pool person on a random day unless told otherwise.

        Half of the random episodes are of people registered at ``fac`` (MA_DOITUONG_KCB 1.1), as most
        visits are; the others come from anywhere and get the codes of STANDARD.md §4.3 that apply.
        """
        seq = self._seq.get(fac.macskcb, 0) + 1
        ma_lk = f"{self.first_day:%y%m}{fac.macskcb}{seq:06d}"
        plan = plan or EpisodePlan(random_links=self.random_links)
        tries = 0
        while True:  # a random person's visits never overlap (one person is in one place at a time)
            tries += 1
            if person_index is not None:
                idx = person_index
            else:
                local = self.registered_at.get(fac.macskcb, [])
                people = local if local and self.rng.random() < 0.5 else self.pool
                idx = people[self.rng.randrange(len(people))]
            person = self.people[idx]
            person = replace(person, ma_bn=self._ma_bn_for(fac, idx), card=card or person.card)
            when = day or self.first_day + timedelta(days=self.rng.randrange(self.days_in_month))
            ep = self.builders[fac.macskcb].build(ma_lk, person, when, seq, plan)
            stay = (ep.xml1["NGAY_VAO"], ep.xml1["NGAY_RA"])
            if (
                person_index is not None
                or not self.avoid_overlaps
                or not any(stay[0] <= ra and vao <= stay[1] for vao, ra in self.stays.get(idx, []))
                or tries == 100
            ):
                break
        if self.plant_identifiers:
            plant_identifiers(ep, person)
        self._seq[fac.macskcb] = seq
        self.stays.setdefault(idx, []).append(stay)
        self.claim_info[(fac.macskcb, ma_lk)] = {
            **ep.facts,
            "person": idx,
            "card": person.card,
            "ngay_vao": ep.xml1["NGAY_VAO"],
        }
        return ep

    # -- documents ------------------------------------------------------------------------------------
    def ngaylap(self, episodes: list[Episode]) -> str:
        last = max(e.xml1["NGAY_RA"][:8] for e in episodes)
        d = datetime.strptime(last, "%Y%m%d").date() + timedelta(days=self.rng.randint(0, 3))
        return d.strftime("%Y%m%d")

    def hoso_files(
        self, ep: Episode, ngaylap: str, style: str, mutate: Callable[[str, bytes], bytes] | None = None
    ) -> list[tuple[str, str]]:
        file_date = datetime.strptime(ngaylap, "%Y%m%d").date()
        files = []
        for loaihoso, rows in ep.tables.items():
            spec = self.registry.for_file(loaihoso, file_date)
            doc = table_document(spec, rows, style)
            if mutate:
                doc = mutate(loaihoso, doc)
            files.append((loaihoso, b64(doc)))
        return files

    def sign(self, unsigned: bytes, signer: Issued, shape: str, sha1: bool = False) -> bytes:
        if shape == "dotnet":
            return sign_dotnet(unsigned, signer, signature_id=dotnet_guid(self.rng), sha1=sha1)
        return sign_signxml(unsigned, signer, c14n_transform=self.rng.random() < 0.3, sha1=sha1)

    def write(self, fac_folder: str, name: str, data: bytes) -> str:
        inbox = self.landing / fac_folder / "inbox"
        inbox.mkdir(parents=True, exist_ok=True)
        (inbox / name).write_bytes(data)
        return f"{fac_folder}/inbox/{name}"

    def claim_file(
        self,
        fac: Facility,
        episodes: list[Episode],
        *,
        signer: Issued | None = None,
        shape: str | None = None,
        style: str | None = None,
        soluonghoso: int | None = None,
        mutate: Callable[[str, bytes], bytes] | None = None,
        hoso_override: list[list[tuple[str, str]]] | None = None,
        sha1: bool = False,
        macskcb: str | None = None,
        edit_unsigned: Callable[[bytes], bytes] | None = None,
    ) -> tuple[bytes, str, str]:
        self._file_no += 1
        shape = shape or ("dotnet" if self._file_no % 2 else "signxml")
        style = style or ("inventec" if shape == "dotnet" else self.rng.choice(STYLES[1:]))
        ngaylap = self.ngaylap(episodes)
        hoso = hoso_override or [self.hoso_files(ep, ngaylap, style, mutate) for ep in episodes]
        unsigned = envelope(macskcb or fac.macskcb, ngaylap, hoso, style, soluonghoso)
        if edit_unsigned:
            unsigned = edit_unsigned(unsigned)
        data = self.sign(unsigned, signer or self.pki.facility[fac.macskcb], shape, sha1=sha1)
        name = f"{fac.macskcb}_{episodes[0].ma_lk}_{ngaylap}{self._file_no:06d}.xml"
        return data, name, shape

    def write_claims(self, fac: Facility, eps: list[Episode]) -> ManifestEntry:
        """A regular signed file of ``eps``, expected to be accepted (with ``real_shapes``, perhaps written
        as a real exporter writes it, with the conformance warnings that gives: generate/shapes.py)."""
        mutate, codes = self.real_shapes.choose(eps) if self.real_shapes is not None else (None, [])
        data, name, shape = self.claim_file(fac, eps, mutate=mutate)
        entry = ManifestEntry(
            path=self.write(fac.macskcb, name, data),
            macskcb=fac.macskcb,
            kind="claim",
            expected_status="accepted",
            expected_codes=codes,
            signature_shape=shape,
            claims=[ExpectedClaim(e.ma_lk, "accepted") for e in eps],
        )
        self.entries.append(entry)
        return entry

    # -- what the manifest says beyond the files ------------------------------------------------------
    def accepted_claims(self) -> list[tuple[str, str]]:
        """(macskcb, ma_lk) of every claim that must reach the warehouse, once each."""
        seen: dict[tuple[str, str], None] = {}
        for e in self.entries:
            if e.expected_status in ("accepted", "partially_accepted"):
                for c in e.claims:
                    if c.status == "accepted":
                        seen.setdefault((e.macskcb, c.ma_lk), None)
        return list(seen)

    def people_list(self) -> list[dict[str, Any]]:
        by_person: dict[int, list[tuple[str, str, str]]] = {}
        for mac, ma_lk in self.accepted_claims():
            info = self.claim_info[(mac, ma_lk)]
            by_person.setdefault(info["person"], []).append((info["ngay_vao"], mac, ma_lk))
        out = []
        for idx in sorted(by_person):
            flags = self.person_flags.get(idx, {})
            namesake = flags.get("namesake_of")
            out.append(
                {
                    "person_id": self.person_id(idx),
                    "claims": [{"macskcb": m, "ma_lk": k} for _, m, k in sorted(by_person[idx])],
                    "no_cccd": not self.people[idx].so_cccd,
                    "renewed_card": idx in self.card_history,
                    "namesake_of": self.person_id(namesake) if namesake is not None else None,
                }
            )
        return out

    def payment_cases(self) -> list[dict[str, Any]]:
        out = []
        for mac, ma_lk in self.accepted_claims():
            info = self.claim_info[(mac, ma_lk)]
            kinds = []
            if info["route"] in WRONG_ROUTE_CODES:
                kinds.append("wrong_route")
            if info["other_source"]:
                kinds.append("other_source")
            if info["reduced_rate"]:
                kinds.append("reduced_rate")
            if info["ma_doituong_kcb"] == "8":
                kinds.append("withdrawn")
            if kinds:
                out.append(
                    {
                        "macskcb": mac,
                        "ma_lk": ma_lk,
                        "kinds": kinds,
                        "ma_doituong_kcb": info["ma_doituong_kcb"],
                        "muc_huong": info["muc_huong"],
                    }
                )
        return out


# helpers shared with the defects module ---------------------------------------------------------------
def replace_first_payload(data: bytes, loaihoso: str, edit: Callable[[bytes], bytes]) -> bytes:
    """Decode the first NOIDUNGFILE of ``loaihoso`` in ``data``, edit it, and put it back (after signing)."""
    pattern = re.compile(
        rb"(<LOAIHOSO>" + loaihoso.encode() + rb"</LOAIHOSO>\s*<NOIDUNGFILE>)([^<]*)(</NOIDUNGFILE>)"
    )
    m = pattern.search(data)
    if not m:
        raise ValueError(f"no {loaihoso} payload")
    new = base64.b64encode(edit(base64.b64decode(m.group(2)))).decode("ascii").encode()
    return data[: m.start(2)] + new + data[m.end(2) :]


def reindent(data: bytes) -> bytes:
    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    etree.indent(root, space="  ")
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + etree.tostring(root, encoding="utf-8")
