"""Executors: the one place that decides where shards run.

Every executor takes shard tasks (picklable callables `task(emit) -> summary`, see
`run.ShardTask`) and yields their summaries as they finish, calling
`on_event(shard_index, event)` for the progress events a task emits on the way. The
pipeline does not know which executor it runs under:

- `InProcessExecutor` (default): one after another in this process. Easiest to debug.
  The per-page time limit works (SIGALRM); a page that kills the interpreter kills
  the run, so use `--executor process` on crawls you do not trust.
- `SandboxPoolExecutor` (`--workers N`): N worker processes, each supervised by a
  thread of this process through a `Sandbox`.
- `DaskExecutor` (`--executor dask`, in dask_executor.py): each Dask worker drives
  its own `Sandbox`, so isolation is the same on a cluster.

A `Sandbox` is a child Python process that runs one shard at a time and reports
which file and page it is on. If the child dies (segfault, os._exit, out-of-memory
kill) or a page overruns its time limit by more than `BACKSTOP_GRACE` (a parser stuck
in C code, where SIGALRM cannot interrupt it), the supervisor kills it, records that
page as failed (E203 or E202) and re-runs the shard in a fresh child with the page
marked, so one hostile page costs one failed row, not the run. The child loads the
models once and keeps them for every later shard.
"""

from __future__ import annotations

import os
import pickle
import queue
import select
import signal
import struct
import subprocess
import sys
import threading
from typing import Any, Callable, Iterator, Protocol, Sequence

from .errors import CleanhealthError, Errors

# Extra seconds the supervisor waits past the page time limit before it kills the
# worker: the in-worker alarm normally stops the page first and costs no restart.
BACKSTOP_GRACE = 10.0
# Time allowed for phases that are not one page: starting the child and loading the
# models (warm-up), and writing a shard's Parquet files.
PHASE_TIMEOUT = 600.0
# A child that dies outside any page (startup, writing) is retried this many times
# before the run gives up: that is a broken installation or disk, not a bad page.
MAX_PHASE_RETRIES = 2
# A worker whose resident memory has grown by more than this since its first shard is
# replaced by a fresh one after its current shard (the models reload in seconds).
# Caches that grow with the corpus (spaCy's string store, parser caches) then cannot
# push a long run's workers past the ~600 MB per-worker budget.
RECYCLE_GROWTH_BYTES = 192 * 1024 * 1024
# Linux prctl option: deliver a signal to the child when its parent dies, so a run
# killed with SIGKILL leaves no orphan still writing a shard the next run resumes.
PR_SET_PDEATHSIG = 1

OnEvent = Callable[[int, tuple], None]
FRAME_HEADER = struct.Struct("<Q")


class Work(Protocol):
    """What an executor runs (run.ShardTask)."""

    index: int
    page_timeout: float | None

    def __call__(self, emit: Callable[[tuple], None] | None = None) -> Any: ...

    def with_failure(self, file_index: int, record: int, error: str) -> "Work": ...


class Executor(Protocol):
    name: str

    def map_unordered(self, tasks: Sequence[Work], on_event: OnEvent | None = None) -> Iterator[Any]: ...

    def close(self) -> None: ...


class WorkerError(CleanhealthError):
    """A shard could not be completed for a reason that is not one page."""


class InProcessExecutor:
    """Runs shards one after another in this process (the default; easiest to debug)."""

    name = "inprocess"

    def map_unordered(self, tasks: Sequence[Work], on_event: OnEvent | None = None) -> Iterator[Any]:
        for task in tasks:
            emit = (lambda event, i=task.index: on_event(i, event)) if on_event else None
            yield task(emit)

    def close(self) -> None:
        pass


# --- the sandbox: a supervised child process --------------------------------------------


def _write_frame(fh, obj: Any) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    fh.write(FRAME_HEADER.pack(len(data)) + data)
    fh.flush()


