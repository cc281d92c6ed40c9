"""Named points where a test can kill the run, or make a disk look full, to prove that running again repairs
everything.

``BHYT_FAILPOINT=commit:renamed`` makes the process SIGKILL its whole process group (itself and its worker
processes) the moment the run reaches that point: no ``finally``, no flush, as a power cut would.
``BHYT_FAILPOINT=worker:part:enospc`` instead raises ``OSError(ENOSPC)`` there, as a full disk would.
Unset (always, in production) a failpoint costs one dictionary lookup.
"""

from __future__ import annotations

import errno
import os
import signal

POINTS = (
    "worker:raw",  # a worker has copied an upload into the raw zone; nothing of it is decided yet
    "worker:part",  # a worker has staged a Parquet part file of its batch
    "worker:receipts",  # a worker has staged its batch's receipts; the batch is not committed
    "commit:renamed",  # a batch's files are in their place in the lake but the ledger has not committed them
    "commit:done",  # a batch is committed; its receipts are not delivered, later batches not committed
    "answer:some",  # some receipts delivered and originals moved, others not
    "serve:built",  # the new warehouse is built and checked but not swapped in
)
#: the points of ``bhyt-etl reprocess`` (besides the worker's and ``serve:built``, which it passes too)
REPROCESS_POINTS = (
    "reprocess:renamed",  # a batch decided again is in its place in the lake, not committed
    "reprocess:committed",  # a batch decided again is committed; its amended receipts are not delivered
    "reprocess:moved",  # an amended receipt written and its original moved to archive/, not yet recorded
)
#: where a full disk can be simulated (``<point>:enospc``): the raw zone, the staged Parquet, the staged
#: receipts, a receipt delivered to an outbox, the warehouse build
DISK_POINTS = ("worker:raw", "worker:part", "worker:receipts", "deliver:receipt", "serve:built")


def failpoint(name: str) -> None:
    """Kill the process group at ``name``, or raise ``ENOSPC`` there (see the module's docstring)."""
    wanted = os.environ.get("BHYT_FAILPOINT")
    if wanted is None:
        return
    if wanted == name:
        os.killpg(os.getpgrp(), signal.SIGKILL)
    if wanted == f"{name}:enospc":
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), f"(simulated at {name})")
