"""Shard writing: incremental row groups, the DONE marker as commit point, atomic runs."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import cleanhealth
from cleanhealth import write
from cleanhealth.pipeline import Options
from cleanhealth.run import run

pytestmark = pytest.mark.timeout(120)


def jsonl_corpus(folder: Path, records: int) -> Path:
    folder.mkdir(parents=True)
    with (folder / "crawl.jsonl").open("w") as fh:
        for i in range(records):
            html = (f"<html><head><title>Page {i}</title></head><body><article><h1>Topic {i}</h1>"
                    f"<p>Record {i} describes back pain, its causes and treatment with rest and "
                    f"gentle exercise over several weeks.</p></article></body></html>")
            fh.write(json.dumps({"url": f"https://example.org/p/{i}", "html": html}) + "\n")
    return folder


def test_many_record_file_is_written_in_row_groups(tmp_path: Path, monkeypatch) -> None:
    # Small caps so that 200 records make several row groups: the writer flushes as it
    # goes instead of holding the whole file's rows.
    monkeypatch.setattr(write, "ROW_GROUP_BYTES", 8 * 1024)
    corpus = jsonl_corpus(tmp_path / "raw", 200)
    run(corpus, tmp_path / "out", Options(tag_entities=False))
    part = next((tmp_path / "out" / "documents").glob("part-*.parquet"))
    meta = pq.ParquetFile(part).metadata
    assert meta.num_rows == 200
    assert meta.num_row_groups >= 4
    docs = cleanhealth.load(tmp_path / "out").documents
    assert list(docs.record) == list(range(200))
    assert docs.url.iloc[199] == "https://example.org/p/199"
    assert docs.doc_id.is_unique


def test_empty_tables_still_have_their_schema(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "empty.html").write_bytes(b"")
    run(raw, tmp_path / "out", Options(tag_entities=False))
    tables = cleanhealth.load(tmp_path / "out")
    assert list(tables.documents.status) == ["unreadable"]
    assert len(tables.entities) == 0
    assert list(tables.entities.columns) == write.SCHEMAS["entities"].names


def test_interrupted_shard_leaves_no_marker(tmp_path: Path) -> None:
    writer = write.ShardWriter(tmp_path / "shards" / "k1")
    writer.abort()
    assert not (tmp_path / "shards" / "k1").exists()
    assert not (tmp_path / "shards" / "k1.tmp").exists()
    assert write.shard_is_done(tmp_path / "shards" / "k1") is None


def test_commit_switches_current_atomically_and_keeps_one_run(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text("Gout is a form of arthritis that causes sudden joint pain.\n")
    out = tmp_path / "out"
    first = run(raw, out, Options(tag_entities=False))
    second = run(raw, out, Options(tag_entities=False))
    runs = list((out / ".cleanhealth" / "runs").iterdir())
    assert [r.name for r in runs] == [second.run_id] != [first.run_id]
    assert (out / "documents").is_symlink()
    assert (out / ".cleanhealth" / "current").resolve() == runs[0].resolve()
