"""The output contract users rely on: tables, columns, offsets, one row per input.

Runs the real CLI over the repo's raw/ folder once and checks the dataset it writes.
"""

from pathlib import Path

import pandas as pd
import pytest

import cleanhealth
from cleanhealth.cli import main
from cleanhealth.read import discover

RAW = Path(__file__).resolve().parents[1] / "raw"

CONTRACT = {
    "documents": ["doc_id", "source", "format", "url", "domain", "title", "language", "text",
                  "n_chars", "n_words", "n_sections", "n_entities", "n_removed", "flags", "status",
                  "error"],
    "sections": ["doc_id", "section_id", "heading", "level", "text", "start", "end"],
    "entities": ["doc_id", "section_id", "start", "end", "text", "label", "code", "vocabulary",
                 "negated", "concept"],
    "removed": ["doc_id", "text", "reason", "stage"],
}


@pytest.fixture(scope="module")
def output(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("contract") / "output"
    assert main(["run", str(RAW), "--out", str(out), "--quiet"]) == 0
    return out


@pytest.mark.parametrize("table", sorted(CONTRACT))
def test_each_table_reads_with_plain_pandas_and_has_the_contract_columns(output, table):
    frame = pd.read_parquet(output / table)
    missing = [c for c in CONTRACT[table] if c not in frame.columns]
    assert not missing


def test_every_input_file_has_a_row(output):
    docs = pd.read_parquet(output / "documents")
    expected = {p.relative_to(RAW).as_posix() for p in discover(RAW)}
    assert set(docs["source"]) == expected
    assert docs["doc_id"].is_unique
    assert docs["status"].notna().all()
    failed = docs[docs["status"] != "ok"]
    assert failed["error"].notna().all()


def test_section_and_entity_offsets_index_the_document_text(output):
    tables = cleanhealth.load(output)
    text = dict(zip(tables.documents["doc_id"], tables.documents["text"]))
    assert len(tables.sections) > 0
    for row in tables.sections.itertuples():
        assert text[row.doc_id][row.start:row.end] == row.text
    assert len(tables.entities) > 0
    for row in tables.entities.itertuples():
        assert text[row.doc_id][row.start:row.end] == row.text
    sections = {(r.doc_id, r.section_id): (r.start, r.end) for r in tables.sections.itertuples()}
    for row in tables.entities.itertuples():
        start, end = sections[(row.doc_id, row.section_id)]
        assert start <= row.start and row.end <= end


def test_removed_rows_carry_a_known_reason_and_stage(output):
    from cleanhealth.reasons import REASONS

    removed = pd.read_parquet(output / "removed")
    assert len(removed) > 0
    assert set(removed["reason"]) <= set(REASONS)
    assert removed["stage"].notna().all()
    documents = pd.read_parquet(output / "documents")
    assert set(removed["doc_id"]) <= set(documents["doc_id"])


def test_load_returns_all_tables_and_the_run_record(output):
    tables = cleanhealth.load(output)
    for name in CONTRACT:
        assert isinstance(tables[name], pd.DataFrame)
    assert tables.run["files"] == len(discover(RAW))
    assert tables.run["counts"]["pages"] == len(tables.documents)


def test_a_second_run_replaces_the_first_and_keeps_placeholders(output, tmp_path):
    (output / ".gitignore").write_text("*\n")
    assert main(["run", str(RAW / "seeds"), "--out", str(output), "--quiet", "--no-entities"]) == 0
    docs = pd.read_parquet(output / "documents")
    assert len(docs) == 5
    assert (output / ".gitignore").read_text() == "*\n"
