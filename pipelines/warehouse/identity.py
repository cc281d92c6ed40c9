"""Identity policy: what each identifying field of the standard's tables becomes outside the full warehouse.

``identity.toml`` beside this module lists every identifying field of the XSDs with its treatment: ``drop``
(NULL), ``pseudo`` (a keyed hash: SHA-256 over the pseudonym key and the value; the same person links across
facilities and nights, and without the key nobody goes back to the number) or ``year`` (a birth date keeps
its year). The key comes from the settings or is generated once and kept in the lake (0600); it is passed
to DuckDB as a query parameter and stored in no warehouse file.
"""

from __future__ import annotations

import functools
import os
import secrets
import tomllib
from pathlib import Path

from pipelines.common.errors import ConfigurationError

IDENTITY_FILE = Path(__file__).with_name("identity.toml")
TREATMENTS = ("drop", "pseudo", "year")


@functools.cache
def identity_policy() -> dict[str, dict[str, str]]:
    """LOAIHOSO → {TAG: treatment}."""
    data = tomllib.loads(IDENTITY_FILE.read_text(encoding="utf-8"))
    for table, fields in data.items():
        for tag, treatment in fields.items():
            if treatment not in TREATMENTS:
                raise ConfigurationError(
                    f"{IDENTITY_FILE.name}: {table}.{tag} = {treatment!r}; use {TREATMENTS}"
                )
    return data


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


def treated_select(loaihoso: str, columns: list[tuple[str, str]]) -> str:
    """The SELECT list of one core table with its identity treatments applied. ``columns``: (name, type)."""
    policy = {tag.lower(): t for tag, t in identity_policy().get(loaihoso, {}).items()}
    out = []
    for name, kind in columns:
        treatment = policy.get(name)
        if treatment == "drop":
            out.append(f"CAST(NULL AS {kind}) AS {name}")
        elif treatment == "pseudo":
            out.append(f"{keyed_hash_sql(name)} AS {name}")
        elif treatment == "year":
            if kind.upper() in ("VARCHAR", "TEXT"):
                out.append(f"left({name}, 4) AS {name}")
            else:
                out.append(f"CAST(date_trunc('year', {name}) AS {kind}) AS {name}")
        else:
            out.append(name)
    return ", ".join(out)
