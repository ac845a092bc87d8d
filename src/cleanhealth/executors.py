"""Executors: the one place that decides where `process_shard` runs.

Every executor maps a picklable function over work items and yields results as they
finish. The pipeline does not know which executor it runs under.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
from typing import Any, Callable, Iterable, Iterator, Protocol


class Executor(Protocol):
    name: str

    def map_unordered(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]: ...

    def close(self) -> None: ...


class InProcessExecutor:
    """Runs items one after another in this process (the default; easiest to debug)."""

    name = "inprocess"

    def map_unordered(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
        for item in items:
            yield fn(item)

    def close(self) -> None:
        pass


class ProcessPoolExecutor:
    """A pool of worker processes on this machine (`--workers N`).

    Workers are started with 'spawn' where fork is unsafe; heavy objects (the tagger)
    are built once per worker, on first use, and reused for every later item.
    """

    name = "process"

    def __init__(self, workers: int) -> None:
        ctx = multiprocessing.get_context("forkserver" if hasattr(multiprocessing, "get_context") else None)
        self.pool = cf.ProcessPoolExecutor(max_workers=workers, mp_context=ctx)

    def map_unordered(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
        futures = [self.pool.submit(fn, item) for item in items]
        for future in cf.as_completed(futures):
            yield future.result()

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


def make_executor(kind: str, workers: int, scheduler: str | None = None) -> Executor:
    if kind == "dask":
        from .dask_executor import DaskExecutor

        return DaskExecutor(workers=workers, scheduler=scheduler)
    if kind == "process" or (kind == "auto" and workers > 1):
        return ProcessPoolExecutor(workers)
    return InProcessExecutor()
