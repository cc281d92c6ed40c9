"""Synthetic people: Vietnamese names, identity numbers and health-insurance cards in the real layouts.

Nothing here is a real person. Card numbers follow the 15-character layout of STANDARD.md §4.5
(group, benefit digit, province, 10-digit BHXH number); CCCD numbers follow the 12-digit layout of the
citizen identity card (3-digit province of birth, a century/sex digit, 2-digit year of birth, 6 digits).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime

FAMILY = (
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "Đinh",
    "Trương",
    "Lâm",
    "Mai",
    "Tạ",
    "Cao",
    "Lưu",
    "Châu",
)
FAMILY_WEIGHTS = (
    38,
    11,
    9.5,
    7,
    5,
    5,
    4.5,
    3.9,
    3.5,
    2.1,
    2,
    1.4,
    1.3,
    1.3,
    1,
    0.5,
    0.5,
    0.5,
    0.4,
    0.4,
    0.3,
    0.3,
    0.3,
    0.3,
)
MIDDLE_M = ("Văn", "Hữu", "Đức", "Minh", "Quốc", "Công", "Thanh", "Xuân", "Ngọc", "Gia")
MIDDLE_F = ("Thị", "Ngọc", "Thu", "Thanh", "Minh", "Kim", "Hồng", "Mỹ", "Phương", "Bảo")
GIVEN_M = (
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Đạt",
    "Hải",
    "Hiếu",
    "Hoàng",
    "Hùng",
    "Huy",
    "Khánh",
    "Khoa",
    "Long",
    "Nam",
    "Nghĩa",
    "Phúc",
    "Quang",
    "Sơn",
    "Tài",
    "Thắng",
    "Thịnh",
    "Toàn",
    "Trung",
    "Tuấn",
    "Việt",
    "Vinh",
    "Bảo",
    "Đông",
    "Lộc",
    "Phát",
)
GIVEN_F = (
    "Anh",
    "Chi",
    "Dung",
    "Giang",
    "Hà",
    "Hạnh",
    "Hằng",
    "Hiền",
    "Hoa",
    "Hương",
    "Lan",
    "Linh",
    "Loan",
    "Mai",
    "My",
    "Nga",
    "Ngân",
    "Nhung",
    "Oanh",
    "Phương",
    "Quỳnh",
    "Tâm",
    "Thảo",
    "Trang",
    "Tuyết",
    "Uyên",
    "Vân",
    "Vy",
    "Yến",
    "Xuân",
)
STREETS = (
    "Lê Lợi",
    "Trần Hưng Đạo",
    "Nguyễn Huệ",
    "Hai Bà Trưng",
    "Lý Thường Kiệt",
    "Phan Đình Phùng",
    "Quang Trung",
    "Nguyễn Trãi",
    "Điện Biên Phủ",
    "Hùng Vương",
    "Lê Duẩn",
    "Võ Thị Sáu",
    "Nguyễn Văn Cừ",
    "Cách Mạng Tháng Tám",
    "Bạch Đằng",
)
WARDS = (
    "Phường 1",
    "Phường 3",
    "Phường Bến Thành",
    "Phường Tân Định",
    "Xã Tân Phú",
    "Xã An Bình",
    "Phường Hòa Cường",
    "Phường Đông Hải",
    "Xã Phước Lộc",
    "Phường Trung Hòa",
)
ETHNIC_KINH = "01"


@dataclass(frozen=True)
class Card:
    """A BHYT card: `MA_THE_BHYT` = group (2) + benefit level (1) + province (2) + BHXH number (10)."""

    group: str
    benefit_level: int
    province: str
    bhxh_number: str
    registered_facility: str  # MA_DKBD
    valid_from: date
    valid_to: date

    @property
    def number(self) -> str:
        return f"{self.group}{self.benefit_level}{self.province}{self.bhxh_number}"


@dataclass(frozen=True)
class Person:
    ma_bn: str
    ho_ten: str
    gioi_tinh: str  # 1 male, 2 female
    ngay_sinh: date
    so_cccd: str
    dia_chi: str
    matinh: str  # 2-digit province code (card and address)
    dien_thoai: str
    ma_nghe_nghiep: str
    card: Card

    def age_on(self, day: date) -> int:
        return (
            day.year
            - self.ngay_sinh.year
            - ((day.month, day.day) < (self.ngay_sinh.month, self.ngay_sinh.day))
        )


def vietnamese_name(rng: random.Random, female: bool) -> str:
    family = rng.choices(FAMILY, weights=FAMILY_WEIGHTS)[0]
    middle = rng.choice(MIDDLE_F if female else MIDDLE_M)
    given = rng.choice(GIVEN_F if female else GIVEN_M)
    return f"{family} {middle} {given}"


def cccd_number(rng: random.Random, province_code: str, born: date, female: bool) -> str:
    """12 digits: 0 + province (2 of the 3-digit code), century/sex digit, yy, 6 random digits."""
    century = (born.year // 100) - 19  # 0 for 1900s, 1 for 2000s
    century_sex = century * 2 + (1 if female else 0)
    return f"0{province_code}{century_sex}{born.year % 100:02d}{rng.randrange(10**6):06d}"


def make_person(
    rng: random.Random,
    *,
    ma_bn: str,
    province: str,
    registered_facility: str,
    card_groups: list[tuple[str, int]],
    on: date,
    age_range: tuple[int, int] = (0, 90),
    female: bool | None = None,
) -> Person:
    """One patient, with a card valid on ``on`` whose benefit digit matches its group."""
    female = rng.random() < 0.52 if female is None else female
    age = rng.randint(*age_range)
    born = date(on.year - age - 1, rng.randint(1, 12), rng.randint(1, 28))
    if (born.month, born.day) > (on.month, on.day):
        born = date(born.year + 1, born.month, born.day)
    group, level = rng.choice(card_groups)
    if age < 6:
        group, level = "TE", 1  # children under 6 hold TE cards at benefit level 1
    card = Card(
        group=group,
        benefit_level=level,
        province=province,
        bhxh_number=f"{province}{rng.randrange(10**8):08d}",
        registered_facility=registered_facility,
        # valid from 1 January (of the previous year in January, so that a stay begun in December is covered)
        valid_from=date(on.year if on.month > 1 else on.year - 1, 1, 1),
        valid_to=date(on.year, 12, 31),
    )
    street_no = rng.randint(1, 350)
    return Person(
        ma_bn=ma_bn,
        ho_ten=vietnamese_name(rng, female),
        gioi_tinh="2" if female else "1",
        ngay_sinh=born,
        so_cccd=cccd_number(rng, f"{province}", born, female),
        dia_chi=f"Số {street_no} {rng.choice(STREETS)}, {rng.choice(WARDS)}",
        matinh=province,
        dien_thoai=f"09{rng.randrange(10**8):08d}",
        ma_nghe_nghiep=rng.choice(("00000", "01111", "25120", "52230", "61130", "92110")),
        card=card,
    )


def ngay_sinh_field(person: Person) -> str:
    """NGAY_SINH as the standard writes it: yyyyMMddHHmm with HHmm = 0000 unless a newborn."""
    return datetime(person.ngay_sinh.year, person.ngay_sinh.month, person.ngay_sinh.day).strftime(
        "%Y%m%d%H%M"
    )
