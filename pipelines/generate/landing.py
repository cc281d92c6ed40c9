"""`bhyt-etl generate`: a landing tree of signed claim files, a trust directory, and (optionally) defects.

Everything is derived from ``seed``: the same seed gives byte-identical files, keys and certificates.
Files are written to ``<landing>/<MACSKCB>/inbox/`` as facilities upload them; ``<landing>/manifest.json``
says, for every file, what the pipeline must make of it (status, error codes, claims).
"""

from __future__ import annotations

import base64
import json
import random
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from lxml import etree

from pipelines.generate.catalogs import Catalogs, load_catalogs
from pipelines.generate.claims import Episode, EpisodeBuilder, Facility
from pipelines.generate.envelope import STYLES, b64, envelope, table_document
from pipelines.generate.people import Person, make_person
from pipelines.generate.pki import FacilityIdentity, Issued, TestPKI
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
TOWNS = ("Tân Phú", "Bình Thạnh", "Hòa Bình", "An Nhơn", "Phú Mỹ", "Long Thành", "Thanh Sơn", "Đông Hà")
PROVINCE_ORDER = ("79", "01", "48", "31", "92", "75", "56", "46", "38", "26")


@dataclass
class ExpectedClaim:
    ma_lk: str
    status: str  # accepted | rejected


@dataclass
class ManifestEntry:
    path: str  # relative to the landing root
    macskcb: str  # facility folder
    kind: str  # claim | defect
    expected_status: str  # accepted | partially_accepted | rejected | duplicate
    expected_codes: list[str] = field(default_factory=list)
    defect: str = ""
    description: str = ""
    signature_shape: str = ""  # signxml | dotnet
    claims: list[ExpectedClaim] = field(default_factory=list)


@dataclass
class Manifest:
    seed: int
    period: str
    facilities: list[dict[str, str]]
    files: list[ManifestEntry]

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    @staticmethod
    def read(path: Path) -> Manifest:
        raw = json.loads(path.read_text(encoding="utf-8"))
        files = [
            ManifestEntry(**{**f, "claims": [ExpectedClaim(**c) for c in f["claims"]]}) for f in raw["files"]
        ]
        return Manifest(seed=raw["seed"], period=raw["period"], facilities=raw["facilities"], files=files)


def make_facilities(n: int, rng: random.Random, catalogs: Catalogs) -> list[Facility]:
    out = []
    for i in range(n):
        province = PROVINCE_ORDER[i % len(PROVINCE_ORDER)]
        kind, level = FACILITY_KINDS[i % len(FACILITY_KINDS)]
        pname = catalogs.provinces.get(province, province)
        name = f"{kind} {level} {rng.choice(TOWNS)}" if level not in ("tỉnh",) else f"{kind} {level} {pname}"
        out.append(
            Facility(
                macskcb=f"{province}{rng.randint(1, 299):03d}"
                if i >= len(PROVINCE_ORDER)
                else f"{province}{101 + i:03d}",
                name=name,
                tax_code=f"{rng.randrange(10**9, 10**10)}",
                province=province,
                province_name=pname,
                head_ma_ttdv=f"{province}{rng.randrange(10**8):08d}",
            )
        )
    seen: set[str] = set()
    for f in out:  # keep MACSKCB unique
        assert f.macskcb not in seen, "facility codes collide; change the seed"
        seen.add(f.macskcb)
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
            self.people.append(
                make_person(
                    self.rng,
                    ma_bn="",
                    province=home.province,
                    registered_facility=registered,
                    card_groups=self.catalogs.card_groups,
                    on=self.first_day,
                )
            )

    def _ma_bn_for(self, fac: Facility, person_index: int) -> str:
        key = (fac.macskcb, person_index)
        if key not in self._ma_bn:
            self._ma_bn[key] = f"BN{len(self._ma_bn) + 1:08d}"
        return self._ma_bn[key]

    def episode(self, fac: Facility) -> Episode:
        idx = self.rng.randrange(len(self.people))
        person = self.people[idx]
        person = Person(**{**person.__dict__, "ma_bn": self._ma_bn_for(fac, idx)})
        self._seq[fac.macskcb] = self._seq.get(fac.macskcb, 0) + 1
        seq = self._seq[fac.macskcb]
        ma_lk = f"{self.first_day:%y%m}{fac.macskcb}{seq:06d}"
        day = self.first_day + timedelta(days=self.rng.randrange(self.days_in_month))
        return self.builders[fac.macskcb].build(ma_lk, person, day, seq)

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

    # -- the regular night ------------------------------------------------------------------------------
    def regular(self, claims: int) -> None:
        remaining = claims
        while remaining > 0:
            fac = self.rng.choice(self.facilities)
            n = 1 if self.rng.random() < 0.9 or remaining < 3 else self.rng.randint(2, 3)
            eps = [self.episode(fac) for _ in range(n)]
            data, name, shape = self.claim_file(fac, eps)
            path = self.write(fac.macskcb, name, data)
            self.entries.append(
                ManifestEntry(
                    path=path,
                    macskcb=fac.macskcb,
                    kind="claim",
                    expected_status="accepted",
                    signature_shape=shape,
                    claims=[ExpectedClaim(e.ma_lk, "accepted") for e in eps],
                )
            )
            remaining -= n


def generate_landing(
    landing: Path,
    trust: Path,
    *,
    facilities: int = 3,
    claims: int = 30,
    seed: int = 1,
    defects: bool = False,
    period: str = DEFAULT_PERIOD,
) -> Manifest:
    """Write a landing tree and a trust directory; return (and write) the manifest."""
    if facilities < 1 or claims < 0:
        raise ValueError("need at least one facility and a non-negative number of claims")
    if defects and facilities < 2:
        raise ValueError(
            "--defects needs at least two facilities (binding and folder defects use a second one)"
        )
    landing.mkdir(parents=True, exist_ok=True)
    writer = LandingWriter(landing, trust, facilities, seed, period)
    writer.pki.write_trust_dir(trust)
    writer._patient_pool(max(10, int(claims * 0.8)))
    writer.regular(claims)
    if defects:
        from pipelines.generate.defects import write_defects

        write_defects(writer)
    manifest = Manifest(
        seed=seed,
        period=period,
        facilities=[
            {"macskcb": f.macskcb, "name": f.name, "tax_code": f.tax_code} for f in writer.facilities
        ],
        files=writer.entries,
    )
    manifest.write(landing / "manifest.json")
    return manifest


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
