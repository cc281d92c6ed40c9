"""Synthetic claims: one treatment episode as the rows of its tables (XML1..XML15), money consistent.

An episode is built the way a hospital information system fills the standard: the lines first (drugs in
XML2, services, beds and supplies in XML3) with the line formulas of STANDARD.md §5.1, then the header
(XML1) totals from the lines (§5.2), then the documents the type of care requires (§5.4: XML4 results of
paraclinical services, XML5 progress notes, XML7 discharge paper, XML8 record summary, XML13 referral,
XML14 re-examination appointment). Values are strings exactly as they are written in the XML.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from pipelines.generate.catalogs import Catalogs
from pipelines.generate.people import Person, ngay_sinh_field

#: Lương cơ sở (base salary) from 01/07/2024, Nghị định 73/2024/NĐ-CP; 15 % of it is the threshold under which
#: the fund pays 100 % of an episode (STANDARD.md §4.5).
BASE_SALARY = Decimal("2340000")
FULL_COVER_THRESHOLD = BASE_SALARY * Decimal("0.15")
BENEFIT_PERCENT = {1: 100, 2: 100, 3: 95, 4: 80, 5: 100}
CENT = Decimal("0.01")
ZERO = Decimal(0)
OTHER_SOURCES = ("T_NGUONKHAC_NSNN", "T_NGUONKHAC_VTNN", "T_NGUONKHAC_VTTN", "T_NGUONKHAC_CL")


def money(x: Decimal) -> Decimal:
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


def fmt_money(x: Decimal) -> str:
    """Amounts as exporters write them: no trailing '.00' on whole amounts, '.' as decimal separator."""
    x = money(x)
    return str(int(x)) if x == x.to_integral_value() else f"{x:.2f}"


def fmt_dec(x: Decimal) -> str:
    s = f"{x.normalize():f}"
    return s


def ts(t: datetime) -> str:
    return t.strftime("%Y%m%d%H%M")


def d8(t: date) -> str:
    return t.strftime("%Y%m%d")


@dataclass(frozen=True)
class Profile:
    """A kind of episode: principal diagnosis and what is usually done for it."""

    icd: str
    name_vi: str
    setting: str  # 'out' (MA_LOAI_KCB 01), 'in' (03), 'day' (02, outpatient treatment course)
    labs: int  # how many lab tests
    imaging: int
    surgery: bool = False
    sex: str = ""  # '1' male, '2' female, '' any
    age: tuple[int, int] = (1, 90)


PROFILES: tuple[Profile, ...] = (
    Profile("J06.9", "Nhiễm trùng đường hô hấp trên cấp", "out", 1, 0, age=(1, 80)),
    Profile("I10", "Bệnh lý tăng huyết áp", "out", 2, 0, age=(35, 90)),
    Profile("E11.9", "Bệnh đái tháo đường typ 2 không có biến chứng", "out", 3, 0, age=(35, 90)),
    Profile("K29.7", "Viêm dạ dày, không đặc hiệu", "out", 1, 1, age=(16, 85)),
    Profile("M54.5", "Đau vùng thắt lưng", "out", 0, 1, age=(20, 85)),
    Profile("J02.9", "Viêm họng cấp, không đặc hiệu", "out", 0, 0, age=(2, 80)),
    Profile("A09", "Tiêu chảy và viêm dạ dày ruột do nhiễm trùng", "out", 2, 0, age=(1, 80)),
    Profile("N39.0", "Nhiễm trùng đường tiết niệu, vị trí không xác định", "out", 2, 1, age=(16, 85)),
    Profile("H10.9", "Viêm kết mạc, không đặc hiệu", "out", 0, 0, age=(3, 80)),
    Profile("E78.5", "Tăng lipid máu, không đặc hiệu", "out", 3, 0, age=(30, 85)),
    Profile("I25.1", "Bệnh tim do xơ vữa động mạch", "day", 3, 1, age=(45, 90)),
    Profile("J44.9", "Bệnh phổi tắc nghẽn mạn tính, không đặc hiệu", "day", 2, 1, age=(45, 90)),
    Profile("J18.9", "Viêm phổi, không đặc hiệu", "in", 4, 1, age=(1, 90)),
    Profile("I63.9", "Nhồi máu não, không đặc hiệu", "in", 4, 2, age=(45, 90)),
    Profile("K35.8", "Viêm ruột thừa cấp, khác và không đặc hiệu", "in", 3, 1, surgery=True, age=(8, 70)),
    Profile("K80.2", "Sỏi túi mật không có viêm túi mật", "in", 3, 1, surgery=True, age=(25, 80)),
    Profile("O80", "Đẻ thường một thai", "in", 3, 1, sex="2", age=(18, 42)),
    Profile("S72.0", "Gãy cổ xương đùi", "in", 3, 2, surgery=True, age=(55, 90)),
    Profile("A97.1", "Sốt xuất huyết Dengue có dấu hiệu cảnh báo", "in", 4, 0, age=(5, 70)),
    Profile("I50.9", "Suy tim, không đặc hiệu", "in", 4, 2, age=(50, 90)),
    Profile("N40", "Tăng sản tuyến tiền liệt", "out", 2, 1, sex="1", age=(50, 90)),
)
SECONDARY = ("E11.9", "I10", "E78.5", "K21.9", "M17.9", "J45.9", "E03.9")
DEPARTMENTS = {"out": "K01", "day": "K03", "in": "K19"}  # khoa khám bệnh, nội tổng hợp / ngoại tổng hợp
SURGERY_DEPT = "K26"
#: Fields XML13 and XML14 fill "Sử dụng thông tin tại trường ... trong Bảng 1": the same values as XML1.
COPIED_FROM_XML1 = (
    "MA_LK",
    "HO_TEN",
    "NGAY_SINH",
    "GIOI_TINH",
    "DIA_CHI",
    "MA_THE_BHYT",
    "GT_THE_DEN",
    "NGAY_VAO",
    "NGAY_VAO_NOI_TRU",
    "NGAY_RA",
    "CHAN_DOAN_RV",
    "MA_BENH_CHINH",
    "MA_BENH_KT",
    "MA_TTDV",
)
COPIED_FROM_XML1_XML13 = ("MA_QUOCTICH", "MA_DANTOC", "MA_NGHE_NGHIEP")


@dataclass
class Episode:
    """The rows of one claim: LOAIHOSO -> list of {TAG: text}."""

    ma_lk: str
    tables: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    #: what the builder did that a test or the manifest needs to know (never written to a file)
    facts: dict[str, object] = field(default_factory=dict)

    @property
    def xml1(self) -> dict[str, str]:
        return self.tables["XML1"][0]


@dataclass(frozen=True)
class Facility:
    macskcb: str
    name: str
    tax_code: str
    province: str  # 2-digit code
    province_name: str
    head_ma_ttdv: str  # MA_TTDV, 10 digits
    #: the level the facility had before 01/01/2025, which decides the self-referral codes of QĐ 3276:
    #: 'provincial' (3.2 inpatient, 1.18 outpatient), 'district' (3.3), 'primary' (1.2)
    level: str = "district"


@dataclass
class EpisodePlan:
    """What a scenario asks of one episode; every field left at its default is decided at random.

    ``random_links``: with no transfer or appointment asked for, end in one at random (8 % of inpatient
    stays are transferred to another facility, 30 % of discharges get an appointment), as the builder does
    when called without a plan. ``generate_landing`` turns this off: there, transfers and appointments only
    come from scenarios, so that every XML13 and XML14 has a known outcome (see ``scenarios.py``).
    """

    profile: Profile | None = None
    setting: str | None = None  # 'out', 'in', 'day': overrides the profile's
    start: datetime | None = None  # arrival time; the end follows from it (default: from the discharge day)
    transfer_to: str = ""  # MA_NOI_DEN: ends with MA_LOAI_RV 2 and an XML13
    referral_paper: str = ""  # XML13 GIAY_CHUYEN_TUYEN (số giấy chuyển tuyến) of that transfer
    referral_book: str = ""  # XML13 SO_CHUYENTUYEN
    referred_from: str = ""  # MA_NOI_DI: arrives with a referral paper (MA_DOITUONG_KCB 1.3)
    arrival_paper: str = ""  # XML1 GIAY_CHUYEN_TUYEN written by the receiving facility
    appointment_in_days: int | None = None  # NGAY_TAI_KHAM and an XML14
    followup_slip: str = ""  # a re-examination with this appointment slip (XML1 GIAY_CHUYEN_TUYEN)
    wrong_route: bool = False  # prefer the facility's self-referral code when the patient is not registered
    withdrawn: bool = False  # sent as MA_DOITUONG_KCB 8 (thu hồi đề nghị thanh toán)
    other_source: bool | None = None  # a line with T_NGUONKHAC > 0
    second_exam: bool | None = None  # a second examination the same day, TYLE_TT_DV 30
    second_surgery: bool | None = None  # a second operation by the same team, TYLE_TT_DV 50
    random_links: bool = False


def _staff(rng: random.Random, province: str) -> str:
    """A practising-licence number (chứng chỉ hành nghề) as MA_BAC_SI carries it."""
    return f"{rng.randrange(1, 99999):06d}/{province}-CCHN"


def line_amounts(row: dict[str, str], loaihoso: str) -> tuple[Decimal, Decimal]:
    """(THANH_TIEN_BV, THANH_TIEN_BH) of a line from its own fields: L1-L4 of STANDARD.md §5.1.

    XML3 applies TYLE_TT_DV to both amounts as the QĐ 4750 correction writes it (§5.1 L3, L4).
    """
    qty = Decimal(row["SO_LUONG"])
    tyle_bh = Decimal(row["TYLE_TT_BH"]) / 100
    if loaihoso == "XML2":
        price = Decimal(row["DON_GIA"])
        return money(qty * price), money(qty * price * tyle_bh)
    tyle_dv = Decimal(row["TYLE_TT_DV"]) / 100
    return (
        money(qty * Decimal(row["DON_GIA_BV"]) * tyle_dv),
        money(qty * Decimal(row["DON_GIA_BH"]) * tyle_dv * tyle_bh),
    )


def line_split(
    bv: Decimal, bh: Decimal, muc_huong: Decimal, nk: Decimal = ZERO
) -> tuple[Decimal, Decimal, Decimal]:
    """(T_BNTT, T_BNCCT, T_BHTT) of a line: L6, and L7 when other sources pay ``nk``.

    L7 deducts other-source money from the patient's own part first (T_BNTT, then T_BNCCT, then T_BHTT).
    The generator keeps ``nk`` within the part outside the fund's scope (nk <= BV - BH), so that the
    header identities H6 and H8 (first form) hold exactly; see STANDARD.md §5.2.
    """
    bhtt0 = money(bh * muc_huong / 100)
    bncct0, bntt0 = bh - bhtt0, bv - bh
    bntt = max(ZERO, bntt0 - nk)
    bncct = bncct0 if nk <= bntt0 else max(ZERO, bncct0 - (nk - bntt0))
    bhtt = bhtt0 if nk < bncct0 + bntt0 else bhtt0 - (nk - bncct0 - bntt0)
    return bntt, bncct, bhtt


def header_totals(xml2: list[dict[str, str]], xml3: list[dict[str, str]]) -> dict[str, str]:
    """The XML1 money fields from the lines as written: H1-H7 of STANDARD.md §5.2."""
    lines = xml2 + xml3

    def s(key: str, rows: list[dict[str, str]] = lines) -> Decimal:
        return sum((Decimal(r[key]) for r in rows), ZERO)

    t_bh, t_bncct = s("THANH_TIEN_BH"), s("T_BNCCT")
    return {
        "T_THUOC": fmt_money(s("THANH_TIEN_BV", xml2)),
        "T_VTYT": fmt_money(s("THANH_TIEN_BV", [r for r in xml3 if r["MA_NHOM"] == "10"])),
        "T_TONGCHI_BV": fmt_money(s("THANH_TIEN_BV")),
        "T_TONGCHI_BH": fmt_money(t_bh),
        "T_BNTT": fmt_money(s("T_BNTT")),
        "T_BNCCT": fmt_money(t_bncct),
        "T_BHTT": fmt_money(t_bh - t_bncct),
        "T_NGUONKHAC": fmt_money(s("T_NGUONKHAC")),
        "T_BHTT_GDV": fmt_money(s("T_BHTT", [r for r in lines if r["MA_PTTT"] == "1"])),
    }


def finish_line(row: dict, loaihoso: str, muc_huong: Decimal) -> None:
    """Write THANH_TIEN_*, MUC_HUONG and the split of one line (its T_NGUONKHAC_* already set or zero)."""
    bv, bh = line_amounts(row, loaihoso)
    parts = [Decimal(row.get(tag) or "0") for tag in OTHER_SOURCES]
    nk = sum(parts, ZERO)
    bntt, bncct, bhtt = line_split(bv, bh, muc_huong, nk)
    row.update({tag: fmt_money(v) for tag, v in zip(OTHER_SOURCES, parts, strict=True)})
    row.update(
        {
            "THANH_TIEN_BV": fmt_money(bv),
            "THANH_TIEN_BH": fmt_money(bh),
            "T_NGUONKHAC": fmt_money(nk),
            "MUC_HUONG": fmt_dec(muc_huong),
            "T_BNTT": fmt_money(bntt),
            "T_BNCCT": fmt_money(bncct),
            "T_BHTT": fmt_money(bhtt),
        }
    )


class EpisodeBuilder:
    """Builds realistic episodes for one facility in one settlement month."""

    def __init__(self, catalogs: Catalogs, facility: Facility, rng: random.Random) -> None:
        self.cat = catalogs
        self.fac = facility
        self.rng = rng
        self.exams = catalogs.services_in("13")
        self.labs = catalogs.services_in("1")
        self.imaging = catalogs.services_in("2", "3")
        self.surgery = catalogs.services_in("8")
        self.procedures = catalogs.services_in("18")
        self.beds = catalogs.services_in("15")
        self.drugs = catalogs.drugs_in("4")
        self.supplies = catalogs.supplies
        self.doctors = [_staff(rng, facility.province) for _ in range(12)]
        self.nurses = [_staff(rng, facility.province) for _ in range(8)]
        #: bed code -> the stays it holds: two patients never get one bed at once (BED_SHARED_NOT_DECLARED)
        self.bed_stays: dict[str, list[tuple[datetime, datetime]]] = {}

    def _free_bed(self, start: datetime, end: datetime) -> str:
        """A bed code (H101 … H999) free from ``start`` to ``end``, from a random place in the ward."""
        first = self.rng.randint(101, 999)
        code = f"H{first}"
        for k in range(899):
            code = f"H{101 + (first - 101 + k) % 899}"
            if all(end <= s or e <= start for s, e in self.bed_stays.get(code, [])):
                break
        self.bed_stays.setdefault(code, []).append((start, end))
        return code

    def profile_for(self, person: Person, on: date, settings: tuple[str, ...] = ()) -> Profile | None:
        age = person.age_on(on)
        fits = [
            p
            for p in PROFILES
            if (not p.sex or p.sex == person.gioi_tinh)
            and p.age[0] <= age <= p.age[1]
            and (not settings or p.setting in settings)
        ]
        return self.rng.choice(fits) if fits else None

    # -- lines ----------------------------------------------------------------------------------------
    def _drug_lines(
        self, n: int, days: int, start: datetime, end: datetime, dept: str, doctor: str
    ) -> list[dict[str, str]]:
        rows = []
        latest = min(90, int((end - start).total_seconds() // 60) - 15)  # ordered and given before NGAY_RA
        for drug in self.rng.sample(self.drugs, min(n, len(self.drugs))):
            per_day = self.rng.choice((1, 2, 2, 3, 4))
            qty = Decimal(per_day * max(days, 1) * self.rng.choice((1, 1, 2)))
            yl = start + timedelta(minutes=self.rng.randint(20, max(20, latest)))
            rows.append(
                {
                    "MA_THUOC": drug["ma_thuoc"],
                    "MA_NHOM": drug["ma_nhom"],
                    "TEN_THUOC": drug["ten_thuoc"],
                    "DON_VI_TINH": drug["don_vi_tinh"],
                    "HAM_LUONG": drug["ham_luong"],
                    "DUONG_DUNG": drug["duong_dung"],
                    "DANG_BAO_CHE": drug["dang_bao_che"],
                    "LIEU_DUNG": f"{per_day} {drug['don_vi_tinh'].lower()}/lần * 1 lần/ngày"
                    f" * {max(days, 1)} ngày",
                    "CACH_DUNG": self.rng.choice(
                        ("Uống sau ăn", "Uống trước ăn", "Uống sáng - chiều", "Theo chỉ định của bác sĩ")
                    ),
                    "SO_DANG_KY": drug["so_dang_ky"],
                    "TT_THAU": drug["tt_thau"],
                    "PHAM_VI": "1",
                    "TYLE_TT_BH": "100",
                    "SO_LUONG": fmt_dec(qty),
                    "DON_GIA": drug["don_gia"],
                    "MA_KHOA": dept,
                    "MA_BAC_SI": doctor,
                    "NGAY_YL": ts(yl),
                    "NGAY_TH_YL": ts(yl + timedelta(minutes=15)),
                    "MA_PTTT": "1",
                    "NGUON_CTRA": "1",
                }
            )
        return rows

    def _service_line(
        self,
        svc: dict[str, str],
        qty: Decimal,
        when: datetime,
        dept: str,
        doctor: str,
        performer: str | None = None,
        bed: str = "",
        tyle_dv: int = 100,
    ) -> dict[str, str]:
        group = svc["ma_nhom"]
        row = {
            "MA_DICH_VU": svc["ma_dich_vu"],
            "MA_NHOM": group,
            "TEN_DICH_VU": svc["ten_dich_vu"],
            "DON_VI_TINH": svc["don_vi_tinh"],
            "PHAM_VI": "1",
            "SO_LUONG": fmt_dec(qty),
            "DON_GIA_BV": svc["don_gia"],
            "DON_GIA_BH": svc["don_gia"],
            "TYLE_TT_DV": str(tyle_dv),
            "TYLE_TT_BH": "100",
            "MA_KHOA": dept,
            "MA_GIUONG": bed,
            "MA_BAC_SI": doctor,
            "NGAY_YL": ts(when),
            "MA_PTTT": "1",
        }
        if group in ("1", "2", "3", "8", "18"):
            row["NGUOI_THUC_HIEN"] = performer or self.rng.choice(self.nurses)
            row["NGAY_TH_YL"] = ts(when + timedelta(minutes=self.rng.randint(5, 30)))
            row["NGAY_KQ"] = ts(when + timedelta(minutes=self.rng.randint(35, 65)))
        if group in ("2", "3"):
            row["MA_MAY"] = f"XQ.1.{self.fac.macskcb}.{self.rng.randint(1, 3)}"
        if group == "8":
            row["PP_VO_CAM"] = self.rng.choice(("1", "2"))
        return row

    def _supply_line(
        self, sup: dict[str, str], when: datetime, dept: str, doctor: str, svc_code: str
    ) -> dict:
        qty = Decimal(self.rng.choice((1, 1, 2, 3)))
        return {
            "MA_DICH_VU": svc_code,
            "MA_VAT_TU": sup["ma_vat_tu"],
            "MA_NHOM": sup["ma_nhom"],
            "TEN_VAT_TU": sup["ten_vat_tu"],
            "DON_VI_TINH": sup["don_vi_tinh"],
            "PHAM_VI": "1",
            "SO_LUONG": fmt_dec(qty),
            "DON_GIA_BV": sup["don_gia"],
            "DON_GIA_BH": sup["don_gia"],
            "TT_THAU": sup["tt_thau"],
            "TYLE_TT_DV": "100",
            "TYLE_TT_BH": "100",
            "MA_KHOA": dept,
            "MA_BAC_SI": doctor,
            "NGAY_YL": ts(when),
            "MA_PTTT": "1",
        }

    def _other_source(self, xml3: list[dict[str, str]]) -> bool:
        """Case (a) of §5.1 L7 on one line: the facility bills above the fund's price (DON_GIA_BV >
        DON_GIA_BH) and a charity or the state budget pays part or all of that difference for this patient.
        """
        candidates = [r for r in xml3 if r["MA_NHOM"] in ("2", "3", "13", "15") and r["TYLE_TT_DV"] == "100"]
        if not candidates:
            return False
        row = self.rng.choice(candidates)
        row["DON_GIA_BV"] = str(int(row["DON_GIA_BH"]) + 1000 * self.rng.randint(20, 200))
        bv, bh = line_amounts(row, "XML3")
        nk = money((bv - bh) * self.rng.choice((Decimal(1), Decimal("0.5"), Decimal("0.3"))))
        sources = self.rng.choice(
            (("T_NGUONKHAC_VTTN",), ("T_NGUONKHAC_NSNN",), ("T_NGUONKHAC_NSNN", "T_NGUONKHAC_CL"))
        )
        first = money(nk * Decimal("0.6")) if len(sources) == 2 else nk
        row[sources[0]] = fmt_money(first)
        if len(sources) == 2:
            row[sources[1]] = fmt_money(nk - first)
        return True

    # -- route and benefit ----------------------------------------------------------------------------
    def route(
        self, person: Person, setting: str, bh_total: Decimal, plan: EpisodePlan, on: date
    ) -> tuple[str, Decimal]:
        """(MA_DOITUONG_KCB, MUC_HUONG) for the visit, per QĐ 3276 (STANDARD.md §4.3, §4.5).

        MUC_HUONG = the benefit level (the card's, or 100 under 15 % of the base salary) times the factor of
        the code; code 1.2 pays 100 whatever the card says. Self-referral codes (3.x, 1.13/1.14/1.18) are only
        used above the 15 % threshold, where it makes no difference whether that rule applies to them.
        """
        card_pct = Decimal(BENEFIT_PERCENT[person.card.benefit_level])
        base = Decimal(100) if bh_total < FULL_COVER_THRESHOLD else card_pct
        at_registered = person.card.registered_facility == self.fac.macskcb
        if plan.referred_from:
            code = "1.3"
        elif plan.followup_slip:
            code = "1.1" if at_registered else "1.5"
        elif at_registered:
            code = "1.1"
        else:
            code = self._self_referred(setting, bh_total, card_pct, plan.wrong_route, on)
        if code == "1.2":
            return code, Decimal(100)
        factor = self.cat.route_factor(code, on)
        assert factor is not None, code
        return code, base * factor

    def _self_referred(
        self, setting: str, bh_total: Decimal, card_pct: Decimal, prefer: bool, on: date
    ) -> str:
        above = bh_total >= FULL_COVER_THRESHOLD
        wrong = ""
        if above and self.fac.level == "provincial":
            if setting == "in":
                wrong = "3.2"
            else:
                f = self.cat.route_factor("1.18", on) or ZERO
                if f > 0 and (card_pct * f) == (card_pct * f).to_integral_value():
                    wrong = "1.18"
        elif above and self.fac.level == "district":
            wrong = "3.3"
        if prefer and wrong:
            return wrong
        r = self.rng.random()
        if r < 0.2:
            return "2"
        if r < 0.35:
            return "1.4"
        if self.fac.level == "primary":
            return "1.2"
        return wrong or "1.4"

    # -- episode --------------------------------------------------------------------------------------
    def _times(
        self, setting: str, discharge_day: date, start: datetime | None
    ) -> tuple[datetime, datetime, int, str]:
        rng = self.rng
        if setting == "out":
            if start is None:
                start = datetime.combine(discharge_day, datetime.min.time()) + timedelta(
                    hours=rng.randint(7, 15), minutes=rng.randrange(60)
                )
            return start, start + timedelta(minutes=rng.randint(95, 240)), 1, "01"
        days = rng.randint(2, 9) if setting == "in" else rng.randint(5, 20)
        if start is None:
            end = datetime.combine(discharge_day, datetime.min.time()) + timedelta(
                hours=rng.randint(8, 16), minutes=rng.randrange(60)
            )
            start = end - timedelta(days=days - 1, hours=rng.randint(1, 5), minutes=rng.randrange(60))
        else:
            end = datetime.combine(start.date() + timedelta(days=days - 1), datetime.min.time()) + timedelta(
                hours=rng.randint(8, 16), minutes=rng.randrange(60)
            )
        return start, end, days, "03" if setting == "in" else "02"

    def build(
        self, ma_lk: str, person: Person, discharge_day: date, stt: int, plan: EpisodePlan | None = None
    ) -> Episode:
        rng = self.rng
        plan = plan or EpisodePlan(random_links=True)
        profile = plan.profile or self.profile_for(person, discharge_day) or PROFILES[0]
        setting = plan.setting or profile.setting
        doctor = rng.choice(self.doctors)
        dept = DEPARTMENTS[setting]
        start, end, days, ma_loai_kcb = self._times(setting, discharge_day, plan.start)
        facts: dict[str, object] = {}
        # lines
        xml2 = self._drug_lines(
            rng.randint(1, 4) if setting == "out" else rng.randint(3, 7),
            days if setting != "out" else rng.choice((5, 7, 10)),
            start,
            end,
            dept,
            doctor,
        )
        xml3: list[dict] = [self._service_line(rng.choice(self.exams), Decimal(1), start, "K01", doctor)]
        second_exam = plan.second_exam if plan.second_exam is not None else rng.random() < 0.05
        if setting == "out" and second_exam:  # TYLE_TT_DV 30: 2nd exam of the day in another specialty
            other = rng.choice([e for e in self.exams if e["ma_dich_vu"] != xml3[0]["MA_DICH_VU"]])
            xml3.append(
                self._service_line(
                    other, Decimal(1), start + timedelta(minutes=30), "K01", doctor, tyle_dv=30
                )
            )
        paraclinical = []
        for svc in rng.sample(self.labs, min(profile.labs, len(self.labs))):
            paraclinical.append(
                self._service_line(svc, Decimal(1), start + timedelta(minutes=10), dept, doctor)
            )
        for svc in rng.sample(self.imaging, min(profile.imaging, len(self.imaging))):
            paraclinical.append(
                self._service_line(svc, Decimal(1), start + timedelta(minutes=25), dept, doctor)
            )
        xml3 += paraclinical
        if setting == "in":
            # a bed of the patient's ward: the bed code's first part is the ward (BED_SERVICE_WARD_MISMATCH)
            bed = rng.choice([b for b in self.beds if b["ma_dich_vu"].split(".")[0] == dept] or self.beds)
            bed_code = self._free_bed(start, end)
            xml3.append(
                self._service_line(
                    bed, Decimal(days - 1 or 1), start + timedelta(hours=1), dept, doctor, bed=bed_code
                )
            )
        if profile.surgery and setting == "in" and self.surgery:
            op = rng.choice(self.surgery)
            when = start + timedelta(hours=rng.randint(2, 6))
            xml3.append(self._service_line(op, Decimal(1), when, SURGERY_DEPT, doctor, performer=doctor))
            second = plan.second_surgery if plan.second_surgery is not None else rng.random() < 0.3
            others = [s for s in self.surgery if s["ma_dich_vu"] != op["ma_dich_vu"]]
            if second and others:  # TYLE_TT_DV 50: 2nd operation in the same session, same team
                xml3.append(
                    self._service_line(
                        rng.choice(others),
                        Decimal(1),
                        when + timedelta(minutes=40),
                        SURGERY_DEPT,
                        doctor,
                        performer=doctor,
                        tyle_dv=50,
                    )
                )
            for sup in rng.sample(self.supplies, min(3, len(self.supplies))):
                xml3.append(self._supply_line(sup, when, SURGERY_DEPT, doctor, op["ma_dich_vu"]))
        other_source = plan.other_source if plan.other_source is not None else rng.random() < 0.04
        if other_source:
            other_source = self._other_source(xml3)
        # money: the in-scope total decides the 15 % rule, then the route gives MUC_HUONG for every line
        bh_total = sum((line_amounts(r, "XML2")[1] for r in xml2), ZERO) + sum(
            (line_amounts(r, "XML3")[1] for r in xml3), ZERO
        )
        doituong, muc_huong = self.route(person, setting, bh_total, plan, end.date())
        for loaihoso, rows in (("XML2", xml2), ("XML3", xml3)):
            for stt_line, row in enumerate(rows, 1):
                row.update({"MA_LK": ma_lk, "STT": str(stt_line)})
                finish_line(row, loaihoso, muc_huong)
        facts.update(
            {
                "ma_doituong_kcb": "8" if plan.withdrawn else doituong,
                "route": doituong,
                "muc_huong": fmt_dec(muc_huong),
                "other_source": other_source,
                "reduced_rate": sum(r["TYLE_TT_DV"] != "100" for r in xml3),
            }
        )
        ep = Episode(ma_lk=ma_lk, facts=facts)
        ep.tables["XML1"] = [
            self._xml1(
                ma_lk,
                stt,
                person,
                profile,
                setting,
                start,
                end,
                days,
                ma_loai_kcb,
                dept,
                xml2,
                xml3,
                plan,
                "8" if plan.withdrawn else doituong,
            )
        ]
        ep.tables["XML2"] = xml2
        ep.tables["XML3"] = xml3
        if paraclinical:
            ep.tables["XML4"] = self._results(ma_lk, paraclinical, doctor)
        if setting in ("in", "day"):
            ep.tables["XML5"] = self._progress(ma_lk, start, end, profile)
        if setting == "in":
            ep.tables["XML7"] = [self._discharge_paper(ep.xml1, profile, doctor)]
            ep.tables["XML8"] = [self._summary(ep.xml1, profile)]
        paper = ep.xml1.pop("_giay_chuyen_tuyen_di"), ep.xml1.pop("_so_chuyentuyen")
        if ep.xml1["MA_LOAI_RV"] == "2":
            ep.tables["XML13"] = [self._referral(ep.xml1, doctor, *paper)]
        if ep.xml1["NGAY_TAI_KHAM"]:
            ep.tables["XML14"] = [self._appointment(ep.xml1, doctor)]
        return ep

    def _xml1(
        self,
        ma_lk: str,
        stt: int,
        p: Person,
        profile: Profile,
        setting: str,
        start: datetime,
        end: datetime,
        days: int,
        ma_loai_kcb: str,
        dept: str,
        xml2: list[dict],
        xml3: list[dict],
        plan: EpisodePlan,
        doituong: str,
    ) -> dict:
        rng = self.rng
        if plan.random_links and not plan.transfer_to and setting == "in" and rng.random() < 0.08:
            plan = replace(
                plan,
                transfer_to=rng.choice(("79010", "01013", "48001")),
                referral_paper=f"{rng.randint(1, 9999)}/GCT",
                referral_book=str(rng.randint(1, 9999)),
            )  # transferred for medical reasons: XML13
        ma_loai_rv = "2" if plan.transfer_to and setting == "in" else "1"
        secondary = [c for c in rng.sample(SECONDARY, rng.randint(0, 2)) if c != profile.icd]
        appointment = plan.appointment_in_days
        if plan.random_links and appointment is None and rng.random() < 0.3:
            appointment = rng.choice((7, 14, 30))
        tai_kham = ""
        if ma_loai_rv == "1" and appointment:
            tai_kham = d8(end.date() + timedelta(days=appointment))
        so_ngay = {"01": 0, "03": (end.date() - start.date()).days + 1, "02": days}[ma_loai_kcb]
        ket_qua = "1" if setting == "out" else rng.choice(("1", "1", "2", "2", "3"))
        if ma_loai_rv == "2":
            ket_qua = rng.choice(("3", "4"))
        ly_do_vv = rng.choice(
            ("Đau bụng", "Sốt, ho", "Mệt mỏi, chóng mặt", "Khám định kỳ", "Đau đầu", "Khó thở")
        )
        if plan.referred_from:
            ly_do_vv = "Chuyển tuyến điều trị"
        elif plan.followup_slip:
            ly_do_vv = "Tái khám theo hẹn"
        return {
            "MA_LK": ma_lk,
            "STT": str(stt),
            "MA_BN": p.ma_bn,
            "HO_TEN": p.ho_ten,
            "SO_CCCD": p.so_cccd,
            "NGAY_SINH": ngay_sinh_field(p),
            "GIOI_TINH": p.gioi_tinh,
            "MA_QUOCTICH": "000",
            "MA_DANTOC": "01",
            "MA_NGHE_NGHIEP": p.ma_nghe_nghiep,
            "DIA_CHI": f"{p.dia_chi}, {self.cat.provinces.get(p.matinh, '')}",
            "MATINH_CU_TRU": p.matinh,
            "MAHUYEN_CU_TRU": f"{rng.randint(1, 999):03d}",
            "MAXA_CU_TRU": f"{rng.randint(1, 32000):05d}",
            "DIEN_THOAI": p.dien_thoai,
            "MA_THE_BHYT": p.card.number,
            "MA_DKBD": p.card.registered_facility,
            "GT_THE_TU": d8(p.card.valid_from),
            "GT_THE_DEN": d8(p.card.valid_to),
            "LY_DO_VV": ly_do_vv,
            "LY_DO_VNT": "Điều trị nội trú theo chỉ định" if setting == "in" else "",
            "CHAN_DOAN_VAO": profile.name_vi,
            "CHAN_DOAN_RV": profile.name_vi,
            "MA_BENH_CHINH": profile.icd,
            "MA_BENH_KT": ";".join(secondary),
            "MA_DOITUONG_KCB": doituong,
            # the receiving side of a referral (Bảng 1 #32, #38): the referring facility and its paper number;
            # a re-examination carries the appointment slip number in GIAY_CHUYEN_TUYEN (Bảng 1 #38)
            "MA_NOI_DI": plan.referred_from,
            "MA_NOI_DEN": plan.transfer_to if ma_loai_rv == "2" else "",
            "NGAY_VAO": ts(start),
            "NGAY_VAO_NOI_TRU": ts(start + timedelta(minutes=45)) if setting != "out" else "",
            "NGAY_RA": ts(end),
            "GIAY_CHUYEN_TUYEN": plan.arrival_paper or plan.followup_slip,
            "SO_NGAY_DTRI": str(so_ngay),
            "PP_DIEU_TRI": "Điều trị nội khoa" if not profile.surgery else "Phẫu thuật, điều trị nội khoa",
            "KET_QUA_DTRI": ket_qua,
            "MA_LOAI_RV": ma_loai_rv,
            "GHI_CHU": "Tái khám theo hẹn, uống thuốc đúng giờ" if tai_kham else "",
            "NGAY_TTOAN": ts(end + timedelta(minutes=rng.randint(5, 50))),
            **header_totals(xml2, xml3),
            "NAM_QT": str(end.year),
            "THANG_QT": f"{end.month:02d}",
            "MA_LOAI_KCB": ma_loai_kcb,
            "MA_KHOA": dept,
            "MA_CSKCB": self.fac.macskcb,
            "MA_KHUVUC": "",
            "CAN_NANG": f"{rng.uniform(45, 80):.2f}"
            if p.age_on(end.date()) >= 16
            else f"{rng.uniform(8, 40):.2f}",
            "NGAY_TAI_KHAM": tai_kham,
            "MA_HSBA": f"{end.year % 100}{rng.randrange(10**7):07d}",
            "MA_TTDV": self.fac.head_ma_ttdv,
            # the paper of a transfer out goes to XML13, not to this XML1 (popped by ``build``)
            "_so_chuyentuyen": plan.referral_book,
            "_giay_chuyen_tuyen_di": plan.referral_paper,
        }

    def _results(self, ma_lk: str, lines: list[dict], doctor: str) -> list[dict[str, str]]:
        rows = []
        for line in lines:
            if line["MA_NHOM"] == "1":
                value = f"{self.rng.uniform(3.5, 9.9):.1f}"
                rows.append(
                    {
                        "MA_DICH_VU": line["MA_DICH_VU"],
                        "MA_CHI_SO": line["MA_DICH_VU"][:50],
                        "TEN_CHI_SO": line["TEN_DICH_VU"][:255],
                        "GIA_TRI": value,
                        "DON_VI_DO": self.rng.choice(("mmol/L", "g/L", "G/L", "µmol/L")),
                        "NGAY_KQ": line["NGAY_KQ"],
                        "MA_BS_DOC_KQ": doctor,
                    }
                )
            else:
                rows.append(
                    {
                        "MA_DICH_VU": line["MA_DICH_VU"],
                        "TEN_CHI_SO": line["TEN_DICH_VU"][:255],
                        "MO_TA": "Hình ảnh trong giới hạn bình thường, không thấy tổn thương khu trú.",
                        "KET_LUAN": "Chưa phát hiện bất thường",
                        "NGAY_KQ": line["NGAY_KQ"],
                        "MA_BS_DOC_KQ": doctor,
                    }
                )
        for i, r in enumerate(rows, 1):
            r.update({"MA_LK": ma_lk, "STT": str(i)})
        return rows

    def _progress(self, ma_lk: str, start: datetime, end: datetime, profile: Profile) -> list[dict[str, str]]:
        rows, day, i = [], start, 1
        while day <= end and i <= 30:
            rows.append(
                {
                    "MA_LK": ma_lk,
                    "STT": str(i),
                    "DIEN_BIEN_LS": f"Bệnh nhân tỉnh, tiếp xúc tốt. CSST<M:{self.rng.randint(70, 95)};"
                    f"T:{self.rng.uniform(36.5, 38.2):.1f};HA:{self.rng.randint(100, 140)}/"
                    f"{self.rng.randint(60, 90)}>. {profile.name_vi}, đáp ứng điều trị.",
                    "THOI_DIEM_DBLS": ts(day),
                    "NGUOI_THUC_HIEN": self.rng.choice(self.doctors),
                }
            )
            day += timedelta(days=1)
            i += 1
        return rows

    def _discharge_paper(self, x1: dict, profile: Profile, doctor: str) -> dict[str, str]:
        return {
            "MA_LK": x1["MA_LK"],
            "SO_LUU_TRU": f"LT{x1['MA_HSBA']}",
            "MA_YTE": x1["MA_BN"],
            "MA_KHOA_RV": x1["MA_KHOA"],
            "NGAY_VAO": x1["NGAY_VAO"],
            "NGAY_RA": x1["NGAY_RA"],
            "CHAN_DOAN_RV": profile.name_vi,
            "PP_DIEUTRI": x1["PP_DIEU_TRI"],
            "GHI_CHU": "Nghỉ ngơi, ăn uống đầy đủ, tái khám khi có dấu hiệu bất thường",
            "MA_TTDV": x1["MA_TTDV"],
            "MA_BS": doctor,
            "TEN_BS": "Bác sĩ điều trị",
            "NGAY_CT": x1["NGAY_RA"][:8],
        }

    def _summary(self, x1: dict, profile: Profile) -> dict[str, str]:
        return {
            "MA_LK": x1["MA_LK"],
            "MA_LOAI_KCB": x1["MA_LOAI_KCB"],
            "NGAY_VAO": x1["NGAY_VAO"],
            "NGAY_RA": x1["NGAY_RA"],
            "CHAN_DOAN_VAO": x1["CHAN_DOAN_VAO"],
            "CHAN_DOAN_RV": profile.name_vi,
            "QT_BENHLY": f"Vào viện vì {x1['LY_DO_VV'].lower()}, chẩn đoán {profile.name_vi.lower()}.",
            "TOMTAT_KQ": "Các xét nghiệm và chẩn đoán hình ảnh phù hợp chẩn đoán.",
            "PP_DIEUTRI": x1["PP_DIEU_TRI"],
            "KET_QUA_DTRI": x1["KET_QUA_DTRI"],
            "MA_TTDV": x1["MA_TTDV"],
            "NGAY_CT": x1["NGAY_RA"][:8],
        }

    def _referral(self, x1: dict, doctor: str, paper: str, book: str) -> dict[str, str]:
        """XML13 of a transfer. MA_NOI_DI/MA_NOI_DEN copy Bảng 1 (QĐ 4750 text); the QĐ 3176 version has
        MA_CSKCB_DI (this facility) and MA_CSKCB_DEN (the receiving one) instead; the registry picks the
        version in force on the file's date and only that version's fields are written.
        """
        dest = x1["MA_NOI_DEN"]
        return {
            **{tag: x1[tag] for tag in COPIED_FROM_XML1 + COPIED_FROM_XML1_XML13},
            "SO_HOSO": f"HS{x1['MA_HSBA']}",
            "SO_CHUYENTUYEN": book,
            "GIAY_CHUYEN_TUYEN": paper,
            "MA_CSKCB": self.fac.macskcb,
            "MA_NOI_DI": x1["MA_NOI_DI"],
            "MA_NOI_DEN": x1["MA_NOI_DEN"],
            "MA_CSKCB_DI": self.fac.macskcb,
            "MA_CSKCB_DEN": dest,
            "DAU_HIEU_LS": "Mạch, huyết áp ổn định; cần điều trị chuyên sâu",
            "QT_BENHLY": "Diễn biến không thuận lợi dù đã điều trị",
            "TOMTAT_KQ": "Xem kết quả cận lâm sàng kèm theo",
            "PP_DIEUTRI": x1["PP_DIEU_TRI"],
            "TINH_TRANG_CT": "Người bệnh tỉnh, dấu hiệu sinh tồn ổn định",
            "MA_LOAI_RV": "2",
            "MA_LYDO_CT": "2",
            "HUONG_DIEU_TRI": "Tiếp tục điều trị tại tuyến trên",
            "PHUONGTIEN_VC": "Xe cứu thương",
            "HOTEN_NGUOI_HT": "Điều dưỡng trực",
            "CHUCDANH_NGUOI_HT": "Điều dưỡng",
            "MA_BAC_SI": doctor,
        }

    def _appointment(self, x1: dict, doctor: str) -> dict[str, str]:
        return {
            **{tag: x1[tag] for tag in COPIED_FROM_XML1 + ("MA_DOITUONG_KCB",)},
            "SO_GIAYHEN_KL": f"GH{x1['MA_HSBA']}",
            "MA_CSKCB": self.fac.macskcb,
            "NGAY_HEN_KL": x1["NGAY_TAI_KHAM"],  # yyyyMMdd since QĐ 4750
            "MA_BAC_SI": doctor,
            "NGAY_CT": x1["NGAY_RA"][:8],
        }
