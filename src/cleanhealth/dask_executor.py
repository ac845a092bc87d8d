"""Run shards on a Dask cluster (`--executor dask`; `pip install 'cleanhealth[dask]'`).

Each Dask task is one shard. The task does not process pages in the Dask worker
itself: it hands the shard to a `Sandbox` child owned by that worker thread (started
on first use, kept for later shards), so the models are loaded once per worker and a
page that hangs or crashes its process is isolated exactly as with the local pool,
without taking down the Dask worker. Workers read the input files and write shard
files by absolute path: every worker must see the same filesystem (a shared volume on
a cluster).

Only a bounded window of tasks is submitted at a time, so a million-file crawl never
becomes a million-task graph on the scheduler. Progress: each worker publishes a
small event per finished file (at most two a second) on a Dask topic that the client forwards.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from typing import Any, Iterator, Sequence

from .executors import OnEvent, Sandbox, Work

# Tasks in flight per worker thread: enough to keep every worker busy while the next
# task is scheduled, few enough that the scheduler holds a small graph.
TASKS_IN_FLIGHT_PER_THREAD = 2
PROGRESS_TOPIC = "cleanhealth-progress"
# At most one progress event per task per this many seconds: the scheduler relays
# every event, and a million-file crawl must not become a million messages.
PROGRESS_INTERVAL = 0.5

_local = threading.local()


def _sandbox() -> Sandbox:
    """The Sandbox owned by the current Dask worker thread."""
    sandbox = getattr(_local, "sandbox", None)
    if sandbox is None:
        sandbox = _local.sandbox = Sandbox()
    return sandbox


def run_shard_on_worker(task: Work) -> Any:
    """The Dask task: run one shard in this worker's sandbox, publishing progress."""
    try:
        from distributed import get_worker

        worker = get_worker()
    except (ImportError, ValueError):
        worker = None

    last = [0.0]

    def on_event(event: tuple) -> None:
        # ('file', i) is cumulative, so skipped events just coalesce into the next one.
        now = time.monotonic()
        if worker is not None and event[0] == "file" and now - last[0] >= PROGRESS_INTERVAL:
            last[0] = now
            worker.log_event(PROGRESS_TOPIC, {"shard": task.index, "event": list(event)})

    return _sandbox().run(task, on_event)


class DaskExecutor:
    """Shards as Dask tasks, on a LocalCluster or an existing scheduler."""

    name = "dask"

    def __init__(self, workers: int = 1, scheduler: str | None = None) -> None:
        from distributed import Client, LocalCluster

        self.cluster = None
        self.token = uuid.uuid4().hex[:12]
        if scheduler:
            self.client = Client(scheduler)
        else:
            # processes=True with one thread per worker: pages are CPU-bound Python, so
            # threads would share one GIL; each worker process gets one sandbox.
            self.cluster = LocalCluster(n_workers=workers, processes=True, threads_per_worker=1,
                                        dashboard_address=None, silence_logs=logging.ERROR)
            self.client = Client(self.cluster)

    def _threads(self) -> int:
        info = self.client.scheduler_info()
        return max(1, sum(w.get("nthreads", 1) for w in info.get("workers", {}).values()))

    def _submit(self, task: Work):
        # A readable key, unique per run: two runs over the same input (into different
        # output folders) share shard keys but must not share Dask tasks.
        return self.client.submit(run_shard_on_worker, task, pure=False,
                                  key=f"cleanhealth-shard-{task.index:06d}-{self.token}")

    def map_unordered(self, tasks: Sequence[Work], on_event: OnEvent | None = None) -> Iterator[Any]:
        from distributed import as_completed

        if not tasks:
            return
        if on_event:
            def forward(message: tuple) -> None:
                _, payload = message
                on_event(payload["shard"], tuple(payload["event"]))

            self.client.subscribe_topic(PROGRESS_TOPIC, forward)
        window = self._threads() * TASKS_IN_FLIGHT_PER_THREAD
        todo = iter(tasks)
        futures = as_completed()
        submitted = 0
        for task in todo:
            futures.add(self._submit(task))
            submitted += 1
            if submitted >= window:
                break
        try:
            for future in futures:
                result = future.result()
                future.release()
                yield result
                nxt = next(todo, None)
                if nxt is not None:
                    futures.add(self._submit(nxt))
        finally:
            if on_event:
                try:
                    self.client.unsubscribe_topic(PROGRESS_TOPIC)
                except Exception:  # noqa: BLE001 - closing anyway
                    pass

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


__all__ = ["DaskExecutor", "run_shard_on_worker"]
