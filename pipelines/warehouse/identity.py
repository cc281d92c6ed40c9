"""Identity policy: what each identifying or free-text field of the standard's tables becomes in the analytics
copy, under each privacy profile.

``identity.toml`` beside this module says which profile the nightly copy uses (``[privacy] profile``, the
default ``deidentified``; ``limited`` for analysts under a data-use agreement), the ``k`` of k-anonymity,
what each profile is and which standard it follows, and, per field, its treatment: ``drop`` (NULL),
``pseudo`` (a keyed hash: SHA-256 over the pseudonym key and the value; the same person links across
facilities and nights, and without the key nobody goes back to the number), ``year``, ``age``, ``month``,
``province``, ``group``, ``scrub`` or ``keep`` (the file's header explains each). Fields not listed keep
their value, except that under ``deidentified`` every date and timestamp is reduced to its month.

The key comes from the settings or is generated once and kept in the lake (0600); it is passed to DuckDB
as a query parameter and stored in no warehouse file.

**Free text** is every field of XSD type ``Text`` (a string the XSDs do not type as a code, a key or a
date): each is listed with its treatment, and a kept one is always ``scrub``: the claim's own identifying
values (every value the policy drops or hashes, as written and without diacritics), phone numbers, runs of
9 or more digits (CCCD 12, BHXH 10, CMND 9), card numbers (2 letters and 13 digits) and Vietnamese personal
names (a family name of ``data/privacy/surnames.csv`` followed by one to three capitalised words) are
replaced by ``[…]``.
"""

from __future__ import annotations

import csv
import functools
import os
import secrets
import tomllib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipelines.common.errors import ConfigurationError
from pipelines.common.paths import data_dir

IDENTITY_FILE = Path(__file__).with_name("identity.toml")
PROFILES = ("deidentified", "limited")
TREATMENTS = ("drop", "pseudo", "year", "age", "month", "province", "group", "scrub", "keep")
#: XSD types whose values are dates (bhyt-types.xsd); under ``deidentified`` an unlisted one becomes its month
DATE_TYPES = ("Date", "DateTime", "BirthDateTime", "DateList", "DateOrDateTime")
#: the XSD type of free text
FREE_TEXT_TYPE = "Text"
#: what a removed identifier is replaced by inside kept free text
REDACTED = "[…]"


@dataclass(frozen=True)
class Profile:
    name: str
    default: bool
    standard: str
    removes: str
    remains: str


@functools.cache
def _document() -> dict[str, Any]:
    return tomllib.loads(IDENTITY_FILE.read_text(encoding="utf-8"))


def profiles() -> dict[str, Profile]:
    """The profiles ``identity.toml`` documents, by name."""
    doc = _document().get("profiles", {})
    out = {}
    for name in PROFILES:
        entry = doc.get(name)
        if not isinstance(entry, dict):
            raise ConfigurationError(f"{IDENTITY_FILE.name}: [profiles.{name}] is missing")
        out[name] = Profile(
            name, bool(entry.get("default")), entry["standard"], entry["removes"], entry["remains"]
        )
    return out


def privacy_setting() -> tuple[str, int]:
    """The profile the nightly copy uses and the k it must reach (``[privacy]``)."""
    section = _document().get("privacy", {})
    profile, k = section.get("profile", "deidentified"), section.get("k", 5)
    if profile not in PROFILES:
        raise ConfigurationError(
            f"{IDENTITY_FILE.name}: [privacy] profile = {profile!r}; use one of {PROFILES}"
        )
    if not isinstance(k, int) or k < 1:
        raise ConfigurationError(f"{IDENTITY_FILE.name}: [privacy] k = {k!r}; use a whole number ≥ 1")
    return profile, k


def check_profile(profile: str | None) -> str:
    """``profile``, or the configured one when None; an unknown name is a configuration error."""
    if profile is None:
        return privacy_setting()[0]
    if profile not in PROFILES:
        raise ConfigurationError(f"unknown privacy profile {profile!r}; use one of {PROFILES}")
    return profile


