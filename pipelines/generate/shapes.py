"""Real exporters' shapes (``bhyt-etl generate --shapes real``, the demo): files written the ways hospital
systems write them, each carrying the same data as the standard's shape (docs/conformance.md).

Each shape is an edit of the inner documents before signing, with the conformance codes (STD.*) the receipt
will carry; a file gets none, one or several, chosen by a random generator of its own so that the standard
files of a seed stay the same with or without ``--shapes real``:

- ``decimals``: money, unit prices and quantities printed with 4 decimals (``25900.0000``), as exporters built
  on database decimal types print them: STD.DECIMALS;
- ``certificate``: XML1 MA_TTDV as a practice-certificate code (``001234/HCM-CCHN``): STD.LENGTH;
- ``appointment_12``: XML14 NGAY_HEN_KL as the QĐ 130 timestamp ``yyyyMMddHHmm``: STD.FORMAT;
- ``xml13_qd130``: XML13 in the QĐ 130 shape (MA_NOI_DI, MA_NOI_DEN, PP_DIEU_TRI) on a file of a date when
  QĐ 3176 is in force: STD.SHAPE;
- ``order``: XML1 with MA_LK written last: STD.ORDER;
- ``bom``: inner documents starting with a UTF-8 byte-order mark and ``encoding="UTF-8"``: no code;
- ``xml12``: an XML12 (medical assessment) inside GIAMDINHHS, in our root or the flat root public model
  classes use (``CHI_TIEU_DU_LIEU_GIAM_DINH_YKHOA``): no code.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass

from pipelines.generate.claims import Episode
from pipelines.standard import Registry

Mutate = Callable[[str, bytes], bytes]
SHAPES = ("decimals", "certificate", "appointment_12", "xml13_qd130", "order", "bom", "xml12")
BOM = b"\xef\xbb\xbf"
QD130_NAMES = (("MA_CSKCB_DI", "MA_NOI_DI"), ("MA_CSKCB_DEN", "MA_NOI_DEN"), ("TINH_TRANG_CT", "PP_DIEU_TRI"))
FLAT_XML12 = "CHI_TIEU_DU_LIEU_GIAM_DINH_YKHOA"


@dataclass
class RealShapes:
    """Chooses and applies real exporters' shapes, file by file."""

    registry: Registry
    seed: int
    share: float = 0.5  # of the files that get at least one shape

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed * 7919 + 130)
        self._decimal_tags: dict[str, frozenset[str]] = {}

    def _decimals(self, lh: str) -> frozenset[str]:
        tags = self._decimal_tags.get(lh)
        if tags is None:
            numbers = ("Money", "UnitPrice", "Quantity")
            fields = self.registry.latest(lh).fields
            tags = self._decimal_tags[lh] = frozenset(
                f.tag for f in fields if f.std_decimals is not None and f.xsd_type in numbers
            )
        return tags

    def choose(self, episodes: list[Episode]) -> tuple[Mutate | None, list[str]]:
        """The edit of one file's inner documents and the codes its receipt will carry (None: as standard)."""
        if self.rng.random() >= self.share:
            return None, []
        tables = {lh for ep in episodes for lh in ep.tables}
        possible = [s for s in SHAPES if self._applies(s, tables)]
        chosen = self.rng.sample(possible, k=min(len(possible), self.rng.randint(1, 3)))
        codes: set[str] = set()
        edits: list[Mutate] = []
        for shape in chosen:
            edit, code = self._shape(shape, episodes)
            edits.append(edit)
            if code:
                codes.add(code)

        def mutate(lh: str, doc: bytes) -> bytes:
            for edit in edits:
                doc = edit(lh, doc)
            return doc

        return mutate, sorted(codes)

    @staticmethod
    def _applies(shape: str, tables: set[str]) -> bool:
        need = {"appointment_12": "XML14", "xml13_qd130": "XML13", "decimals": "XML2"}.get(shape)
        return need is None or need in tables

    def _shape(self, shape: str, episodes: list[Episode]) -> tuple[Mutate, str | None]:
        if shape == "decimals":
            return self._four_decimals, "STD.DECIMALS"
        if shape == "certificate":
            code = f"{self.rng.randint(1, 999999):06d}/{self.rng.choice(('HCM', 'HNO', 'DNA', 'BYT'))}-CCHN"
            return _set("XML1", "MA_TTDV", code), "STD.LENGTH"
        if shape == "appointment_12":
            return _appointment_12, "STD.FORMAT"
        if shape == "xml13_qd130":
            return _qd130, "STD.SHAPE"
        if shape == "order":
            return _ma_lk_last, "STD.ORDER"
        if shape == "bom":
            return _bom, None
        flat = self.rng.random() < 0.5
        for ep in episodes:
            ep.tables["XML12"] = [
                {
                    "NGUOI_CHU_TRI": "Trần Văn Chủ Trì",
                    "CHUC_VU": "1",
                    "NGAY_HOP": ep.xml1["NGAY_RA"][:8],
                    "SO_BIEN_BAN": f"BB{ep.xml1['MA_HSBA']}",
                    "KHAM_GIAM_DINH": "1",
                    "TYLE_TTCT_MOI": "21",
                    "TONG_TYLE_TTCT": "21",
                }
            ]
        return (_flat_xml12 if flat else _unchanged), None

    def _four_decimals(self, lh: str, doc: bytes) -> bytes:
        tags = self._decimals(lh)
        if not tags:
            return doc

        def pad(m: re.Match[bytes]) -> bytes:
            whole, _, frac = m.group(2).partition(b".")
            return b"<%s>%s.%s</%s>" % (m.group(1), whole, frac.ljust(4, b"0"), m.group(1))

        names = b"|".join(t.encode() for t in sorted(tags))
        pattern = rb"<(" + names + rb")>(-?[0-9]+(?:\.[0-9]{1,3})?)</\1>"
        return re.sub(pattern, pad, doc)


