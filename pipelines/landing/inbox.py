"""The facilities' inboxes behind one small interface (:class:`Inbox`), and its local implementation.

The landing tree (contract in ARCHITECTURE.md)::

    <landing>/<MACSKCB>/inbox/     uploads; *.part, *.tmp, *.filepart and dot-files are in flight
    <landing>/<MACSKCB>/outbox/    <name>.receipt.json for every processed file
    <landing>/<MACSKCB>/archive/   accepted, partly accepted or duplicate originals
    <landing>/<MACSKCB>/rejected/  rejected originals

``<landing>`` is a local folder (:class:`LocalInbox`, the pipeline runs on the SFTP host) or an
``sftp://user@host:port/path`` URL (:class:`pipelines.landing.sftp.SftpInbox`). Both implement :class:`Inbox`;
everything above this module is the same for both (:func:`pipelines.landing.open_inbox` picks one). A file
whose size or modification time changes during the settle window is still being uploaded and is left for
the next run (:func:`settled`).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import stat
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from pipelines.common.errors import TerminalError, TransientError
from pipelines.common.files import atomic_write

log = logging.getLogger(__name__)

IN_FLIGHT_SUFFIXES = (".part", ".tmp", ".filepart")
MACSKCB_FOLDER = re.compile(r"^[0-9A-Za-z]{5}$")
DESTINATIONS = ("archive", "rejected")
#: Longest file name (UTF-8 bytes) the pipeline can answer: file systems stop at 255 bytes, and answering
#: adds up to ~55 (``<name>.<arrival id>.receipt.json`` for a resent name, ``<arrival id>-<name>``, and the
#: SFTP inbox's temporary ``.<receipt name>.<pid>.<token>.tmp``).
MAX_NAME_BYTES = 200
#: read and copy uploads a mebibyte at a time: a huge upload never sits in memory whole
CHUNK = 1024 * 1024


def in_flight(name: str) -> bool:
    """An upload still in progress, by the contract's naming convention."""
    return name.startswith(".") or name.lower().endswith(IN_FLIGHT_SUFFIXES)


def answerable(name: str) -> bool:
    """A name the pipeline can record (UTF-8, for the ledger and the receipt) and answer (the receipt's name
    must fit the file system). Other files are left in the inbox, never read, and reported in the log."""
    try:
        return len(name.encode("utf-8")) <= MAX_NAME_BYTES
    except UnicodeEncodeError:  # bytes that are not UTF-8 (os.scandir gives them as surrogate escapes)
        return False


@dataclass(frozen=True)
class InboxEntry:
    """One file waiting in a facility's inbox."""

    macskcb: str
    name: str
    size: int
    mtime: float  # seconds since the epoch, as the file system reports it

    @property
    def key(self) -> tuple[str, str]:
        return (self.macskcb, self.name)


class ByteSink(Protocol):
    """Where an upload is copied to: a binary file, or a wrapper that hashes what passes through it."""

    def write(self, data: bytes, /) -> int: ...


class Inbox(Protocol):
    """The facilities' folders. Implementations raise TransientError for I/O that may succeed on retry."""

    description: str  # where the landing tree is, for logs (no credentials)

    def facilities(self) -> list[str]:
        """MACSKCB folder names that have an ``inbox/``, sorted."""
        ...

    def list(self, macskcb: str) -> list[InboxEntry]:
        """Regular files in ``<macskcb>/inbox/`` that are not in flight by name, sorted by name."""
        ...

    def read(self, entry: InboxEntry) -> bytes: ...

    def read_to(self, entry: InboxEntry, out: ByteSink) -> None:
        """Copy the upload into ``out`` a chunk at a time (an upload of any size costs no memory)."""
        ...

    def sha256(self, macskcb: str, name: str) -> str | None:
        """SHA-256 of ``<macskcb>/inbox/<name>``, or None when it is not there."""
        ...

    def entry(self, macskcb: str, name: str, folder: str = "inbox") -> InboxEntry | None:
        """``<macskcb>/inbox/<name>`` as :meth:`list` would give it (a regular file), or None; ``folder``:
        look in ``archive/`` or ``rejected/`` instead (``reprocess`` finds where an original is)."""
        ...

    def write_receipt(self, macskcb: str, name: str, data: bytes) -> None:
        """Write ``<macskcb>/outbox/<name>`` atomically (temporary name, then rename over)."""
        ...

    def move(
        self, macskcb: str, name: str, destination: str, *, alternative: str, source: str = "inbox"
    ) -> str:
        """Move ``<source>/<name>`` to ``<destination>/<name>``, or to ``<destination>/<alternative>`` when
        that name is taken: nothing is overwritten. Returns the name used. ``source="rejected"``: an original
        rejected before and accepted when decided again (``reprocess``) goes from ``rejected/`` to
        ``archive/``."""
        ...

    def close(self) -> None: ...


