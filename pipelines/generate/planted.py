"""Identifiers planted in free text (``bhyt-etl generate --plant-identifiers``), as clinicians and clerks
write them: the patient's name (as written, in capitals, without diacritics), a relative's name, phone
numbers with spaces or dots, the CCCD and the card number, in clinical notes (XML5 ``DIEN_BIEN_LS``, XML8
``QT_BENHLY``/``TOMTAT_KQ``, XML7 and XML1 ``GHI_CHU``) and in fields where nobody expects them (XML1
``LY_DO_VV`` and ``DU_PHONG``, XML2 ``LIEU_DUNG``, XML3 ``NGUOI_THUC_HIEN``, XML4 ``KET_LUAN``). The
analytics copy must show none of them (tests/security/test_confidentiality.py).

Each episode gets its own :class:`random.Random` from its MA_LK, so planting never changes what the rest of
the generator draws: a night with and without planting has the same claims and money.
"""

from __future__ import annotations

import random
import unicodedata

from pipelines.generate.claims import Episode
from pipelines.generate.people import FAMILY, GIVEN_F, GIVEN_M, MIDDLE_F, Person

#: (LOAIHOSO, TAG, which row) where a planted sentence goes: clinical notes first, then unexpected fields
PLACES = (
    ("XML5", "DIEN_BIEN_LS", 0),
    ("XML8", "QT_BENHLY", 0),
    ("XML8", "TOMTAT_KQ", 0),
    ("XML7", "GHI_CHU", 0),
    ("XML1", "GHI_CHU", 0),
    ("XML1", "LY_DO_VV", 0),
    ("XML1", "DU_PHONG", 0),
    ("XML2", "LIEU_DUNG", 0),
    ("XML3", "NGUOI_THUC_HIEN", 0),
    ("XML4", "KET_LUAN", 0),
)


def unaccented(text: str) -> str:
    out = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return out.replace("Đ", "D").replace("đ", "d")


def _spaced(phone: str) -> str:
    return f"{phone[:4]} {phone[4:7]} {phone[7:]}" if len(phone) == 10 else phone


def _dotted(phone: str) -> str:
    return f"{phone[:4]}.{phone[4:7]}.{phone[7:]}" if len(phone) == 10 else phone


def sentences(person: Person, rng: random.Random) -> list[str]:
    """What a clinician or clerk writes about this patient, with identifiers in it."""
    relative = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE_F)} {rng.choice(GIVEN_F + GIVEN_M)}"
    card = person.card.number.split(";")[0]
    return [
        f"Người nhà {relative} (con gái), SĐT {_spaced(person.dien_thoai)}; báo BN {person.ho_ten} tái khám.",
        f"BN {person.ho_ten.upper()}, CCCD {person.so_cccd}, liên hệ {_dotted(person.dien_thoai)}.",
        f"Thẻ {card} của {unaccented(person.ho_ten)}, gọi {person.dien_thoai} khi có kết quả.",
        f"Đã giải thích cho bệnh nhân {person.ho_ten} và gia đình; thẻ BHYT {card.lower()}.",
    ]


def plant_identifiers(ep: Episode, person: Person) -> int:
    """Write identifier-bearing sentences into the episode's free text; returns how many fields got one."""
    rng = random.Random(f"plant/{ep.ma_lk}")
    said = sentences(person, rng)
    planted = 0
    for i, (loaihoso, tag, row) in enumerate(PLACES):
        rows = ep.tables.get(loaihoso) or []
        if len(rows) <= row:
            continue
        before = rows[row].get(tag, "")
        text = said[i % len(said)]
        rows[row][tag] = f"{before} {text}".strip() if before else text
        planted += 1
    return planted
