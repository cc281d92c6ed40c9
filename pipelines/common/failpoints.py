"""Named points where a test can kill the run, to prove that running again repairs everything.

``BHYT_FAILPOINT=publish:renamed`` makes the process SIGKILL its whole process group (itself and its
worker processes) the moment the run reaches that point: no ``finally``, no flush, as a power cut would.
Unset (always, in production) a failpoint costs one dictionary lookup.
"""

from __future__ import annotations

import os
import signal

POINTS = (
    "intake:stored",  # some uploads are in the raw zone and the ledger, others still only in the inbox
    "decide:batch",  # a batch is decided and staged, later batches are not
    "publish:renamed",  # Parquet files are in their place but the ledger has not committed them
    "publish:committed",  # the ledger committed; no receipt delivered yet
    "answer:some",  # some receipts delivered and originals moved, others not
    "serve:built",  # the new warehouse is built and checked but not swapped in
)


def failpoint(name: str) -> None:
    if os.environ.get("BHYT_FAILPOINT") == name:
        os.killpg(os.getpgrp(), signal.SIGKILL)
