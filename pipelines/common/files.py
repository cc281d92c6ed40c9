"""File helpers shared by every stage that writes: atomic replace, durable folders, and the modes of the lake.

The lake and the warehouse hold patients' data: folders are ``0750`` and files ``0640`` (owner and the
reviewers' group, nobody else); everything written is written to a temporary name and renamed into place.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TypeVar

DIR_MODE = 0o750
FILE_MODE = 0o640

T = TypeVar("T")


def make_dirs(path: Path, mode: int = DIR_MODE) -> None:
    """Create ``path`` and every missing parent with ``mode`` (``mkdir(parents=True, mode=...)`` gives the
    mode to the last level only)."""
    missing = []
    while not path.exists():
        missing.append(path)
        path = path.parent
    for folder in reversed(missing):
        folder.mkdir(mode=mode, exist_ok=True)
        os.chmod(folder, mode)


def atomic_write(path: Path, data: bytes, *, mode: int = FILE_MODE, durable: bool = True) -> None:
    """Write to a temporary name in the same folder (fsync'd when ``durable``), then rename over ``path``."""
    # short (a long target name must not overflow the file system's limit), unpredictable, and created
    # exclusively: a name planted in the folder is never written through
    tmp = path.with_name(f".{os.getpid()}.{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), mode)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            if durable:
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """``items`` in lists of ``size`` (the last one shorter)."""
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
