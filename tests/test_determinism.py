"""Determinism: the same input and options give identical tables, row for row.

Two runs into different folders, one in-process and one on a two-worker process
pool with smaller shards, must give equal DataFrames for all four tables (same
doc_ids, same row order, same values). Entities are off to keep this fast; the
tagger's own determinism is the tagger tests' business.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from hostile_corpus import ARTICLE, ARTICLE_2, FOREIGN, html_page, paragraphs  # noqa: E402

import cleanhealth  # noqa: E402
from cleanhealth.pipeline import Options  # noqa: E402
from cleanhealth.run import run  # noqa: E402

RAW = Path(__file__).resolve().parents[1] / "raw"
TABLES = ("documents", "sections", "entities", "removed")
# Columns that legitimately differ between runs of the same input: none today. If a
# timing or run-id column is ever added to a table, list it here with the reason.
VOLATILE_COLUMNS: dict[str, tuple[str, ...]] = {}


def make_input(root: Path) -> Path:
    inp = root / "input"
    if RAW.is_dir():
        shutil.copytree(RAW, inp / "raw")
    extra = inp / "extra"
    extra.mkdir(parents=True)
    (extra / "es.html").write_text(html_page(paragraphs(FOREIGN["es"], 3)), encoding="utf-8")
    (extra / "copy1.html").write_text(html_page(paragraphs(ARTICLE + ARTICLE_2, 2)), encoding="utf-8")
    (extra / "copy2.html").write_text(html_page(paragraphs(ARTICLE + ARTICLE_2, 2)), encoding="utf-8")
    (extra / "dump.txt").write_text("Sciatica\n\n" + ARTICLE + "\n\nDiabetes\n\n" + ARTICLE_2, encoding="utf-8")
    (extra / "empty.html").write_bytes(b"")
    (extra / "latin1.html").write_bytes(html_page(paragraphs("Ärzte für Patienten. " + ARTICLE)).encode("latin-1"))
    return inp


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("determinism")
    inp = make_input(root)
    options = Options(tag_entities=False)
    run(inp, root / "a", options, workers=1, executor="inprocess")
    run(inp, root / "b", options, workers=2, executor="process", shard_files=5)
    return cleanhealth.load(root / "a"), cleanhealth.load(root / "b")


@pytest.mark.parametrize("table", TABLES)
def test_tables_are_identical(two_runs, table):
    a, b = (t[table].drop(columns=list(VOLATILE_COLUMNS.get(table, ()))) for t in two_runs)
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True))


def test_rows_follow_input_order(two_runs):
    documents = two_runs[0].documents
    keys = list(zip(documents["source"], documents["record"]))
    assert keys == sorted(keys)
    assert len(documents) >= 6


def test_doc_ids_are_stable_functions_of_source_and_content(two_runs):
    from cleanhealth.document import make_doc_id

    documents = two_runs[0].documents
    for row in documents.itertuples():
        assert row.doc_id == make_doc_id(row.source, row.record, row.content_hash)
    copies = documents[documents["source"].str.startswith("extra/copy")]
    assert copies["doc_id"].nunique() == 2 and copies["content_hash"].nunique() == 1
