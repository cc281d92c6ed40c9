"""``bhyt-etl backup DEST``: a consistent, incremental copy of the lake, safe while nights run.

1. The ledger is copied first, with SQLite's online backup API (a consistent snapshot even while a night
   commits: the copy is of one transaction's state), to a temporary name in ``DEST``.
2. Every file that snapshot lists is copied (or hard-linked, ``--link``): the raw zone's files of every
   content it received, and every lake file (Parquet, receipts, findings) of its committed runs. These files
   are immutable once listed (a night never rewrites a listed file; only ``rebuild`` replaces a damaged one,
   under the lake's lock), so what a later night adds is simply not in this snapshot. Incremental: a raw file
   already in ``DEST`` (its name is its SHA-256) is not copied again, nor is a lake file whose checksum the
   backup recorded (``DEST/backup-manifest.json``) and the ledger still records.
3. The lake's pseudonym key (``.pseudonym_key``: without it every ``patient_key`` would change) is copied.
4. Only then the snapshot is renamed to ``DEST/ledger.sqlite``: a backup interrupted part-way keeps the
   previous one whole (the files it added are a superset of what that ledger lists).

``DEST`` is then a lake: restore it by copying it back (or pointing ``--lake`` at it); ``bhyt-etl check``
passes on it and ``ingest`` continues from it. The warehouse is not copied: the next ``ingest`` (or
``rebuild``) builds it from the lake. Hard links (``--link``, same file system only) cost no space and protect
against a deleted or replaced file, not against a failing disk: for that, ``DEST`` must be another disk.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from pipelines.common.errors import ConfigurationError
from pipelines.common.files import atomic_write, fsync_dir, make_dirs
from pipelines.landing import raw_path
from pipelines.run.lake import file_sha256
from pipelines.run.ledger import Ledger

MANIFEST = "backup-manifest.json"
KEY = ".pseudonym_key"


@dataclass
class Backup:
    """What a backup did."""

    dest: str
    copied: int = 0  # files copied or linked this time
    kept: int = 0  # files already in DEST
    bytes: int = 0  # bytes copied this time
    seconds: float = 0.0
    problems: list[str] | None = None


def _copy(source: Path, target: Path, link: bool) -> int:
    """``source`` to ``target`` (temporary name, fsync'd, renamed; or a hard link); returns bytes copied."""
    make_dirs(target.parent)
    tmp = target.with_name(f".{target.name}.partial")
    tmp.unlink(missing_ok=True)
    if link:
        os.link(source, tmp)
        os.replace(tmp, target)
        return 0
    shutil.copy2(source, tmp)
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, target)
    return target.stat().st_size


def backup(lake: Path, dest: Path, *, link: bool = False) -> Backup:
    """Copy the lake to ``dest`` (see the module's docstring)."""
    started = time.perf_counter()
    source_ledger = lake / "ledger.sqlite"
    if not source_ledger.exists():
        raise ConfigurationError(f"{lake} has no ledger.sqlite: not a lake", stage="backup")
    if dest.resolve() == lake.resolve() or lake.resolve() in dest.resolve().parents:
        raise ConfigurationError(f"the backup {dest} must be outside the lake {lake}", stage="backup")
    make_dirs(dest)
    out = Backup(str(dest), problems=[])
    assert out.problems is not None
    snapshot = dest / ".ledger.sqlite.partial"
    snapshot.unlink(missing_ok=True)
    src = sqlite3.connect(f"{source_ledger.resolve().as_uri()}?mode=ro", uri=True, timeout=60)
    dst = sqlite3.connect(snapshot)
    try:
        src.backup(dst)  # the online backup API: one consistent state, whatever commits meanwhile
    finally:
        dst.close()
        src.close()
    os.chmod(snapshot, 0o640)
    ledger = Ledger.read_only(snapshot)
    try:
        contents = sorted(ledger.received_contents())
        parts = ledger.part_details()
    finally:
        ledger.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{snapshot}{suffix}").unlink(missing_ok=True)

    for sha in contents:  # raw files: named by their content, so one already there is the same
        source = raw_path(lake / "raw", sha)
        target = raw_path(dest / "raw", sha)
        if target.exists() and target.stat().st_size == source.stat().st_size:
            out.kept += 1
            continue
        out.bytes += _copy(source, target, link)
        out.copied += 1

    manifest_path = dest / MANIFEST
    manifest: dict[str, str] = (
        json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.exists() else {}
    )
    for part in parts:
        source, target = lake / part.path, dest / part.path
        if part.sha256 is not None and manifest.get(part.path) == part.sha256 and target.exists():
            out.kept += 1
            continue
        if not source.exists():
            out.problems.append(f"{part.path}: listed by the ledger but missing in the lake (bhyt-etl check)")
            continue
        out.bytes += _copy(source, target, link)
        out.copied += 1
        copied_sha = file_sha256(target)
        if part.sha256 is not None and copied_sha != part.sha256:
            out.problems.append(f"{part.path}: its SHA-256 differs from the ledger's (bhyt-etl check)")
        manifest[part.path] = copied_sha
    atomic_write(manifest_path, json.dumps(manifest, indent=0, sort_keys=True).encode())

    if (lake / KEY).exists():
        key = (lake / KEY).read_bytes()
        if not (dest / KEY).exists() or (dest / KEY).read_bytes() != key:
            atomic_write(dest / KEY, key, mode=0o600)
            out.copied += 1

    os.sync()  # every listed file on disk before the ledger that lists them
    for suffix in ("-wal", "-shm"):  # the previous copy's, if it was ever opened: they belong to it alone
        Path(f"{dest / 'ledger.sqlite'}{suffix}").unlink(missing_ok=True)
    os.replace(snapshot, dest / "ledger.sqlite")
    fsync_dir(dest)
    out.seconds = round(time.perf_counter() - started, 3)
    return out