@functools.cache
def _policies() -> dict[str, dict[str, dict[str, str]]]:
    """profile → LOAIHOSO → {TAG: treatment}."""
    out: dict[str, dict[str, dict[str, str]]] = {p: {} for p in PROFILES}
    for table, fields in _document().items():
        if table in ("privacy", "profiles"):
            continue
        for tag, entry in fields.items():
            by_profile = entry if isinstance(entry, dict) else dict.fromkeys(PROFILES, entry)
            if set(by_profile) != set(PROFILES):
                raise ConfigurationError(
                    f"{IDENTITY_FILE.name}: {table}.{tag} names profiles {sorted(by_profile)}; "
                    f"give every one of {PROFILES} or a single treatment"
                )
            for profile, treatment in by_profile.items():
                if treatment not in TREATMENTS:
                    raise ConfigurationError(
                        f"{IDENTITY_FILE.name}: {table}.{tag} = {treatment!r} ({profile}); use {TREATMENTS}"
                    )
                out[profile].setdefault(table, {})[tag] = treatment
    return out


def identity_policy(profile: str | None = None) -> dict[str, dict[str, str]]:
    """LOAIHOSO → {TAG: treatment} under ``profile`` (default: the configured one)."""
    return _policies()[check_profile(profile)]


def pseudonym_key(configured: str | None, lake: Path) -> str:
    """The key of the keyed hash: from the settings, else one generated once and kept in the lake (0600)."""
    if configured:
        return configured
    path = lake / ".pseudonym_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32) + "\n")
    return path.read_text().strip()


def keyed_hash_sql(expr: str) -> str:
    """SQL for the keyed hash of ``expr`` (NULL and '' stay NULL); the key is the query parameter $key."""
    value = f"nullif(trim({expr}), '')"
    return f"CASE WHEN {value} IS NULL THEN NULL ELSE sha256($key || chr(31) || {value}) END"


