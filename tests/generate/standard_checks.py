"""The formulas of STANDARD.md §5.1 (lines) and §5.2 (header) as a reviewer checks them, on rows of text.

Written from the standard, independently of the generator: ``check_claim`` takes a claim as read from a
file ({LOAIHOSO: rows}) and asserts every formula, and that MUC_HUONG follows from the card's benefit digit,
the 15 % rule and the QĐ 3276 factor of MA_DOITUONG_KCB (``data/catalogs/ma_doituong_kcb.csv``).
"""

from __future__ import annotations

import csv
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from pipelines.common.paths import catalog_dir

D = Decimal
ZERO = D(0)
THRESHOLD = D("2340000") * D("0.15")  # 15 % of the base salary (NĐ 73/2024)
CARD_LEVEL = {"1": 100, "2": 100, "3": 95, "4": 80, "5": 100}
SOURCES = ("T_NGUONKHAC_NSNN", "T_NGUONKHAC_VTNN", "T_NGUONKHAC_VTTN", "T_NGUONKHAC_CL")


def r2(x: Decimal) -> Decimal:
    """round(x, 2) as exporters and the portal round money: half away from zero."""
    return x.quantize(D("0.01"), rounding=ROUND_HALF_UP)


def factors() -> dict[str, tuple[str, str]]:
    with (catalog_dir() / "ma_doituong_kcb.csv").open(encoding="utf-8") as fh:
        return {
            r["ma_doituong_kcb"]: (r["factor_before_20260701"], r["factor_from_20260701"])
            for r in csv.DictReader(fh)
        }


def check_line(row: dict[str, str], loaihoso: str) -> None:
    sl = D(row["SO_LUONG"])
    bv, bh = D(row["THANH_TIEN_BV"]), D(row["THANH_TIEN_BH"])
    tyle_bh = D(row["TYLE_TT_BH"])
    assert 0 <= tyle_bh <= 100  # L12
    if loaihoso == "XML2":
        assert bv == r2(sl * D(row["DON_GIA"]))  # L1
        assert bh == r2(sl * D(row["DON_GIA"]) * tyle_bh / 100)  # L2
    else:
        tyle_dv = D(row["TYLE_TT_DV"])
        assert 0 <= tyle_dv <= 100  # L12
        assert bv == r2(sl * D(row["DON_GIA_BV"]) * tyle_dv / 100)  # L3 (QĐ 4750 correction)
        assert bh == r2(sl * D(row["DON_GIA_BH"]) * tyle_dv / 100 * tyle_bh / 100)  # L4
        if tyle_dv != 100:  # only where [CHKBHYT-GDH] GDH 52 also applies the rate: both readings agree
            assert row["MA_NHOM"] in ("13", "15") or (row["MA_NHOM"] == "8" and tyle_dv in (50, 80))
    nk = D(row["T_NGUONKHAC"])
    assert nk == sum((D(row[k]) for k in SOURCES), ZERO)  # L5
    assert 0 <= nk <= bv  # L10
    mh = D(row["MUC_HUONG"])
    bntt0, bhtt0 = bv - bh, r2(bh * mh / 100)
    bncct0 = bh - bhtt0
    bntt, bncct, bhtt = D(row["T_BNTT"]), D(row["T_BNCCT"]), D(row["T_BHTT"])
    if nk == 0:  # L6
        assert (bntt, bncct, bhtt) == (bntt0, bncct0, bhtt0)
    else:  # L7 case (a): other sources reduce T_BNTT, then T_BNCCT, then T_BHTT
        assert bntt == max(ZERO, bntt0 - nk)
        assert bncct == (bncct0 if nk <= bntt0 else max(ZERO, bncct0 - (nk - bntt0)))
        assert bhtt == (bhtt0 if nk < bncct0 + bntt0 else bhtt0 - (nk - bncct0 - bntt0))
    assert bv == bntt + bncct + bhtt + nk  # L9