class LocalInbox:
    """The landing tree on a local file system (the pipeline runs on the SFTP host)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.description = str(self.root)
        if not self.root.is_dir():
            raise TerminalError(
                f"landing folder {self.root} does not exist; create it or point --landing at the SFTP root",
                stage="intake",
            )

    def facilities(self) -> list[str]:
        return sorted(
            p.name for p in self.root.iterdir() if MACSKCB_FOLDER.match(p.name) and (p / "inbox").is_dir()
        )

    def list(self, macskcb: str) -> list[InboxEntry]:
        out = []
        try:
            with os.scandir(self.root / macskcb / "inbox") as it:
                for e in it:
                    if in_flight(e.name) or not e.is_file(follow_symlinks=False):
                        continue  # symbolic links, folders, sockets: never followed, read nor moved
                    st = e.stat(follow_symlinks=False)
                    out.append(InboxEntry(macskcb, e.name, st.st_size, st.st_mtime))
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise TransientError(
                f"cannot list {macskcb}/inbox: {exc}", facility=macskcb, stage="intake"
            ) from exc
        return sorted(out, key=lambda e: e.name)

    def read(self, entry: InboxEntry) -> bytes:
        path = self.root / entry.macskcb / "inbox" / entry.name
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
            with os.fdopen(fd, "rb") as fh:
                return fh.read()
        except OSError as exc:
            raise TransientError(
                f"cannot read the upload: {exc.strerror}",
                facility=entry.macskcb,
                file=entry.name,
                stage="intake",
            ) from exc

    def read_to(self, entry: InboxEntry, out: ByteSink) -> None:
        path = self.root / entry.macskcb / "inbox" / entry.name
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
            with os.fdopen(fd, "rb") as fh:
                shutil.copyfileobj(fh, out, CHUNK)
        except OSError as exc:
            raise TransientError(
                f"cannot read the upload: {exc.strerror}",
                facility=entry.macskcb,
                file=entry.name,
                stage="intake",
            ) from exc

    def entry(self, macskcb: str, name: str, folder: str = "inbox") -> InboxEntry | None:
        if folder not in ("inbox", *DESTINATIONS):
            raise ValueError(folder)
        try:
            st = os.lstat(self.root / macskcb / folder / name)
        except FileNotFoundError:
            return None
        return InboxEntry(macskcb, name, st.st_size, st.st_mtime) if stat.S_ISREG(st.st_mode) else None

    def sha256(self, macskcb: str, name: str) -> str | None:
        path = self.root / macskcb / "inbox" / name
        if not path.is_file() or path.is_symlink():
            return None
        return hashlib.sha256(path.read_bytes()).hexdigest()

    def _answer_folder(self, macskcb: str, name: str) -> Path:
        """``<macskcb>/<name>/``, made a real directory: a symbolic link planted there is removed, not
        followed (receipts and originals never leave the facility's folder)."""
        folder = self.root / macskcb / name
        if folder.is_symlink():
            log.warning("facility %s: %s/ was a symbolic link; replaced by a folder", macskcb, name)
            folder.unlink()
        folder.mkdir(exist_ok=True)
        return folder

    def write_receipt(self, macskcb: str, name: str, data: bytes) -> None:
        folder = self._answer_folder(macskcb, "outbox")
        atomic_write(folder / name, data, durable=False)  # the answer step syncs a whole batch at once

    def move(
        self, macskcb: str, name: str, destination: str, *, alternative: str, source: str = "inbox"
    ) -> str:
        if destination not in DESTINATIONS or source not in ("inbox", *DESTINATIONS):
            raise ValueError(destination)
        folder = self._answer_folder(macskcb, destination)
        path = self.root / macskcb / source / name
        for target in (name, alternative):
            try:
                # link + unlink never overwrites an existing target, unlike rename
                os.link(path, folder / target, follow_symlinks=False)
            except FileExistsError:
                continue
            os.unlink(path)
            return target
        raise TerminalError(
            f"both {destination}/{name} and {destination}/{alternative} exist",
            facility=macskcb,
            file=name,
            stage="answer",
        )

    def close(self) -> None:
        pass


def _answerable_entries(inbox: Inbox) -> dict[tuple[str, str], InboxEntry]:
    out: dict[tuple[str, str], InboxEntry] = {}
    for mac in inbox.facilities():
        try:
            entries = inbox.list(mac)
        except TerminalError as exc:  # a name the SFTP library cannot decode: skip one facility, not all
            log.error("facility %s: inbox/ skipped this run: %s", mac, exc)
            continue
        out.update((e.key, e) for e in entries if answerable(e.name))
        left = sum(not answerable(e.name) for e in entries)
        if left:
            log.error(
                "facility %s: %d file(s) in inbox/ left alone, never read: the name is not UTF-8 or "
                "longer than %d bytes; ask the facility to rename them",
                mac,
                left,
                MAX_NAME_BYTES,
            )
    return out


def settled(
    inbox: Inbox, settle_seconds: float, *, while_settling: Callable[[], object] | None = None
) -> tuple[list[InboxEntry], int]:
    """Files ready to take: listed twice, ``settle_seconds`` apart, with the same size and mtime.
    ``while_settling`` is called when the first listing found files (the run starts its workers then, so
    that they warm up during the wait).

    Returns the ready files (by facility, then name) and how many were left because they were still changing.
    Files whose name cannot be answered (:func:`answerable`) are left alone and reported in the log.
    """
    first = _answerable_entries(inbox)
    if first and while_settling is not None:
        while_settling()
    if settle_seconds > 0 and first:
        time.sleep(settle_seconds)
        second = _answerable_entries(inbox)
    else:
        second = first
    ready = [
        e for k, e in second.items() if k in first and (first[k].size, first[k].mtime) == (e.size, e.mtime)
    ]
    return sorted(ready, key=lambda e: e.key), len(second) - len(ready)
