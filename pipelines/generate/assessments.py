"""Stand-alone XML12 messages (medical assessment, giám định y khoa): ``CHI_TIEU_GIAM_DINH_YKHOA``
with its own ``CHUKYDONVI``, tied to no claim (STANDARD.md XML12; docs/conformance.md).
``bhyt-etl generate --shapes real`` and the demo write one per facility, for people of the generated pool,
signed by the facility's certificate; each is expected ``accepted`` and its records go to
``core.xml12_messages``.

A random generator of its own, used after every other file is written, so the other files of a seed stay the
same with or without these.
"""

from __future__ import annotations

import random
from datetime import timedelta

from pipelines.generate.envelope import message_document
from pipelines.generate.signing import sign_signxml
from pipelines.generate.writer import LandingWriter, ManifestEntry

#: MA_DOI_TUONG of the assessed (QĐ 4750 Bảng 12): occupational disease, work accident, disability
SUBJECTS = ("BNN", "TNLD", "NKT")


def assessment_rows(writer: LandingWriter, rng: random.Random, n: int) -> list[dict[str, str]]:
    """``n`` assessment records of people of the writer's pool (name, birth date, CCCD, address, card)."""
    rows = []
    for _ in range(n):
        person = writer.people[rng.randrange(len(writer.people))]
        meeting = writer.first_day + timedelta(days=rng.randrange(writer.days_in_month))
        old = rng.choice(("", "11", "21"))
        new = rng.randint(5, 61)
        rows.append(
            {
                "NGUOI_CHU_TRI": "Trần Văn Chủ Trì",
                "CHUC_VU": "1",
                "NGAY_HOP": f"{meeting:%Y%m%d}",
                "HO_TEN": person.ho_ten,
                "NGAY_SINH": f"{person.ngay_sinh:%Y%m%d}",
                "SO_CCCD": person.so_cccd,
                "DIA_CHI": person.dia_chi,
                "MATINH_CU_TRU": person.matinh,
                "MA_BHXH": person.card.bhxh_number,
                "MA_THE_BHYT": person.card.number,
                "DIEN_THOAI": person.dien_thoai,
                "MA_DOI_TUONG": rng.choice(SUBJECTS),
                "KHAM_GIAM_DINH": str(rng.randint(1, 5)),
                "SO_BIEN_BAN": f"{rng.randint(1, 999)}/BB-HDGDYK",
                "TYLE_TTCT_CU": old,
                "NGAY_CHUNG_TU": f"{meeting:%Y%m%d}",
                "TYLE_TTCT_MOI": str(new),
                "TONG_TYLE_TTCT": str(min(100, new + int(old or 0))),
                "KET_QUA_KHAM": "Tổn thương cơ thể do bệnh nghề nghiệp",
            }
        )
    return rows


def write_assessment_messages(writer: LandingWriter) -> list[ManifestEntry]:
    """One signed XML12 message per facility, of 1 to 3 records; their manifest entries."""
    rng = random.Random(writer.seed * 7919 + 12)
    spec = writer.registry.latest("XML12")
    entries = []
    for fac in writer.facilities:
        rows = assessment_rows(writer, rng, rng.randint(1, 3))
        data = sign_signxml(message_document(spec, rows), writer.pki.facility[fac.macskcb])
        name = f"{fac.macskcb}_GDYK_{writer.period.replace('-', '')}_{len(rows)}.xml"
        entry = ManifestEntry(
            path=writer.write(fac.macskcb, name, data),
            macskcb=fac.macskcb,
            kind="message",
            expected_status="accepted",
            description=f"{len(rows)} medical-assessment records (XML12) in their own signed message",
            signature_shape="signxml",
        )
        writer.entries.append(entry)
        entries.append(entry)
    return entries
