"""Landing: the facilities' SFTP folders and the raw zone (the edge where files come in and receipts go out).

``inbox``  the :class:`Inbox` interface and :class:`LocalInbox` (the pipeline runs on the SFTP host)
``sftp``   :class:`SftpInbox`, the same interface over SFTP (``sftp://user@host:port/path``); imported by
           :func:`open_inbox` for an ``sftp://`` landing only (paramiko is half a second of every process's
           start, and a local landing, each worker process and every command but ingest need none of it)
``raw``    the raw zone: every received byte under its SHA-256, the system of record

May import: ``pipelines.common``. Nothing here parses or decides a file; it moves bytes.
"""

from __future__ import annotations

from pathlib import Path

from pipelines.landing.inbox import Inbox, InboxEntry, LocalInbox, settled
from pipelines.landing.raw import Upload, raw_path, read_raw, take_upload

__all__ = [
    "Inbox",
    "InboxEntry",
    "LocalInbox",
    "Upload",
    "open_inbox",
    "raw_path",
    "read_raw",
    "settled",
    "take_upload",
]


def open_inbox(
    landing: str | Path, *, known_hosts: Path | None = None, key_file: Path | None = None
) -> Inbox:
    """The inbox for a landing root: a local path, or ``sftp://user@host:port/path``."""
    text = str(landing)
    if text.startswith("sftp://"):
        from pipelines.landing.sftp import SftpInbox  # paramiko: only for an SFTP landing (see above)

        return SftpInbox.connect(text, known_hosts=known_hosts, key_file=key_file)
    return LocalInbox(Path(text))
