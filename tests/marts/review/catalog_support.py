"""The reviewer's catalogues for a warehouse of clean generated claims.

What each facility's claims use, written in the BHXH portal template layouts (``data/catalogs/README.md``)
and loaded into a lake by the real loader (``pipelines.reference.store.load_catalog``). A clean claim then
matches its facility's lists; a case of a catalogue rule breaks that on one line."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import duckdb

from pipelines.reference.store import load_catalog

#: the day the lists apply from (before every generated claim)
TU_NGAY = "01/01/2025"
#: the last day of the machines' joint-venture contracts (``HD_DEN``), after every generated claim
HD_DEN = "31/12/2030"
#: YHCT codes of the national list (illustrative shape; none is used by the clean claims)
YHCT = [("U50.001", "Cảm mạo phong hàn", "J00"), ("U62.082", "Yêu thống", "M54.5")]


def _codes(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def _split(table: str, column: str, mac: str) -> str:
    return (
        f"SELECT DISTINCT trim(unnest(string_split({column}, ';'))) AS code FROM core.{table} "  # noqa: S608
        f"WHERE macskcb = '{mac}' AND nullif(trim({column}), '') IS NOT NULL"
    )


def _write(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def write_catalogs(con: duckdb.DuckDBPyConnection, folder: Path) -> dict[str, list[tuple[str | None, Path]]]:
    """The CSV files of every kind, per facility for facility lists: {kind: [(facility or None, path)]}."""
    folder.mkdir(parents=True, exist_ok=True)
    out: dict[str, list[tuple[str | None, Path]]] = {}
    facilities = [m for (m,) in _codes(con, "SELECT DISTINCT macskcb FROM core.xml1 ORDER BY 1")]
    for mac in facilities:
        drugs = _codes(
            con,
            "SELECT ma_thuoc, any_value(ten_thuoc), any_value(don_vi_tinh), ham_luong, "
            "any_value(duong_dung), so_dang_ky, max(don_gia), tt_thau FROM core.xml2 "  # noqa: S608
            f"WHERE macskcb = '{mac}' GROUP BY ma_thuoc, ham_luong, so_dang_ky, tt_thau ORDER BY 1",
        )
        out.setdefault("drugs", []).append(
            (
                mac,
                _write(
                    folder / f"drugs_{mac}.csv",
                    [
                        "STT",
                        "MA_THUOC",
                        "TEN_THUOC",
                        "DON_VI_TINH",
                        "HAM_LUONG",
                        "MA_DUONG_DUNG",
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
                            d[0],
                            d[1],
                            d[2],
                            d[3],
                            d[4],
                            d[5] or "",
                            d[6],
                            d[6],
                            d[7] or "",
                            TU_NGAY,
                            "",
                            mac,
                        ]
                        for i, d in enumerate(drugs, 1)
                    ],
                ),
            )
        )
        services = _codes(
            con,
            "SELECT ma_dich_vu, any_value(ten_dich_vu), max(don_gia_bh) FROM core.xml3 "  # noqa: S608
            f"WHERE macskcb = '{mac}' AND ma_vat_tu IS NULL AND ma_dich_vu IS NOT NULL GROUP BY 1 ORDER BY 1",
        )
        out.setdefault("services", []).append(
            (
                mac,
                _write(
                    folder / f"services_{mac}.csv",
                    [
                        "STT",
                        "MA_TUONG_DUONG",
                        "TEN_DVKT_PHEDUYET",
                        "DON_GIA",
                        "QUYET_DINH",
                        "TUNGAY",
                        "DENNGAY",
                    ],
                    [[i, s[0], s[1], s[2], "QĐ giá", "20250101", ""] for i, s in enumerate(services, 1)],
                ),
            )
        )
        supplies = _codes(
            con,
            "SELECT ma_vat_tu, any_value(ten_vat_tu), tt_thau, max(don_gia_bh) FROM core.xml3 "  # noqa: S608
            f"WHERE macskcb = '{mac}' AND ma_vat_tu IS NOT NULL GROUP BY ma_vat_tu, tt_thau ORDER BY 1",
        )
        out.setdefault("supplies", []).append(
            (
                mac,
                _write(
                    folder / f"supplies_{mac}.csv",
                    ["STT", "MA_VAT_TU", "TEN_VAT_TU", "DON_GIA", "DON_GIA_BH", "TT_THAU", "TU_NGAY"],
                    [[i, s[0], s[1], s[3], s[3], s[2], TU_NGAY] for i, s in enumerate(supplies, 1)],
                ),
            )
        )
        staff_sql = " UNION ".join(
            _split(t, c, mac)
            for t, c in (
                ("xml2", "ma_bac_si"),
                ("xml3", "ma_bac_si"),
                ("xml3", "nguoi_thuc_hien"),
                ("xml4", "ma_bs_doc_kq"),
                ("xml5", "nguoi_thuc_hien"),
                ("xml7", "ma_bs"),
                ("xml13", "ma_bac_si"),
                ("xml14", "ma_bac_si"),
            )
        )
        heads = [
            c
            for (c,) in _codes(
                con,
                " UNION ".join(_split(t, "ma_ttdv", mac) for t in ("xml1", "xml7", "xml8", "xml13", "xml14")),
            )
        ]
        staff = [c for (c,) in _codes(con, f"SELECT code FROM ({staff_sql}) ORDER BY 1")]  # noqa: S608
        rows = [
            [i, "K01", f"{i:010d}", f"Nhân viên {i}", code, "20150101"] for i, code in enumerate(staff, 1)
        ]
        rows += [
            [len(rows) + i, "K01", h, f"Giám đốc {i}", f"{900000 + i:06d}/GD-CCHN", "20150101"]
            for i, h in enumerate(heads, 1)
        ]
        out.setdefault("staff", []).append(
            (
                mac,
                _write(
                    folder / f"staff_{mac}.csv",
                    ["STT", "MA_KHOA", "MA_BHXH", "HO_TEN", "MACCHN", "TU_NGAY"],
                    rows,
                ),
            )
        )
        wards = [
            w
            for (w,) in _codes(
                con, f"{_split('xml3', 'ma_khoa', mac)} UNION {_split('xml2', 'ma_khoa', mac)} ORDER BY 1"
            )
        ]
        out.setdefault("beds", []).append(
            (
                mac,
                _write(
                    folder / f"beds_{mac}.csv",
                    ["STT", "MA_KHOA", "TEN_KHOA", "GIUONG_PD"],
                    [[i, w, f"Khoa {w}", 30] for i, w in enumerate(wards, 1)],
                ),
            )
        )
        machines = [m for (m,) in _codes(con, f"{_split('xml3', 'ma_may', mac)} ORDER BY 1")]
        out.setdefault("equipment", []).append(
            (
                mac,
                _write(
                    folder / f"equipment_{mac}.csv",
                    ["STT", "TEN_TB", "MA_MAY", "HD_TU", "HD_DEN", "TU_NGAY"],
                    [[i, f"Máy {m}", m, "01/01/2015", HD_DEN, "20150101"] for i, m in enumerate(machines, 1)],
                ),
            )
        )
    codes_sql = " UNION ".join(
        f"SELECT DISTINCT trim(unnest(string_split({c}, ';'))) AS code FROM core.{t} WHERE {c} IS NOT NULL"
        for t, c in (
            ("xml1", "macskcb"),
            ("xml1", "ma_cskcb"),
            ("xml1", "ma_dkbd"),
            ("xml1", "ma_noi_di"),
            ("xml1", "ma_noi_den"),
            ("xml13", "ma_cskcb_di"),
            ("xml13", "ma_cskcb_den"),
        )
    )
    codes = [c for (c,) in _codes(con, f"SELECT code FROM ({codes_sql}) WHERE code <> '' ORDER BY 1")]  # noqa: S608
    out["facilities"] = [
        (
            None,
            _write(
                folder / "facilities.csv",
                ["STT", "Mã", "Tên", "Tuyến CMKT", "Hạng bệnh viện", "Địa chỉ"],
                [[i, c, f"Cơ sở {c}", "Tỉnh", "I", ""] for i, c in enumerate(codes, 1)],
            ),
        )
    ]
    units = _codes(
        con,
        "SELECT min(trim(matinh_cu_tru)), trim(maxa_cu_tru) FROM core.xml1 "  # a commune code is national
        "WHERE nullif(trim(maxa_cu_tru), '') IS NOT NULL AND nullif(trim(matinh_cu_tru), '') IS NOT NULL "
        "GROUP BY 2 ORDER BY 1, 2",
    )
    out["admin_units"] = [
        (
            None,
            _write(
                folder / "admin_units.csv",
                ["Tỉnh Thành Phố", "Mã TP", "Phường Xã", "Mã PX", "Cấp"],
                [[f"Tỉnh {t}", t, f"Xã {x}", x, "Xã"] for t, x in units],
            ),
        )
    ]
    out["yhct"] = [
        (
            None,
            _write(folder / "yhct.csv", ["ICD_CODE", "ICD_YHCT_NAME", "ICD10_CODE"], [list(y) for y in YHCT]),
        )
    ]
    return out


def load_catalogs(con: duckdb.DuckDBPyConnection, folder: Path, lake: Path) -> Path:
    """Write the catalogues of the claims in ``con`` and load them into ``lake`` (first versions)."""
    for kind, files in write_catalogs(con, folder).items():
        for facility, path in files:
            load_catalog(lake, kind, path, facility=facility)
    return lake


__all__ = ["HD_DEN", "TU_NGAY", "YHCT", "date", "load_catalogs", "write_catalogs"]