def _read_exact(fd: int, n: int) -> bytes | None:
    chunks = []
    while n:
        chunk = os.read(fd, min(n, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def child_main() -> None:
    """Entry point of a sandbox child: run tasks from stdin, report on stdout."""
    channel = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # stray prints from libraries must not corrupt the channel
    _die_with_parent()
    # Ctrl-C reaches the whole process group; the supervisor decides what stops (it
    # kills its children on the way out), so a child must not die mid-write on its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Import the pipeline now, while the parent is still planning shards, rather than
    # when the first task arrives: a worker's start-up overlaps the parent's hashing.
    import cleanhealth.run  # noqa: F401
    fd = sys.stdin.fileno()
    while True:
        header = _read_exact(fd, FRAME_HEADER.size)
        if header is None:
            return
        body = _read_exact(fd, FRAME_HEADER.unpack(header)[0])
        if body is None:
            return
        message = pickle.loads(body)
        if message is None:
            return
        if isinstance(message, dict) and "sys_path" in message:
            sys.path[:0] = [p for p in message["sys_path"] if p not in sys.path]
            continue
        try:
            result = message(lambda event: _write_frame(channel, ("event", event)))
            _write_frame(channel, ("result", result))
        except Exception:  # noqa: BLE001 - reported to the supervisor, which decides
            import traceback

            _write_frame(channel, ("error", traceback.format_exc(limit=20)))


def _die_with_parent() -> None:
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() == 1:  # the parent died before prctl took effect
            os._exit(1)
    except (OSError, AttributeError):
        pass


class Sandbox:
    """One supervised child process that runs shards one at a time.

    Not thread-safe: each supervising thread owns its Sandbox.
    """

    def __init__(self) -> None:
        self.proc: subprocess.Popen | None = None
        self.baseline_rss = 0  # the child's memory after its first shard
        self.recycled = 0

    def _start(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", "from cleanhealth.executors import child_main; child_main()"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0,
        )
        _write_frame(self.proc.stdin, {"sys_path": list(sys.path)})

    def _kill(self) -> None:
        self.baseline_rss = 0  # the next child measures its own baseline
        if self.proc is None:
            return
        try:
            self.proc.kill()
        except OSError:
            pass
        self.proc.wait()
        for fh in (self.proc.stdin, self.proc.stdout):
            try:
                fh.close()
            except OSError:
                pass
        self.proc = None

    def _death_detail(self) -> str:
        assert self.proc is not None
        try:
            code = self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            return "stopped responding"
        if code < 0:
            try:
                return f"killed by {signal.Signals(-code).name}"
            except ValueError:
                return f"killed by signal {-code}"
        return f"exit code {code}"

    def _receive(self, timeout: float) -> tuple | str:
        """The next frame, or 'timeout' / 'dead'."""
        assert self.proc is not None and self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        ready, _, _ = select.select([fd], [], [], timeout)
        if not ready:
            return "timeout"
        header = _read_exact(fd, FRAME_HEADER.size)
        if header is None:
            return "dead"
        body = _read_exact(fd, FRAME_HEADER.unpack(header)[0])
        if body is None:
            return "dead"
        return pickle.loads(body)

    def run(self, task: Work, on_event: Callable[[tuple], None] | None = None) -> Any:
        """Run one task to completion, isolating pages that hang or crash the child."""
        phase_failures = 0
        while True:
            if self.proc is None or self.proc.poll() is not None:
                self._kill()
                self._start()
            try:
                _write_frame(self.proc.stdin, task)
            except (BrokenPipeError, OSError):
                self._kill()
                phase_failures += 1
                if phase_failures > MAX_PHASE_RETRIES:
                    raise WorkerError(Errors.E203.format(detail="could not start a worker process"))
                continue
            where: tuple | None = None  # (file, record) being processed, if any
            page_limit = (task.page_timeout + BACKSTOP_GRACE) if task.page_timeout else None
            timeout = PHASE_TIMEOUT
            while True:
                frame = self._receive(timeout)
                if frame == "timeout" or frame == "dead":
                    break
                kind, payload = frame
                if kind == "result":
                    self._maybe_recycle(getattr(payload, "rss", 0))
                    return payload
                if kind == "error":
                    raise WorkerError(f"shard {task.index} failed in its worker:\n{payload}")
                event = payload
                if on_event:
                    on_event(event)
                if event[0] == "page":
                    where, timeout = (event[1], event[2]), page_limit or PHASE_TIMEOUT
                elif event[0] == "file":
                    where, timeout = (event[1], -1), page_limit or PHASE_TIMEOUT
                else:
                    where, timeout = None, PHASE_TIMEOUT
            if frame == "timeout":
                seconds = task.page_timeout if where is not None else PHASE_TIMEOUT
                error = Errors.E202.format(seconds=f"{seconds:g}")
                self._kill()
            else:
                error = Errors.E203.format(detail=self._death_detail())
                self._kill()
            if where is None:
                phase_failures += 1
                if phase_failures > MAX_PHASE_RETRIES:
                    raise WorkerError(f"shard {task.index}: {error} (outside any page)")
                continue
            task = task.with_failure(where[0], where[1], error)

    def _maybe_recycle(self, rss: int) -> None:
        if not rss:
            return
        if not self.baseline_rss:
            self.baseline_rss = rss
        elif rss - self.baseline_rss > RECYCLE_GROWTH_BYTES:
            self.close()
            self.recycled += 1

    def close(self) -> None:
        self.baseline_rss = 0
        if self.proc is None:
            return
        try:
            _write_frame(self.proc.stdin, None)
            self.proc.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            pass
        self._kill()


class SandboxPoolExecutor:
    """A pool of supervised worker processes on this machine (`--workers N`).

    One thread per worker feeds it shards and watches it; threads only wait on pipes,
    so the parent stays light. Results and progress events come back through one
    queue and are handed out in this (the caller's) thread.
    """

    name = "process"

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.sandboxes = [Sandbox() for _ in range(workers)]
        for sandbox in self.sandboxes:  # start importing while the parent plans
            sandbox._start()

    def map_unordered(self, tasks: Sequence[Work], on_event: OnEvent | None = None) -> Iterator[Any]:
        pending: queue.Queue = queue.Queue()
        for task in tasks:
            pending.put(task)
        results: queue.Queue = queue.Queue()
        stop = threading.Event()

        def worker(sandbox: Sandbox) -> None:
            while not stop.is_set():
                try:
                    task = pending.get_nowait()
                except queue.Empty:
                    return
                try:
                    summary = sandbox.run(task, lambda event, i=task.index: results.put(("event", i, event)))
                    results.put(("result", task.index, summary))
                except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
                    results.put(("raise", task.index, exc))
                    return

        threads = [threading.Thread(target=worker, args=(s,), daemon=True, name=f"cleanhealth-worker-{n}")
                   for n, s in enumerate(self.sandboxes[:max(1, min(self.workers, len(tasks)))])]
        for thread in threads:
            thread.start()
        remaining = len(tasks)
        try:
            while remaining:
                kind, index, payload = results.get()
                if kind == "event":
                    if on_event:
                        on_event(index, payload)
                elif kind == "result":
                    remaining -= 1
                    yield payload
                else:
                    raise payload
        finally:
            stop.set()
            if remaining:  # interrupted or failed: stop the children now
                for sandbox in self.sandboxes:
                    sandbox._kill()
            for thread in threads:
                thread.join(timeout=1)

    def close(self) -> None:
        for sandbox in self.sandboxes:
            sandbox.close()


# Kept for callers of the earlier name.
ProcessPoolExecutor = SandboxPoolExecutor


def make_executor(kind: str, workers: int, scheduler: str | None = None) -> Executor:
    if kind == "dask":
        try:
            from .dask_executor import DaskExecutor
        except ImportError as exc:
            raise CleanhealthError(Errors.E306.format(
                detail=f"--executor dask needs Dask: pip install 'cleanhealth[dask]' ({exc})")) from exc
        return DaskExecutor(workers=workers, scheduler=scheduler)
    if kind == "process" or (kind == "auto" and workers > 1):
        return SandboxPoolExecutor(workers)
    if kind in ("auto", "inprocess"):
        return InProcessExecutor()
    raise CleanhealthError(Errors.E306.format(detail=f"unknown executor '{kind}'"))


__all__ = ["Executor", "InProcessExecutor", "Sandbox", "SandboxPoolExecutor", "WorkerError",
           "make_executor", "child_main"]
