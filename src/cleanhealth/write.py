"""Stage 5, write: Documents to Parquet, and the on-disk layout of an output folder.

Layout of an output folder::

    output/
      documents -> .cleanhealth/current/documents     (symlinks, one per table)
      sections  -> .cleanhealth/current/sections
      entities  -> .cleanhealth/current/entities
      removed   -> .cleanhealth/current/removed
      run.json  -> .cleanhealth/current/run.json
      .cleanhealth/
        current -> runs/<run_id>                       (the one switch)
        runs/<run_id>/<table>/part-<n>.parquet         (hard links to shard files)
        shards/<shard_key>/<table>.parquet, DONE.json  (work units; reused on rerun)

Workers write shard files directly (nothing is pulled through one process). A run
becomes visible only when `current` is replaced by one atomic rename, so a run that
dies at any point leaves the previous output intact, and `pandas.read_parquet(
"output/documents")` always sees one complete run.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Iterable

import pyarrow as pa
import pyarrow.parquet as pq

from .document import STATUS_OK, Document
from .errors import CleanhealthError, Errors

TABLES = ("documents", "sections", "entities", "removed")
STATE_DIR = ".cleanhealth"
RUN_FILE = "run.json"
DONE_FILE = "DONE.json"
# Row groups are cut by rows AND by bytes: ~64k rows keep column scans efficient for
# the small tables (sections, entities), while the byte cap keeps a `documents` group
# (whole page texts) from growing past what a worker or a reader should hold at once.
ROW_GROUP_ROWS = 64 * 1024
ROW_GROUP_BYTES = 32 * 1024 * 1024
# Rough per-row overhead (ids, numbers, offsets) added to the string sizes when
# estimating how many bytes a buffered row group holds.
ROW_OVERHEAD_BYTES = 96
# Files the writer tolerates in an output folder it did not create (repo placeholders).
TOLERATED_NAMES = frozenset({".gitignore", ".gitkeep", ".DS_Store"})

SCHEMAS: dict[str, pa.Schema] = {
    "documents": pa.schema([
        ("doc_id", pa.string()), ("source", pa.string()), ("record", pa.int32()),
        ("format", pa.string()), ("container", pa.string()), ("url", pa.string()),
        ("domain", pa.string()), ("title", pa.string()), ("language", pa.string()),
        ("text", pa.string()), ("n_chars", pa.int64()), ("n_words", pa.int64()),
        ("n_sections", pa.int32()), ("n_entities", pa.int32()), ("n_removed", pa.int32()),
        ("removed_chars", pa.int64()), ("flags", pa.list_(pa.string())), ("status", pa.string()),
        ("error", pa.string()), ("encoding", pa.string()), ("size_bytes", pa.int64()),
        ("author", pa.string()), ("date", pa.string()), ("sitename", pa.string()),
        ("duplicate_of", pa.string()), ("content_hash", pa.string()),
    ]),
    "sections": pa.schema([
        ("doc_id", pa.string()), ("section_id", pa.int32()), ("heading", pa.string()),
        ("level", pa.int8()), ("text", pa.string()), ("start", pa.int64()), ("end", pa.int64()),
    ]),
    "entities": pa.schema([
        ("doc_id", pa.string()), ("section_id", pa.int32()), ("start", pa.int64()),
        ("end", pa.int64()), ("text", pa.string()), ("label", pa.string()), ("code", pa.string()),
        ("vocabulary", pa.string()), ("concept", pa.string()), ("negated", pa.bool_()),
    ]),
    "removed": pa.schema([
        ("doc_id", pa.string()), ("text", pa.string()), ("reason", pa.string()),
        ("stage", pa.string()), ("score", pa.float64()),
    ]),
}


def document_rows(doc: Document) -> dict[str, list[dict]]:
    """The rows one Document contributes to each table."""
    text = doc.text
    documents = [{
        "doc_id": doc.doc_id, "source": doc.source, "record": doc.record, "format": doc.format,
        "container": doc.container, "url": doc.url, "domain": doc.domain, "title": doc.title,
        "language": doc.language, "text": text, "n_chars": len(text), "n_words": len(text.split()),
        "n_sections": len(doc.sections), "n_entities": len(doc.entities),
        "n_removed": len(doc.removed), "removed_chars": sum(len(r.text) for r in doc.removed),
        "flags": list(doc.flags), "status": doc.status, "error": doc.error,
        "encoding": doc.encoding, "size_bytes": doc.size,
        "author": doc.metadata.get("author"), "date": doc.metadata.get("date"),
        "sitename": doc.metadata.get("sitename"), "duplicate_of": doc.metadata.get("duplicate_of"),
        "content_hash": doc.content_hash,
    }]
    sections = [{
        "doc_id": doc.doc_id, "section_id": s.section_id, "heading": s.heading, "level": s.level,
        "text": text[s.start:s.end], "start": s.start, "end": s.end,
    } for s in doc.sections]
    entities = [{
        "doc_id": doc.doc_id, "section_id": e.section_id, "start": e.start, "end": e.end,
        "text": e.text, "label": e.label, "code": e.code, "vocabulary": e.vocabulary,
        "concept": e.concept, "negated": e.negated,
    } for e in doc.entities]
    removed = [{
        "doc_id": doc.doc_id, "text": r.text, "reason": r.reason, "stage": r.stage, "score": r.score,
    } for r in doc.removed]
    return {"documents": documents, "sections": sections, "entities": entities, "removed": removed}


def tables_from_documents(docs: Iterable[Document]) -> dict[str, pa.Table]:
    rows: dict[str, list[dict]] = {name: [] for name in TABLES}
    for doc in docs:
        for name, table_rows in document_rows(doc).items():
            rows[name].extend(table_rows)
    return {name: pa.Table.from_pylist(rows[name], schema=SCHEMAS[name]) for name in TABLES}


class ShardWriter:
    """Streams one shard's rows to its four Parquet files, a row group at a time.

    A worker adds each Document as soon as it is finished and drops it, so memory
    holds at most one row group per table, however many records a JSON-lines or
    WARC file brings. Files are written into `<shard>.tmp/`; `close(marker)` writes
    the DONE marker and renames the folder into place (the rename is the commit
    point: a shard folder either is complete or does not exist).
    """

    def __init__(self, shard_dir: Path) -> None:
        self.shard_dir = shard_dir
        self.tmp = shard_dir.with_name(shard_dir.name + ".tmp")
        if shard_dir.exists():
            shutil.rmtree(shard_dir)
        if self.tmp.exists():
            shutil.rmtree(self.tmp)
        self.tmp.mkdir(parents=True)
        self.rows: dict[str, list[dict]] = {name: [] for name in TABLES}
        self.sizes: dict[str, int] = dict.fromkeys(TABLES, 0)
        self.writers: dict[str, pq.ParquetWriter] = {}
        self.row_groups: dict[str, int] = dict.fromkeys(TABLES, 0)
        self.signatures: list[dict] = []  # dedup facts, ~0.6 kB a page (dedup.signature_row)

    def add(self, doc: Document) -> None:
        if doc.status == STATUS_OK and doc.text:  # the pages dedup.find_duplicates compares
            from .dedup import signature_row

            row = signature_row(doc.doc_id, doc.text)
            if row is not None:
                self.signatures.append(row)
        for name, table_rows in document_rows(doc).items():
            if not table_rows:
                continue
            self.rows[name].extend(table_rows)
            self.sizes[name] += sum(_row_bytes(row) for row in table_rows)
            if len(self.rows[name]) >= ROW_GROUP_ROWS or self.sizes[name] >= ROW_GROUP_BYTES:
                self._flush(name)

    def _flush(self, name: str) -> None:
        if name not in self.writers:
            self.writers[name] = pq.ParquetWriter(self.tmp / f"{name}.parquet", SCHEMAS[name],
                                                  compression="zstd")
        if self.rows[name] or self.row_groups[name] == 0:
            table = pa.Table.from_pylist(self.rows[name], schema=SCHEMAS[name])
            self.writers[name].write_table(table, row_group_size=ROW_GROUP_ROWS)
            self.row_groups[name] += 1
        self.rows[name] = []
        self.sizes[name] = 0

    def close(self, marker: dict) -> None:
        for name in TABLES:
            if self.rows[name] or name not in self.writers:
                self._flush(name)
            self.writers[name].close()
        from .dedup import DEDUP_FILE, write_signatures

        write_signatures(self.signatures, self.tmp / DEDUP_FILE)
        _write_json_atomic(self.tmp / DONE_FILE, marker)
        os.replace(self.tmp, self.shard_dir)

    def abort(self) -> None:
        for writer in self.writers.values():
            try:
                writer.close()
            except Exception:  # noqa: BLE001 - best effort while giving up on the shard
                pass
        shutil.rmtree(self.tmp, ignore_errors=True)


def _row_bytes(row: dict) -> int:
    size = ROW_OVERHEAD_BYTES
    for value in row.values():
        if isinstance(value, str):
            size += len(value)
    return size


def write_shard(docs: Iterable[Document], shard_dir: Path, marker: dict) -> None:
    """Write one shard's tables, then its DONE marker (the marker is the commit point)."""
    writer = ShardWriter(shard_dir)
    for doc in docs:
        writer.add(doc)
    writer.close(marker)