# -- reference data ----------------------------------------------------------------------------------------
def _privacy_csv(name: str) -> list[dict[str, str]]:
    with open(data_dir() / "privacy" / name, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


@functools.cache
def province_2025() -> dict[str, str]:
    """Province code (the 63 before 2025, or the 34 since) → the code of the 2025 province it is part of."""
    mapping = {r["province_code"]: r["province_code_2025"] for r in _privacy_csv("provinces_2025.csv")}
    mapping.update({new: new for new in set(mapping.values())})  # a 2025 code is its own province
    return mapping


@functools.cache
def surnames() -> tuple[str, ...]:
    return tuple(r["surname"] for r in _privacy_csv("surnames.csv"))


def _strip_marks(text: str) -> str:
    out = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return out.replace("Đ", "D").replace("đ", "d")


@functools.cache
def name_pattern() -> str:
    """RE2 pattern of a Vietnamese personal name: a family name (with or without diacritics, any case) and one
    to three capitalised words; group 1 is the character before it (kept by the replacement)."""
    family = sorted({*surnames(), *map(_strip_marks, surnames())}, key=len, reverse=True)
    return r"(^|[^\p{L}])(?i:" + "|".join(family) + r")(?:[ \t]+\p{Lu}\p{L}*){1,3}"


#: a phone number: +84 or 0, then 8 to 10 digits with at most one space, dot or dash between digits
PHONE_PATTERN = r"(?:\+84|\b0)(?:[ .\-]?[0-9]){8,10}"
#: CCCD (12), BHXH (10), CMND (9) and any longer run of digits
DIGITS_PATTERN = r"[0-9]{9,}"
#: MA_THE_BHYT: 2 letters (group), benefit digit, 2-digit province, 10-digit BHXH number
CARD_PATTERN = r"(?i)\b[a-z]{2}[0-9]{13}\b"


def scrub_sql(expr: str, secrets_expr: str | None = None) -> str:
    """SQL that removes identifiers from the free text ``expr``. ``secrets_expr``: a per-row list of the
    claim's own identifying values in the forms they are written (as given, upper and lower case, without
    diacritics; NULL when it has none), removed first, longest first (literal replacements: a per-row
    regular expression would be compiled for every row)."""
    out = expr
    if secrets_expr is not None:
        out = (
            f"CASE WHEN {secrets_expr} IS NULL THEN {out} "
            f"ELSE list_reduce({secrets_expr}, lambda acc, v: replace(acc, v, '{REDACTED}'), {out}) END"
        )
    for pattern in (CARD_PATTERN, PHONE_PATTERN, DIGITS_PATTERN):
        out = f"regexp_replace({out}, '{pattern}', '{REDACTED}', 'g')"
    return f"regexp_replace({out}, '{name_pattern()}', '\\1{REDACTED}', 'g')"


def province_sql(expr: str) -> str:
    """The 2025 province code of a province code (2 or 3 characters; NULL when it is none)."""
    code = f"lpad(right(trim({expr}), 2), 2, '0')"
    branches = " ".join(f"WHEN '{old}' THEN '{new}'" for old, new in sorted(province_2025().items()))
    return f"CASE {code} {branches} ELSE NULL END"


def month_sql(expr: str, kind: str) -> str:
    """A date, timestamp or text date (``yyyyMMdd[HHmm]``, ``;`` lists) reduced to its month."""
    if kind.upper() in ("VARCHAR", "TEXT"):
        return f"regexp_replace({expr}, '([0-9]{{6}})[0-9]+', '\\1', 'g')"
    return f"CAST(date_trunc('month', {expr}) AS {kind})"


def treatment_sql(treatment: str, expr: str, kind: str, secrets_expr: str | None = None) -> str:
    """SQL for one treatment applied to ``expr`` of DuckDB type ``kind``."""
    text = kind.upper() in ("VARCHAR", "TEXT")
    if treatment in ("drop", "age"):
        return f"CAST(NULL AS {kind})"
    if treatment == "pseudo":
        return keyed_hash_sql(expr)
    if treatment == "year":
        return f"left({expr}, 4)" if text else f"CAST(date_trunc('year', {expr}) AS {kind})"
    if treatment == "month":
        return month_sql(expr, kind)
    if treatment == "province":
        return province_sql(expr)
    if treatment == "group":
        return (
            f"CASE WHEN trim({expr}) = '00000' THEN '00000' "
            f"WHEN regexp_matches(trim({expr}), '^[0-9]') THEN left(trim({expr}), 1) END"
        )
    if treatment == "scrub":
        return scrub_sql(expr, secrets_expr)
    return expr


def column_treatments(
    loaihoso: str,
    columns: list[tuple[str, str]],
    profile: str | None = None,
    xsd_types: dict[str, str] | None = None,
) -> dict[str, str]:
    """column → treatment for the columns of one core table (name, DuckDB type) under ``profile``: what the
    policy lists, and under ``deidentified`` ``month`` for every other date (XSD date types, DATE and
    TIMESTAMP columns)."""
    profile = check_profile(profile)
    policy = {tag.lower(): t for tag, t in identity_policy(profile).get(loaihoso, {}).items()}
    out = {}
    for name, kind in columns:
        treatment = policy.get(name)
        if treatment is None and profile == "deidentified":
            is_date = (xsd_types or {}).get(name) in DATE_TYPES or kind.upper().startswith(
                ("DATE", "TIMESTAMP")
            )
            treatment = "month" if is_date else None
        if treatment is not None and treatment != "keep":
            out[name] = treatment
    return out


def treated_select(
    loaihoso: str,
    columns: list[tuple[str, str]],
    profile: str | None = None,
    *,
    alias: str = "",
    secrets_expr: str | None = None,
    xsd_types: dict[str, str] | None = None,
    replaced: Mapping[str, str] | None = None,
) -> str:
    """The SELECT list of one core table with its treatments applied. ``columns``: (name, type); ``alias``:
    the table's alias in the FROM clause; ``secrets_expr``: see :func:`scrub_sql`; ``replaced``: treated
    columns whose value the caller has already computed (column → SQL; the analytics copy scrubs a row's
    free text in one expression)."""
    treatments = column_treatments(loaihoso, columns, profile, xsd_types)
    prefix = f"{alias}." if alias else ""
    out = []
    for name, kind in columns:
        treatment = treatments.get(name)
        if treatment is None:
            out.append(f"{prefix}{name}")
        elif replaced and name in replaced:
            out.append(f"{replaced[name]} AS {name}")
        else:
            out.append(f"{treatment_sql(treatment, prefix + name, kind, secrets_expr)} AS {name}")
    return ", ".join(out)
