"""Where the files of a batch are decided: this machine's process pool, or a Dask cluster.

Both implement :class:`Pool`: ``map(jobs)`` yields the workers' :class:`~pipelines.run.worker.Chunk` results
in the order of the jobs (claim versions are numbered in upload order), while the chunks run in parallel.
:func:`open_pool` picks one from the settings (``executor = "local" | "dask"``); nothing else in the product
knows which it got.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol

from pipelines.common.errors import ConfigurationError
from pipelines.common.settings import Settings
from pipelines.run import worker
from pipelines.run.worker import Chunk, Job

#: most files a worker takes at a time: Arrow is built once per chunk, and results come back per chunk
CHUNK_FILES = 32


def split(jobs: list[Job], workers: int, most: int = CHUNK_FILES) -> list[list[Job]]:
    """Jobs in consecutive chunks: at most ``most`` files each, and at least one chunk per worker."""
    size = max(1, min(most, -(-len(jobs) // max(1, workers))))
    return [jobs[i : i + size] for i in range(0, len(jobs), size)]


class Pool(Protocol):
    workers: int

    def map(self, jobs: list[Job]) -> Iterator[Chunk]:
        """Decide the jobs; the results come back in the jobs' order."""
        ...

    def close(self) -> None: ...

    def __enter__(self) -> Pool: ...

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...


class LocalPool:
    """This machine's worker processes (``workers`` ≤ 1: in this process, for small runs and tests)."""

    def __init__(self, trust: Path, settings: Settings, workers: int) -> None:
        self.workers = workers
        self.executor: ProcessPoolExecutor | None = None
        if workers > 1:
            self.executor = ProcessPoolExecutor(
                max_workers=workers,
                mp_context=get_context("spawn"),
                initializer=worker.init_worker,
                initargs=(str(trust), settings),
            )
            # start the workers now (spawn + registry + trust store take a second or two) so that they
            # are ready by the time intake has finished
            for _ in range(workers):
                self.executor.submit(os.getpid)
        else:
            worker.init_worker(str(trust), settings)

    def map(self, jobs: list[Job]) -> Iterator[Chunk]:
        chunks = split(jobs, self.workers)
        if self.executor is None:
            return map(worker.decide_chunk, chunks)
        return self.executor.map(worker.decide_chunk, chunks)

    def close(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
            self.executor = None

    def __enter__(self) -> LocalPool:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class DaskPool:
    """The workers of a Dask cluster (``dask_address``). The raw zone must be on storage they share."""

    def __init__(self, trust: Path, settings: Settings, address: str) -> None:
        # dask is imported only when a cluster is used: it is heavy, and most installations never need it
        from distributed import Client

        self.trust, self.settings = str(trust), settings
        self.client: Any = Client(address, set_as_default=False)
        self.workers = max(1, len(self.client.scheduler_info().get("workers", {})))

    def map(self, jobs: list[Job]) -> Iterator[Chunk]:
        chunks = split(jobs, self.workers)
        futures = self.client.map(
            worker.decide_chunk_on, chunks, trust_dir=self.trust, settings=self.settings, pure=False
        )
        return (future.result() for future in futures)

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> DaskPool:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def open_pool(trust: Path, settings: Settings) -> Pool:
    """The pool the settings ask for: ``executor = "dask"`` with ``dask_address``, else local processes."""
    if settings.executor == "dask":
        if not settings.dask_address:
            raise ConfigurationError(
                "executor dask needs the scheduler's address: --dask-address tcp://host:8786 "
                "(or BHYT_DASK_ADDRESS / dask_address in the settings file)",
                stage="decide",
            )
        return DaskPool(trust, settings, settings.dask_address)
    if settings.executor != "local":
        raise ConfigurationError(f"executor {settings.executor!r}: use local or dask", stage="decide")
    return LocalPool(trust, settings, settings.resolved_workers)