def shard_is_done(shard_dir: Path) -> dict | None:
    marker = shard_dir / DONE_FILE
    if not marker.is_file():
        return None
    try:
        return json.loads(marker.read_text())
    except ValueError:
        return None


def check_output_folder(out: Path) -> None:
    """Refuse to write into a folder that holds anything but a cleanhealth dataset."""
    if not out.exists():
        try:
            out.mkdir(parents=True)
        except OSError as exc:
            raise CleanhealthError(Errors.E303.format(path=out, detail=exc.strerror or exc)) from exc
        return
    if not out.is_dir():
        raise CleanhealthError(Errors.E303.format(path=out, detail="it is a file, not a folder"))
    ours = set(TABLES) | {RUN_FILE, STATE_DIR}
    foreign = sorted(p.name for p in out.iterdir() if p.name not in ours | TOLERATED_NAMES)
    if foreign:
        names = ", ".join(foreign[:5]) + (", …" if len(foreign) > 5 else "")
        raise CleanhealthError(Errors.E304.format(path=out, names=names))
    for name in TABLES:
        if (out / name).exists() and not (out / name).is_symlink():
            raise CleanhealthError(Errors.E304.format(path=out, names=name))
    if not os.access(out, os.W_OK):
        raise CleanhealthError(Errors.E303.format(path=out, detail="permission denied"))