def check_header(claim: dict) -> None:
    x1, xml2, xml3 = claim["XML1"][0], claim.get("XML2", []), claim.get("XML3", [])
    lines = xml2 + xml3

    def s(key: str, rows: list = lines) -> Decimal:
        return sum((D(r[key]) for r in rows), ZERO)

    assert D(x1["T_THUOC"]) == s("THANH_TIEN_BV", xml2)  # H1
    assert D(x1["T_VTYT"]) == s("THANH_TIEN_BV", [r for r in xml3 if r["MA_NHOM"] in ("10", "11")])  # H2
    assert D(x1["T_TONGCHI_BV"]) == s("THANH_TIEN_BV")  # H3
    assert D(x1["T_TONGCHI_BH"]) == s("THANH_TIEN_BH")  # H4
    assert D(x1["T_BNTT"]) == s("T_BNTT")  # H5
    assert D(x1["T_BNCCT"]) == s("T_BNCCT")
    assert D(x1["T_NGUONKHAC"]) == s("T_NGUONKHAC")
    assert D(x1["T_BHTT"]) == D(x1["T_TONGCHI_BH"]) - D(x1["T_BNCCT"])  # H6
    assert D(x1["T_BHTT"]) == s("T_BHTT")  # and so the claimed amount is the sum of the lines
    assert D(x1["T_BHTT_GDV"]) == s("T_BHTT", [r for r in lines if r["MA_PTTT"] == "1"])  # H7
    totals = D(x1["T_BNTT"]) + D(x1["T_BNCCT"]) + D(x1["T_BHTT"]) + D(x1["T_NGUONKHAC"])
    assert D(x1["T_TONGCHI_BV"]) == totals  # H8, first identity
    # H8's second identity holds only when other-source money falls inside the fund's part (a warning in
    # the standard); the generator keeps that money in the patient's own part, so it holds iff there is none
    second = D(x1["T_TONGCHI_BH"]) == D(x1["T_BNCCT"]) + D(x1["T_BHTT"]) + D(x1["T_NGUONKHAC"])
    assert second == (D(x1["T_NGUONKHAC"]) == 0)
    assert (x1["NAM_QT"], x1["THANG_QT"]) == (x1["NGAY_RA"][:4], x1["NGAY_RA"][4:6])  # H9
    assert 1 <= int(x1["THANG_QT"]) <= 12


def expected_muc_huong(x1: dict[str, str], table: dict[str, tuple[str, str]]) -> Decimal | None:
    """MUC_HUONG from the card's benefit digit, the 15 % rule and the QĐ 3276 factor of MA_DOITUONG_KCB."""
    code = x1["MA_DOITUONG_KCB"]
    if code == "8":  # a withdrawal carries the lines as first sent; the code has no factor
        return None
    if code == "1.2":  # 100 % whatever the card says
        return D(100)
    card = D(CARD_LEVEL[x1["MA_THE_BHYT"][2]])
    base = D(100) if D(x1["T_TONGCHI_BH"]) < THRESHOLD else card
    before, after = table[code]
    end = date(int(x1["NGAY_RA"][:4]), int(x1["NGAY_RA"][4:6]), int(x1["NGAY_RA"][6:8]))
    factor = D(after if end >= date(2026, 7, 1) else before)
    if factor != 1:  # self-referral codes with a factor are only generated above the threshold
        assert D(x1["T_TONGCHI_BH"]) >= THRESHOLD
    return base * factor


def check_claim(claim: dict, table: dict[str, tuple[str, str]]) -> None:
    for loaihoso in ("XML2", "XML3"):
        for row in claim.get(loaihoso, []):
            check_line(row, loaihoso)
    check_header(claim)
    x1 = claim["XML1"][0]
    levels = {D(r["MUC_HUONG"]) for r in claim.get("XML2", []) + claim.get("XML3", [])}
    assert len(levels) == 1
    expected = expected_muc_huong(x1, table)
    if expected is not None:
        assert levels == {expected}, (x1["MA_LK"], x1["MA_DOITUONG_KCB"])
