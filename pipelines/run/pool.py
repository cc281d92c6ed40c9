"""Where batches are worked on: this machine's process pool, or a Dask cluster.

Both implement :class:`Pool`: ``submit(fn, arg)`` starts ``fn(arg)`` on a worker and returns a future whose
``result()`` gives its value (or raises its exception). The run submits its batches ahead and takes their
results in upload order, so claim versions are numbered the same whatever ran where. :func:`open_pool` picks
one from the settings (``executor = "local" | "dask"``); nothing else in the product knows which it got.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing import get_context
from types import TracebackType
from typing import Any, Protocol, TypeVar

from pipelines.common.errors import ConfigurationError
from pipelines.run import worker
from pipelines.run.worker import Where

A = TypeVar("A")
R = TypeVar("R")


class Result(Protocol[R]):  # type: ignore[misc]  # a future's result, covariant in what it returns
    def result(self) -> R: ...


class Pool(Protocol):
    @property
    def workers(self) -> int:
        """How many batches the pool works on at once."""
        ...

    def submit(self, fn: Callable[[A, Where | None], R], arg: A) -> Result[R]:
        """Start ``fn(arg, where)`` on a worker (``where`` is None where the worker was built with it)."""
        ...

    def start(self) -> object:
        """Have the workers ready (a no-op where they already are)."""
        ...

    def close(self) -> None: ...

    def __enter__(self) -> Pool: ...

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...


class LocalPool:
    """This machine's worker processes (``workers`` ≤ 1: in this process, for small runs and tests)."""

    def __init__(self, where: Where, workers: int) -> None:
        self.workers = workers
        self.executor: ProcessPoolExecutor | None = None
        if workers > 1:
            self.executor = ProcessPoolExecutor(
                max_workers=workers,
                mp_context=get_context("spawn"),
                initializer=worker.init_worker,
                initargs=(where,),
            )
            # start the workers now (spawn + registry + trust store take a second or two) so that they
            # are ready by the time the inboxes are listed
            for _ in range(workers):
                self.executor.submit(os.getpid)
        else:
            worker.init_worker(where)

    def submit(self, fn: Callable[[A, Where | None], R], arg: A) -> Result[R]:
        if self.executor is not None:
            return self.executor.submit(fn, arg, None)
        done: Future[R] = Future()
        try:
            done.set_result(fn(arg, None))
        except Exception as exc:  # noqa: BLE001 - handed to whoever asks for the result, as a process pool does
            done.set_exception(exc)
        return done

    def start(self) -> LocalPool:
        return self

    def close(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
            self.executor = None
        else:
            worker.close_worker()

    def __enter__(self) -> LocalPool:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class DaskPool:
    """The workers of a Dask cluster (``dask_address``). Each reads its batches from the landing itself (its
    own connection) and writes to the lake, which must be on storage they all share."""

    def __init__(self, where: Where, address: str) -> None:
        # dask is imported only when a cluster is used: it is heavy, and most installations never need it
        from distributed import Client

        self.where = where
        self.client: Any = Client(address, set_as_default=False)
        self.workers = max(1, len(self.client.scheduler_info().get("workers", {})))

    def submit(self, fn: Callable[[A, Where | None], R], arg: A) -> Result[R]:
        future: Result[R] = self.client.submit(fn, arg, self.where, pure=False)
        return future

    def start(self) -> DaskPool:
        return self

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> DaskPool:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class LazyPool:
    """The pool the settings ask for, started on the first ``submit``: a night with nothing to decide or
    deliver (the usual case for most facilities' folders, and every unchanged night) never spawns a worker or
    connects to a cluster."""

    def __init__(self, where: Where) -> None:
        self.where = where
        self._pool: Pool | None = None

    @property
    def started(self) -> bool:
        return self._pool is not None

    @property
    def workers(self) -> int:
        if self._pool is None and self.where.settings.executor == "dask":
            self.start()  # a cluster's size is known once connected
        return self._pool.workers if self._pool is not None else self.where.settings.resolved_workers

    def start(self) -> Pool:
        """Start the workers now (they take a second or two to spawn and load the schemas)."""
        if self._pool is None:
            self._pool = _make_pool(self.where)
        return self._pool

    def submit(self, fn: Callable[[A, Where | None], R], arg: A) -> Result[R]:
        return self.start().submit(fn, arg)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None

    def __enter__(self) -> LazyPool:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def open_pool(where: Where) -> Pool:
    """The pool the settings ask for (``executor = "dask"`` with ``dask_address``, else local processes),
    started when the first batch is submitted; a wrong executor setting is refused now."""
    _check_executor(where)
    return LazyPool(where)


def _check_executor(where: Where) -> None:
    settings = where.settings
    if settings.executor == "dask":
        if not settings.dask_address:
            raise ConfigurationError(
                "executor dask needs the scheduler's address: --dask-address tcp://host:8786 "
                "(or BHYT_DASK_ADDRESS / dask_address in the settings file)",
                stage="decide",
            )
    if settings.executor not in ("local", "dask"):
        raise ConfigurationError(f"executor {settings.executor!r}: use local or dask", stage="decide")


def _make_pool(where: Where) -> Pool:
    settings = where.settings
    if settings.executor == "dask" and settings.dask_address:
        return DaskPool(where, settings.dask_address)
    return LocalPool(where, settings.resolved_workers)
