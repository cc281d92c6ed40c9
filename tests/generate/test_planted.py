"""``--plant-identifiers``: names, phones, CCCD and card numbers written into clinical notes and unexpected
fields, without changing the claims or their money."""

from __future__ import annotations

import base64
import re

from lxml import etree

from pipelines.generate.landing import generate_landing
from pipelines.generate.planted import PLACES

PAYLOAD = re.compile(rb"<LOAIHOSO>(XML\d+)</LOAIHOSO>\s*<NOIDUNGFILE>([^<]*)</NOIDUNGFILE>")


def _tables(landing):
    """(file, LOAIHOSO, tag) → text, for every field of every inner table of every inbox file."""
    out = {}
    for path in sorted(landing.glob("*/inbox/*.xml")):
        for m in PAYLOAD.finditer(path.read_bytes()):
            doc = etree.fromstring(base64.b64decode(m.group(2)))
            for el in doc.iter():
                if len(el) == 0:
                    out[
                        (
                            path.name,
                            m.group(1).decode(),
                            el.tag,
                            el.getparent().index(el),
                            el.getparent().getparent().index(el.getparent())
                            if el.getparent().getparent() is not None
                            else 0,
                        )
                    ] = el.text or ""
    return out


def test_planting_writes_identifiers_into_free_text_and_changes_nothing_else(tmp_path):
    plain = _tables(generate_landing(tmp_path / "a", tmp_path / "ta", claims=12, seed=4) and tmp_path / "a")
    planted = _tables(
        generate_landing(tmp_path / "b", tmp_path / "tb", claims=12, seed=4, plant_identifiers=True)
        and tmp_path / "b"
    )
    assert plain.keys() - planted.keys() == set()
    changed = {(lh, tag) for key, text in planted.items() if plain.get(key) != text for lh, tag in [key[1:3]]}
    assert changed <= {(lh, tag) for lh, tag, _ in PLACES}
    assert {("XML1", "GHI_CHU"), ("XML1", "DU_PHONG"), ("XML3", "NGUOI_THUC_HIEN")} <= changed
    names = {text for key, text in plain.items() if key[1:3] == ("XML1", "HO_TEN")}
    notes = [text for key, text in planted.items() if key[1:3] in {(lh, tag) for lh, tag, _ in PLACES}]
    assert any(name in note for name in names for note in notes)
    assert any(re.search(r"\b0\d{3} \d{3} \d{3}\b", note) for note in notes)
    assert any(re.search(r"\b\d{12}\b", note) for note in notes)
    money = {k: v for k, v in plain.items() if k[2].startswith("T_")}
    assert money and all(planted[k] == v for k, v in money.items())
