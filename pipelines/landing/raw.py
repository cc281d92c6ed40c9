"""The raw zone: every received byte, kept under its SHA-256, written once and never modified.

``<lake>/raw/ab/abcd….xml`` is the system of record: what a facility sent, exactly. An upload is streamed in
(hashed as it is copied, never whole in memory) before anything else happens to it.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path
from typing import BinaryIO

from pipelines.landing.inbox import Inbox, InboxEntry


def raw_path(raw_zone: Path, sha256: str) -> Path:
    return raw_zone / sha256[:2] / f"{sha256}.xml"


class _Hashing:
    """A file object that hashes what is written through it."""

    def __init__(self, fh: BinaryIO) -> None:
        self.fh, self.digest, self.size = fh, hashlib.sha256(), 0

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        self.size += len(data)
        return self.fh.write(data)


def keep_raw_from(raw_zone: Path, inbox: Inbox, entry: InboxEntry) -> tuple[str, int]:
    """Stream an upload into the raw zone under its SHA-256 (hashing as it copies, never the whole file in
    memory: a multi-gigabyte upload is kept as evidence and then refused by size, not by running out of
    memory). Returns (SHA-256, size). Not fsync'd one by one: the caller makes a batch durable with
    :func:`os.sync` before the ledger records it (until then the original is still in the inbox)."""
    raw_zone.mkdir(parents=True, exist_ok=True, mode=0o750)
    tmp = raw_zone / f".incoming.{os.getpid()}.{secrets.token_hex(6)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o440)
    try:
        with os.fdopen(fd, "wb") as fh:
            sink = _Hashing(fh)
            inbox.read_to(entry, sink)
        sha = sink.digest.hexdigest()
        path = raw_path(raw_zone, sha)
        if path.exists():
            tmp.unlink()
        else:
            path.parent.mkdir(exist_ok=True, mode=0o750)
            os.replace(tmp, path)
        return sha, sink.size
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