def commit_run(out: Path, run_id: str, shard_dirs: list[Path], run_info: dict,
               duplicates: dict[str, tuple[str, float]] | None = None) -> Path:
    """Assemble the finished shards into a run and switch `current` to it atomically.

    `duplicates` (doc_id -> (original doc_id, similarity), from dedup.find_duplicates)
    is written into the run's copy of each documents file that holds one; shard files
    themselves are never changed, so later runs can still reuse them.
    """
    from .dedup import mark_duplicates

    state = out / STATE_DIR
    run_dir = state / "runs" / run_id
    if run_dir.exists():
        shutil.rmtree(run_dir)
    for name in TABLES:
        (run_dir / name).mkdir(parents=True)
        for index, shard_dir in enumerate(shard_dirs):
            src, dst = shard_dir / f"{name}.parquet", run_dir / name / f"part-{index:05d}.parquet"
            if name == "documents" and duplicates and mark_duplicates(src, dst, duplicates):
                continue
            _link_or_copy(src, dst)
    _write_json_atomic(run_dir / RUN_FILE, run_info)
    _switch_symlink(state / "current", Path("runs") / run_id)
    for name in (*TABLES, RUN_FILE):
        link = out / name
        target = Path(STATE_DIR) / "current" / name
        if not (link.is_symlink() and Path(os.readlink(link)) == target):
            _switch_symlink(link, target)
    _remove_old_runs(state, keep=run_id)
    return run_dir


def prune_shards(out: Path, keep: set[str]) -> None:
    """Delete shard folders that no run uses any more (after a successful commit)."""
    shards = out / STATE_DIR / "shards"
    if not shards.is_dir():
        return
    for path in shards.iterdir():
        if path.name not in keep:
            shutil.rmtree(path, ignore_errors=True)


def _switch_symlink(link: Path, target: Path) -> None:
    tmp = link.with_name(f".{link.name}.{os.getpid()}.tmp")
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(target, tmp)
    os.replace(tmp, link)


def _remove_old_runs(state: Path, keep: str) -> None:
    runs = state / "runs"
    for path in runs.iterdir():
        if path.name != keep:
            shutil.rmtree(path, ignore_errors=True)


def _link_or_copy(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _write_json_atomic(path: Path, data: dict) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True, default=str))
    os.replace(tmp, path)
