"""The raw zone: every received byte, kept under its SHA-256, written once and never modified.

``<lake>/raw/ab/abcd….xml`` is the system of record: what a facility sent, exactly. An upload is streamed in
(hashed as it is copied, never whole in memory) before anything else happens to it.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from pipelines.common.errors import TerminalError, raise_if_disk_full
from pipelines.landing.inbox import CHUNK, Inbox, InboxEntry


def raw_path(raw_zone: Path, sha256: str) -> Path:
    return raw_zone / sha256[:2] / f"{sha256}.xml"


class _Sink:
    """What an upload is copied through: hashed, written to the raw copy, and its first ``keep`` bytes kept
    in memory to be decided (a file over the size cap is read only up to the cap, plus one byte to know it is
    over). A write that fails is :class:`~pipelines.common.errors.DiskFull` when the disk is full, never
    blamed on the upload."""

    def __init__(self, fh: BinaryIO, keep: int) -> None:
        self.fh, self.digest, self.size, self.keep = fh, hashlib.sha256(), 0, keep
        self.head = bytearray()

    def write(self, data: bytes, /) -> int:
        self.digest.update(data)
        self.size += len(data)
        if len(self.head) < self.keep:
            self.head += data[: self.keep - len(self.head)]
        try:
            return self.fh.write(data)
        except OSError as exc:
            raise_if_disk_full(exc, "the raw zone")
            raise


@dataclass(frozen=True)
class Upload:
    """An upload taken into the raw zone: its SHA-256, its size, and its bytes up to the cap (plus one)."""

    sha256: str
    size: int
    head: bytes

    def over(self, cap: int) -> bool:
        return self.size > cap


def take_upload(raw_zone: Path, inbox: Inbox, entry: InboxEntry, cap: int) -> Upload:
    """Read an upload ONCE: stream it into the raw zone under its SHA-256 (hashing as it copies, never the
    whole file in memory: a multi-gigabyte upload is kept as evidence and then refused by size), keeping its
    first ``cap + 1`` bytes to decide. Not fsync'd one by one: the caller makes a batch durable with
    :func:`os.sync` before the ledger records it (until then the original is still in the inbox)."""
    tmp = raw_zone / f".incoming.{os.getpid()}.{secrets.token_hex(6)}.tmp"
    try:
        raw_zone.mkdir(parents=True, exist_ok=True, mode=0o750)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o440)
    except OSError as exc:
        raise_if_disk_full(exc, "the raw zone")
        raise
    try:
        with os.fdopen(fd, "wb") as fh:
            sink = _Sink(fh, cap + 1)
            inbox.read_to(entry, sink)
        sha = sink.digest.hexdigest()
        path = raw_path(raw_zone, sha)
        if path.exists():
            tmp.unlink()
        else:
            try:
                path.parent.mkdir(exist_ok=True, mode=0o750)
                os.replace(tmp, path)
            except OSError as exc:
                raise_if_disk_full(exc, "the raw zone")
                raise
        return Upload(sha, sink.size, bytes(sink.head))
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def read_raw(raw_zone: Path, sha256: str, cap: int) -> Upload:
    """A raw-zone file read back to be decided again (``reprocess``, ``rebuild``): hashed as it is read and
    refused when its bytes no longer match its name (a damaged raw zone is never decided as if it were the
    upload); its first ``cap + 1`` bytes kept, as :func:`take_upload` keeps them."""
    path = raw_path(raw_zone, sha256)
    digest, size, head = hashlib.sha256(), 0, bytearray()
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                if len(head) <= cap:
                    head += chunk[: cap + 1 - len(head)]
    except FileNotFoundError:
        raise TerminalError(
            f"the raw zone has no file {path.name}: restore it from a backup (bhyt-etl check lists what is "
            "missing)",
            stage="raw",
        ) from None
    if digest.hexdigest() != sha256:
        raise TerminalError(
            f"the raw zone's file {path.name} no longer matches its name (its SHA-256 is "
            f"{digest.hexdigest()}): restore it from a backup",
            stage="raw",
        )
    return Upload(sha256, size, bytes(head))
