"""The product's exceptions: what must never be retried, what may be, and where it happened.

:class:`TerminalError` (a bad file stays bad, a bad setting stays bad) is never retried;
:class:`TransientError` (an SFTP time-out) is retried by the flow. Every error carries its context (facility,
file, stage) and a message that says what to do. Receipt problems (codes, messages) are not exceptions: see
:mod:`pipelines.standard.codes`.
"""

from __future__ import annotations

import errno


class PipelineError(Exception):
    """Base of the product's exceptions: a message that says what to do, plus where it happened."""

    def __init__(
        self, message: str, *, facility: str | None = None, file: str | None = None, stage: str | None = None
    ) -> None:
        self.facility, self.file, self.stage = facility, file, stage
        where = ", ".join(
            f"{k}={v}" for k, v in (("stage", stage), ("facility", facility), ("file", file)) if v
        )
        super().__init__(f"{message} [{where}]" if where else message)


class TerminalError(PipelineError):
    """Cannot succeed by trying again (bad configuration, bad input): never retried."""


class TransientError(PipelineError):
    """May succeed later (network time-out, a locked file): retried by the flow."""


class ConfigurationError(TerminalError):
    """The settings, the trust directory or the landing tree are not usable as given."""


class DiskFull(TerminalError):
    """A disk the run writes to (raw zone, lake, staging, outboxes, warehouse) is full. Nothing is lost: the
    files not yet committed stay in the inboxes and the next run takes them once space is freed."""

    exit_code = 4


#: the errors that mean "no space left" (quota included): the disk, not the file, is at fault
_NO_SPACE = {errno.ENOSPC, errno.EDQUOT}


def raise_if_disk_full(exc: OSError, where: str) -> None:
    """Raise :class:`DiskFull` (saying what to do) when ``exc``, met while writing ``where``, means the disk
    is full; otherwise return, and the caller re-raises the error as it is."""
    if exc.errno in _NO_SPACE:
        raise DiskFull(
            f"no space left on the disk holding {where} ({exc.strerror}). Nothing was lost: files not yet "
            "committed stay in the facilities' inboxes. Free space there, then run again",
            stage="run",
        ) from exc
