"""One run at a time per lake: an exclusive ``flock`` on ``<lake>/.lock``, released by the kernel on exit."""

from __future__ import annotations

import fcntl
import os
import socket
from datetime import UTC, datetime
from pathlib import Path

from pipelines.common.errors import TerminalError

_HELD: dict[str, list[int]] = {}  # lock path -> [fd, holders] for locks this process holds


class RunLock:
    """One run at a time per lake: an exclusive, non-blocking ``flock`` on ``<lake>/.lock``.

    Re-entrant within a process (the CLI takes it before starting the flow, whose ``open`` takes it again);
    released when the last holder releases it, or by the kernel when the process dies.
    """

    def __init__(self, lake: Path) -> None:
        self.path = lake / ".lock"
        self.held = False

    def acquire(self) -> None:
        key = str(self.path.resolve())
        if key in _HELD:
            _HELD[key][1] += 1
            self.held = True
            return
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o640)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode(errors="replace").strip()
            os.close(fd)
            raise RunInProgress(
                f"another run is in progress ({holder or 'holder unknown'}); nothing was changed. Wait for "
                f"it to finish: the lock on {self.path} is released when that process ends, even by a crash",
                stage="open",
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(
            fd,
            f"pid {os.getpid()} on {socket.gethostname()} since {datetime.now(UTC):%Y-%m-%d %H:%M}Z".encode(),
            0,
        )
        _HELD[key] = [fd, 1]
        self.held = True

    def release(self) -> None:
        if not self.held:
            return
        self.held = False
        key = str(self.path.resolve())
        entry = _HELD.get(key)
        if entry is None:
            return
        entry[1] -= 1
        if entry[1] == 0:
            del _HELD[key]
            os.close(entry[0])


class RunInProgress(TerminalError):
    """A second run was started while one holds the lake (exit code 3, so schedulers can tell it apart)."""

    exit_code = 3
