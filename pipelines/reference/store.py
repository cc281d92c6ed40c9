"""The catalogue versions in the lake: one Parquet file per load, never overwritten.

    <lake>/catalogs/<kind>/<scope>/<version_id>.parquet      scope = the facility (MACSKCB) or _national
    version_id = <version_from yyyymmdd | 00000000>-<loaded_at yyyymmddTHHMMSSffffff>-<sha256 of the file, 12>

A version is the whole list of one kind for one scope from its ``version_from`` on: a price change is a new
version, the old one stays and still answers for the days before. The first version of a kind and scope loaded
without ``--valid-from`` applies to every earlier day too (an office loads its current lists once, then their
changes); a later one without ``--valid-from`` applies from the day it is loaded. Each entry's own dates
(TU_NGAY/DEN_NGAY) narrow it further.

Writing is atomic: the file is written under a temporary name in the same folder, fsync'd, renamed, and the
folder fsync'd; a reader never sees part of a version, and a failed load leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.common.errors import TerminalError
from pipelines.common.files import FILE_MODE, fsync_dir, make_dirs
from pipelines.reference.kinds import Kind, kind, load_kinds
from pipelines.reference.read import read_catalog

CATALOG_DIR = "catalogs"
NATIONAL = "_national"
_FACILITY = re.compile(r"^[0-9A-Za-z]{5}$")
#: the columns every version adds to its kind's rows
VERSION_FIELDS: list[pa.Field] = [
    pa.field("catalog_facility", pa.string()),  # MACSKCB of the facility's list; null for a national list
    pa.field("version_id", pa.string()),
    pa.field("version_from", pa.date32()),  # null: the first version, for every earlier day too
    pa.field("loaded_at", pa.timestamp("us", tz="UTC")),
    pa.field("source_file", pa.string()),
    pa.field("source_sha256", pa.string()),
]
_META_KEY = b"bhyt_catalog"


@dataclass(frozen=True)
class Version:
    kind: str
    facility: str | None
    version_id: str
    version_from: date | None
    loaded_at: datetime
    source_file: str
    source_sha256: str
    rows: int
    path: Path
    ignored_columns: tuple[str, ...] = ()
    already_loaded: bool = False

    def as_dict(self) -> dict[str, object]:
        d = asdict(self)
        d["path"] = str(self.path)
        d["version_from"] = self.version_from.isoformat() if self.version_from else None
        d["loaded_at"] = self.loaded_at.isoformat()
        return d


def full_schema(k: Kind) -> pa.Schema:
    return pa.schema(list(k.schema()) + VERSION_FIELDS)


def _scope_dir(lake: Path, k: Kind, facility: str | None) -> Path:
    return Path(lake) / CATALOG_DIR / k.name / (facility or NATIONAL)


def _check_scope(k: Kind, facility: str | None) -> None:
    if k.scope == "facility" and not facility:
        raise TerminalError(
            f"a '{k.name}' catalogue is one facility's list: give --facility MACSKCB", stage="catalog"
        )
    if k.scope == "national" and facility:
        raise TerminalError(
            f"a '{k.name}' catalogue is national: load it without --facility", stage="catalog"
        )
    if facility and not _FACILITY.match(facility):
        raise TerminalError(f"--facility {facility!r} is not a 5-character MACSKCB", stage="catalog")


def load_catalog(
    lake: Path,
    kind_name: str,
    path: Path,
    *,
    facility: str | None = None,
    valid_from: date | None = None,
    now: datetime | None = None,
) -> Version:
    """Read ``path`` as a ``kind_name`` catalogue and write it as a new version (see the module docstring).

    Refuses (:class:`~pipelines.reference.read.CatalogFileError`, naming each bad row and column) a file
    that is not a valid catalogue of that kind, before anything is written. Loading the same file again for
    the same scope and date writes nothing and returns the version already there (``already_loaded``).
    """
    try:
        k = kind(kind_name)
    except KeyError as e:
        raise TerminalError(str(e.args[0]), stage="catalog") from e
    _check_scope(k, facility)
    path = Path(path)
    table, ignored = read_catalog(k, path)
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    existing = [v for v in list_versions(lake, k.name) if v.facility == (facility or None)]
    version_from = valid_from
    now = now or datetime.now(UTC)
    if version_from is None and existing:
        version_from = now.date()
    for v in existing:
        if v.source_sha256 == sha and v.version_from == version_from:
            return Version(**{**asdict(v), "already_loaded": True})
    version_id = f"{version_from:%Y%m%d}" if version_from else "00000000"
    version_id += f"-{now:%Y%m%dT%H%M%S%f}-{sha[:12]}"
    n = table.num_rows
    extra: dict[str, pa.Array] = {
        "catalog_facility": pa.array([facility or None] * n, pa.string()),
        "version_id": pa.array([version_id] * n, pa.string()),
        "version_from": pa.array([version_from] * n, pa.date32()),
        "loaded_at": pa.array([now] * n, pa.timestamp("us", tz="UTC")),
        "source_file": pa.array([path.name] * n, pa.string()),
        "source_sha256": pa.array([sha] * n, pa.string()),
    }
    for name, arr in extra.items():
        table = table.append_column(name, arr)
    version = Version(
        kind=k.name,
        facility=facility or None,
        version_id=version_id,
        version_from=version_from,
        loaded_at=now,
        source_file=path.name,
        source_sha256=sha,
        rows=n,
        path=_scope_dir(lake, k, facility) / f"{version_id}.parquet",
        ignored_columns=tuple(ignored),
    )
    meta = {k2: v2 for k2, v2 in version.as_dict().items() if k2 not in ("path", "already_loaded")}
    table = table.replace_schema_metadata({_META_KEY: json.dumps(meta, ensure_ascii=False).encode()})
    _write_atomic(table, version.path)
    return version


def _write_atomic(table: pa.Table, target: Path) -> None:
    make_dirs(target.parent)
    tmp = target.with_name(f".{os.getpid()}.{secrets.token_hex(6)}.tmp")
    try:
        pq.write_table(table, tmp, compression="zstd")
        os.chmod(tmp, FILE_MODE)
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        if target.exists():  # a version is never overwritten (same id = same file, same instant)
            raise TerminalError(f"catalogue version {target.name} exists already", stage="catalog")
        os.replace(tmp, target)
        fsync_dir(target.parent)
    finally:
        tmp.unlink(missing_ok=True)


def version_files(lake: Path, kind_name: str) -> list[Path]:
    """The version files of one kind, every scope (temporary files of a load under way left out)."""
    root = Path(lake) / CATALOG_DIR / kind_name
    if not root.is_dir():
        return []
    return sorted(p for p in root.glob("*/*.parquet") if not p.name.startswith("."))


def list_versions(lake: Path, kind_name: str | None = None) -> list[Version]:
    """Every version loaded (of one kind, or all), by kind, scope and version order."""
    out = []
    for name in [kind_name] if kind_name else list(load_kinds()):
        for p in version_files(lake, name):
            md = pq.read_schema(p).metadata or {}
            meta = json.loads(md[_META_KEY])
            out.append(
                Version(
                    kind=meta["kind"],
                    facility=meta["facility"],
                    version_id=meta["version_id"],
                    version_from=date.fromisoformat(meta["version_from"]) if meta["version_from"] else None,
                    loaded_at=datetime.fromisoformat(meta["loaded_at"]),
                    source_file=meta["source_file"],
                    source_sha256=meta["source_sha256"],
                    rows=int(meta["rows"]),
                    path=p,
                    ignored_columns=tuple(meta.get("ignored_columns", ())),
                )
            )
    return sorted(out, key=lambda v: (v.kind, v.facility or "", v.version_id))


def versions_table(lake: Path | None, kind_name: str) -> pa.Table:
    """Every row of every version of one kind, with the version columns; empty (typed) when none is loaded."""
    k = kind(kind_name)
    schema = full_schema(k)
    files = version_files(lake, kind_name) if lake else []
    if not files:
        return schema.empty_table()
    tables = [pq.read_table(p).cast(schema) for p in files]
    return pa.concat_tables(tables).replace_schema_metadata(None)
