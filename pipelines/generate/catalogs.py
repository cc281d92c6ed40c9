"""The reference catalogues of ``data/catalogs/`` as the generator uses them."""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from pipelines.common.paths import catalog_dir


def read_csv(name: str, folder: Path | None = None) -> list[dict[str, str]]:
    path = (folder or catalog_dir()) / name
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


#: ``ma_doituong_kcb.csv`` has two factor columns; the second applies from this day (QĐ 3276 Phụ lục 1).
ROUTE_FACTOR_SWITCH = date(2026, 7, 1)


def _factor(text: str) -> Decimal | None:
    return Decimal(text) if text else None


@dataclass(frozen=True)
class Catalogs:
    icd10: dict[str, dict[str, str]]
    drugs: list[dict[str, str]]
    services: list[dict[str, str]]
    supplies: list[dict[str, str]]
    card_groups: list[tuple[str, int]]
    provinces: dict[str, str]
    #: MA_DOITUONG_KCB -> (factor until 30/06/2026, factor from 01/07/2026); None where QĐ 3276 gives none
    route_factors: dict[str, tuple[Decimal | None, Decimal | None]]

    def route_factor(self, ma_doituong_kcb: str, on: date) -> Decimal | None:
        """The QĐ 3276 factor applied to the card's benefit level for a visit ending on ``on``."""
        before, after = self.route_factors[ma_doituong_kcb]
        return after if on >= ROUTE_FACTOR_SWITCH else before

    def services_in(self, *groups: str) -> list[dict[str, str]]:
        return [s for s in self.services if s["ma_nhom"] in groups]

    def drugs_in(self, *groups: str) -> list[dict[str, str]]:
        return [d for d in self.drugs if d["ma_nhom"] in groups]


@functools.cache
def load_catalogs(folder: Path | None = None) -> Catalogs:
    groups = [
        (r["group_code"], int(r["benefit_level"]))
        for r in read_csv("card_groups.csv", folder)
        if r["benefit_level"]
    ]  # a group whose level the source does not give is not issued here
    return Catalogs(
        icd10={r["code"]: r for r in read_csv("icd10.csv", folder)},
        drugs=read_csv("drugs.csv", folder),
        services=read_csv("services.csv", folder),
        supplies=read_csv("supplies.csv", folder),
        card_groups=groups,
        provinces={r["province_code"]: r["name"] for r in read_csv("provinces.csv", folder)},
        route_factors={
            r["ma_doituong_kcb"]: (_factor(r["factor_before_20260701"]), _factor(r["factor_from_20260701"]))
            for r in read_csv("ma_doituong_kcb.csv", folder)
        },
    )