def _set(lh: str, tag: str, value: str) -> Mutate:
    def edit(table: str, doc: bytes) -> bytes:
        if table != lh:
            return doc
        element = rf"<{tag}>[^<]*</{tag}>|<{tag} ?/>".encode()
        return re.sub(element, f"<{tag}>{value}</{tag}>".encode(), doc, count=1)

    return edit


def _appointment_12(table: str, doc: bytes) -> bytes:
    if table != "XML14":
        return doc
    return re.sub(rb"<NGAY_HEN_KL>([0-9]{8})</NGAY_HEN_KL>", rb"<NGAY_HEN_KL>\g<1>0800</NGAY_HEN_KL>", doc)


def _qd130(table: str, doc: bytes) -> bytes:
    if table != "XML13":
        return doc
    for new, old in QD130_NAMES:
        for a, b in ((f"<{new}>", f"<{old}>"), (f"</{new}>", f"</{old}>"), (f"<{new}/>", f"<{old}/>"),
                     (f"<{new} />", f"<{old} />")):
            doc = doc.replace(a.encode(), b.encode())
    return doc


def _ma_lk_last(table: str, doc: bytes) -> bytes:
    if table != "XML1":
        return doc
    m = re.search(rb"<MA_LK>[^<]*</MA_LK>", doc)
    if m is None:
        return doc
    doc = doc[: m.start()] + doc[m.end() :]
    return doc.replace(b"</TONG_HOP>", m.group(0) + b"</TONG_HOP>", 1)


def _bom(table: str, doc: bytes) -> bytes:
    if not doc.startswith(b"<?xml"):
        return doc
    return BOM + b'<?xml version="1.0" encoding="UTF-8"?>' + doc[doc.index(b"?>") + 2 :]


def _unchanged(table: str, doc: bytes) -> bytes:
    return doc


def _flat_xml12(table: str, doc: bytes) -> bytes:
    if table != "XML12":
        return doc
    m = re.search(rb"<GIAM_DINH_YKHOA>(.*)</GIAM_DINH_YKHOA>", doc, re.S)
    if m is None:
        return doc
    root = FLAT_XML12.encode()
    return b'<?xml version="1.0" encoding="utf-8"?><' + root + b">" + m.group(1) + b"</" + root + b">"
