"""The reviewer's catalogues of the generated facilities, and claims that break them.

``write_reviewer_catalogs`` writes, for a generated night, the lists a provincial office holds (issue 14): per
facility its approved drugs, service prices, supplies, registered staff, departments and beds, machines, and
the national facility list, in the BHXH portal template layouts that ``bhyt-etl catalog load`` reads
(``data/catalogs/README.md``), with ``catalogs.json`` saying which file is which kind and facility. They agree
with what the builders put in the claims: a clean claim breaks none of them.

``write_catalog_violations`` writes claims that each break one catalogue rule on one line (a price above the
approved one, a drug or supply not on the list, an unregistered practitioner or machine), the line amounts and
the claim totals recomputed so that no formula rule fires; the manifest's ``catalog_violations`` says which
claim must get which finding.

Kept apart from ``catalogs`` (which reads ``data/catalogs`` for the writer, and which the writer imports)
because it needs the writer's facilities, builders and people.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from pipelines.generate.claims import (
    DEPARTMENTS,
    SURGERY_DEPT,
    Episode,
    finish_line,
    fmt_money,
    header_totals,
)
from pipelines.generate.writer import LandingWriter

#: the day the generated lists apply from (every generated claim is later)
TU_NGAY = "01/01/2025"
#: a practitioner code on no list, and a machine serial no facility registers
UNREGISTERED_STAFF = "000000/XX-CCHN"


@dataclass(frozen=True)
class CatalogFile:
    kind: str
    facility: str | None
    file: str


def _write(path: Path, header: list[str], rows: list[list[Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)


def machines(macskcb: str) -> list[str]:
    """The MA_MAY codes the builder of ``macskcb`` writes (``claims.EpisodeBuilder._service_line``)."""
    return [f"XQ.1.{macskcb}.{n}" for n in (1, 2, 3)]


def write_reviewer_catalogs(writer: LandingWriter, folder: Path) -> list[CatalogFile]:
    """Write the catalogues of ``writer``'s facilities into ``folder`` (and ``catalogs.json``)."""
    folder.mkdir(parents=True, exist_ok=True)
    out: list[CatalogFile] = []
    cat = writer.catalogs

    def put(kind: str, facility: str | None, name: str, header: list[str], rows: list[list[Any]]) -> None:
        _write(folder / name, header, rows)
        out.append(CatalogFile(kind, facility, name))

    for fac in writer.facilities:
        mac = fac.macskcb
        builder = writer.builders[mac]
        put(
            "drugs",
            mac,
            f"drugs_{mac}.csv",
            [
                "STT",
                "MA_THUOC",
                "TEN_THUOC",
                "DON_VI_TINH",
                "HAM_LUONG",
                "MA_DUONG_DUNG",
                "DANG_BAO_CHE",
                "SO_DANG_KY",
                "DON_GIA",
                "DON_GIA_BH",
                "TT_THAU",
                "TU_NGAY",
                "DEN_NGAY",
                "MA_CSKCB",
            ],
            [
                [
                    i,
                    d["ma_thuoc"],
                    d["ten_thuoc"],
                    d["don_vi_tinh"],
                    d["ham_luong"],
                    d["duong_dung"],
                    d["dang_bao_che"],
                    d["so_dang_ky"],
                    d["don_gia"],
                    d["don_gia"],
                    d["tt_thau"],
                    TU_NGAY,
                    "",
                    mac,
                ]
                for i, d in enumerate(cat.drugs, 1)
            ],
        )
        put(
            "services",
            mac,
            f"services_{mac}.csv",
            ["STT", "MA_TUONG_DUONG", "TEN_DVKT_PHEDUYET", "DON_GIA", "QUYET_DINH", "TUNGAY", "DENNGAY"],
            [
                [
                    i,
                    s["ma_dich_vu"],
                    s["ten_dich_vu"],
                    s["don_gia"],
                    "QĐ phê duyệt giá (minh họa)",
                    "20250101",
                    "",
                ]
                for i, s in enumerate(cat.services, 1)
            ],
        )
        put(
            "supplies",
            mac,
            f"supplies_{mac}.csv",
            ["STT", "MA_VAT_TU", "TEN_VAT_TU", "DON_VI_TINH", "DON_GIA", "DON_GIA_BH", "TT_THAU", "TU_NGAY"],
            [
                [
                    i,
                    s["ma_vat_tu"],
                    s["ten_vat_tu"],
                    s["don_vi_tinh"],
                    s["don_gia"],
                    s["don_gia"],
                    s["tt_thau"],
                    TU_NGAY,
                ]
                for i, s in enumerate(cat.supplies, 1)
            ],
        )
        staff = sorted(set(builder.doctors) | set(builder.nurses))
        rows: list[list[Any]] = [
            [i, "K01", f"{fac.province}{i:08d}", f"Nhân viên {i}", code, "20150101", ""]
            for i, code in enumerate(staff, 1)
        ]
        rows.append(
            [
                len(rows) + 1,
                "K01",
                fac.head_ma_ttdv,
                "Giám đốc",
                f"{int(fac.head_ma_ttdv[-6:]):06d}/GD-CCHN",
                "20150101",
                "",
            ]
        )
        put(
            "staff",
            mac,
            f"staff_{mac}.csv",
            ["STT", "MA_KHOA", "MA_BHXH", "HO_TEN", "MACCHN", "TU_NGAY", "DEN_NGAY"],
            rows,
        )
        wards = sorted({*DEPARTMENTS.values(), SURGERY_DEPT})
        put(
            "beds",
            mac,
            f"beds_{mac}.csv",
            ["STT", "MA_KHOA", "TEN_KHOA", "GIUONG_PD"],
            [[i, w, f"Khoa {w}", 0 if w == "K01" else 40] for i, w in enumerate(wards, 1)],
        )
        put(
            "equipment",
            mac,
            f"equipment_{mac}.csv",
            ["STT", "TEN_TB", "MA_MAY", "TU_NGAY"],
            [[i, f"Máy X-quang {i}", m, "20150101"] for i, m in enumerate(machines(mac), 1)],
        )
    codes = {f.macskcb for f in writer.facilities} | {p.card.registered_facility for p in writer.people}
    put(
        "facilities",
        None,
        "facilities.csv",
        ["STT", "Mã", "Tên", "Tuyến CMKT", "Hạng bệnh viện", "Địa chỉ"],
        [[i, c, f"Cơ sở KCB {c}", "", "", ""] for i, c in enumerate(sorted(codes), 1)],
    )
    (folder / "catalogs.json").write_text(
        json.dumps([f.__dict__ for f in out], ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    return out


def read_index(folder: Path) -> list[CatalogFile]:
    """The files ``write_reviewer_catalogs`` wrote (``catalogs.json``)."""
    return [CatalogFile(**e) for e in json.loads((folder / "catalogs.json").read_text(encoding="utf-8"))]


# -- violations ---------------------------------------------------------------------------------------------
def _refinish(ep: Episode) -> None:
    """Line amounts and claim totals again after a line changed (no formula rule may fire)."""
    for loaihoso in ("XML2", "XML3"):
        for row in ep.tables.get(loaihoso, []):
            finish_line(row, loaihoso, Decimal(row["MUC_HUONG"]))
    ep.xml1.update(header_totals(ep.tables.get("XML2", []), ep.tables.get("XML3", [])))


def _first(rows: list[dict[str, str]], test: Any) -> dict[str, str] | None:
    return next((r for r in rows if test(r)), None)


#: kind -> (rule that must find it, table, which line, how to break it)
VIOLATIONS: dict[str, tuple[str, str, Any, Any]] = {
    "drug_price_above_approved": (
        "BIZ.XML2.DRUG_PRICE_ABOVE_APPROVED",
        "XML2",
        lambda r: r["MA_NHOM"] == "4" and Decimal(r["DON_GIA"]) >= 1000,
        lambda r, _: r.update(DON_GIA=fmt_money(Decimal(r["DON_GIA"]) * Decimal("1.25"))),
    ),
    "drug_not_in_list": (
        "BIZ.XML2.DRUG_NOT_IN_LIST",
        "XML2",
        lambda r: r["MA_NHOM"] == "4",
        lambda r, _: r.update(MA_THUOC="40.9998"),
    ),
    "service_price_above_tariff": (
        "BIZ.XML3.DON_GIA_BH_ABOVE_TARIFF",
        "XML3",
        lambda r: r["MA_NHOM"] == "1",
        lambda r, _: r.update(
            DON_GIA_BH=fmt_money(Decimal(r["DON_GIA_BH"]) * Decimal("1.4")),
            DON_GIA_BV=fmt_money(Decimal(r["DON_GIA_BV"]) * Decimal("1.4")),
        ),
    ),
    "doctor_not_registered": (
        "BIZ.XML2.MA_BAC_SI_NOT_REGISTERED",
        "XML2",
        lambda r: True,
        lambda r, _: r.update(MA_BAC_SI=UNREGISTERED_STAFF),
    ),
    "performer_not_registered": (
        "BIZ.XML3.NGUOI_THUC_HIEN_NOT_REGISTERED",
        "XML3",
        lambda r: r["MA_NHOM"] == "1" and r.get("NGUOI_THUC_HIEN"),
        lambda r, _: r.update(NGUOI_THUC_HIEN=UNREGISTERED_STAFF),
    ),
    "machine_not_registered": (
        "BIZ.XML3.MA_MAY_NOT_REGISTERED",
        "XML3",
        lambda r: bool(r.get("MA_MAY")),
        lambda r, _: r.update(MA_MAY=r["MA_MAY"].rsplit(".", 1)[0] + ".9"),
    ),
    "doctor_of_other_facility": (
        "BIZ.XML3.STAFF_OF_OTHER_FACILITY",
        "XML3",
        lambda r: r["MA_NHOM"] == "1",
        lambda r, elsewhere: r.update(MA_BAC_SI=elsewhere),
    ),
}


def write_catalog_violations(writer: LandingWriter) -> list[dict[str, Any]]:
    """One claim per kind of :data:`VIOLATIONS` (the facilities in turn), each breaking its rule on one line;
    returns the manifest entries ``{"kind", "rule_code", "macskcb", "ma_lk", "loaihoso", "stt"}``."""
    out = []
    for n, (kind, (rule_code, table, pick, breaks)) in enumerate(VIOLATIONS.items()):
        fac = writer.facilities[n % len(writer.facilities)]
        for _ in range(50):  # an episode with a line of the right kind (most have one)
            ep = writer.episode(fac)
            row = _first(ep.tables.get(table, []), pick)
            if row is not None:
                break
        else:
            continue
        elsewhere = writer.builders[writer.facilities[(n + 1) % len(writer.facilities)].macskcb].doctors[0]
        breaks(row, elsewhere)
        _refinish(ep)
        writer.write_claims(fac, [ep])
        out.append(
            {
                "kind": kind,
                "rule_code": rule_code,
                "macskcb": fac.macskcb,
                "ma_lk": ep.ma_lk,
                "loaihoso": table,
                "stt": row["STT"],
            }
        )
    return out
