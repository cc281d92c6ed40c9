"""Stand-alone XML12 messages of the generator (``--shapes real``, the demo): one per facility, signed by the
facility, the records of people of the pool, the same bytes for the same seed."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from pipelines.generate.assessments import write_assessment_messages
from pipelines.generate.writer import LandingWriter


def night(root: Path) -> tuple[LandingWriter, list]:
    w = LandingWriter(root / "landing", root / "trust", 2, 3, "2026-10")
    w._patient_pool(6)
    return w, write_assessment_messages(w)


def test_one_signed_message_per_facility_of_the_pool_s_people_the_same_for_a_seed(tmp_path):
    w, entries = night(tmp_path / "a")
    assert [e.macskcb for e in entries] == [f.macskcb for f in w.facilities]
    names = {p.ho_ten for p in w.people}
    for e in entries:
        assert e.kind == "message" and e.expected_status == "accepted" and e.claims == []
        root = etree.fromstring((w.landing / e.path).read_bytes())
        assert root.tag == "CHI_TIEU_GIAM_DINH_YKHOA" and root[-1].tag == "CHUKYDONVI" and len(root[-1]) == 1
        records = root.findall("DSACH_GIAM_DINH_YKHOA/GIAM_DINH_YKHOA")
        assert 1 <= len(records) <= 3 and {r.findtext("HO_TEN") for r in records} <= names
        assert all(r.find("MA_LK") is None for r in records)  # tied to no claim
    _, again = night(tmp_path / "b")
    assert [(tmp_path / "b" / "landing" / e.path).read_bytes() for e in again] == [
        (w.landing / e.path).read_bytes() for e in entries
    ]
