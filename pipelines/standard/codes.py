"""Receipt codes: the error catalogue and the :class:`Problem` a receipt lists.

A :class:`Problem` is one entry of a receipt's ``errors`` list. Its code comes from the catalogue
(``error_catalogue.toml`` beside this module), which gives the severity, the scope (file, claim, none) and the
messages in Vietnamese and English that tell facility IT staff what to fix. Problems never carry patient
identifiers: details are element paths, line numbers, field names and facet values, not the offending text.
``XSD.XMLn`` codes are generated from the table registry, so a new table gets its code without an edit here.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from pipelines.standard.registry import load_registry

FAMILIES = ("SEC", "XML", "ENV", "SIG", "XSD", "STD", "BIZ", "SYS")
FILE_FAMILIES = ("SEC", "XML", "ENV", "SIG", "SYS")


@dataclass(frozen=True)
class CatalogueEntry:
    code: str
    severity: str  # error | warning | info
    scope: str  # file | claim | none
    message_vi: str
    message_en: str


@functools.cache
def catalogue() -> dict[str, CatalogueEntry]:
    """Every code with its severity, scope and messages (XSD.XMLn generated from the table registry)."""
    raw = tomllib.loads(resources.files(__package__).joinpath("error_catalogue.toml").read_text("utf-8"))
    out = {code: CatalogueEntry(code=code, **body) for code, body in raw["codes"].items()}
    template = raw["xsd_table_template"]
    for spec in load_registry():
        code = f"XSD.{spec.loaihoso}"
        if spec.loaihoso == "XML0" or code in out:
            continue
        out[code] = CatalogueEntry(
            code=code,
            severity=template["severity"],
            scope=template["scope"],
            message_vi=template["message_vi"].format(loaihoso=spec.loaihoso, title_vi=spec.title_vi),
            message_en=template["message_en"].format(loaihoso=spec.loaihoso, title_en=spec.title_en),
        )
    for code in out:
        if code.split(".", 1)[0] not in FAMILIES:
            raise ValueError(f"error code {code} is outside the families {FAMILIES}")
    return out


@dataclass
class Problem:
    """One error or warning of a receipt."""

    code: str
    detail: str = ""  # technical detail for IT staff: what exactly, where; never patient data
    loaihoso: str | None = None
    ma_lk: str | None = None
    path: str | None = None
    line: int | None = None
    column: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    #: ``bhyt-etl verify --strict``: a conformance warning counted as an error
    strict: bool = False

    @property
    def entry(self) -> CatalogueEntry:
        return catalogue()[self.code]

    @property
    def severity(self) -> str:
        return "error" if self.strict else self.entry.severity

    @property
    def is_conformance(self) -> bool:
        """An STD.* finding: the standard's stricter text, on a value stored exactly."""
        return self.code.startswith("STD.")

    @property
    def scope(self) -> str:
        return self.entry.scope

    def to_receipt(self) -> dict[str, Any]:
        e = self.entry
        out: dict[str, Any] = {"code": self.code, "severity": self.severity}
        for key in ("loaihoso", "ma_lk", "path", "line", "column"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        out["message_vi"] = e.message_vi
        out["message_en"] = e.message_en
        if self.detail:
            out["detail"] = self.detail
        return out
