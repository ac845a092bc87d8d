"""`cleanhealth stats`: a dataset's summary from small columns and run.json, never the text."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from cleanhealth.cli import main
from cleanhealth.document import (
    KIND_HEADING,
    KIND_PARAGRAPH,
    KIND_TITLE,
    Block,
    Document,
    Entity,
    Removed,
)
from cleanhealth.segment import split_sections
from cleanhealth.stats import dataset_stats
from cleanhealth.write import commit_run, write_shard

EVIL_TITLE = "Asthma <script>alert('owned')</script> & inhalers"


def _doc(doc_id: str, source: str, domain: str | None, blocks: list[Block], *, fmt: str = "html",
         language: str | None = "en", title: str | None = None, removed: list[Removed] = (),
         entities: list[tuple[str, str, str | None, bool]] = (), flags: list[str] = ()) -> Document:
    doc = Document(doc_id=doc_id, source=source, format=fmt, domain=domain, language=language,
                   title=title, url=f"https://{domain}/{source}" if domain else None,
                   blocks=list(blocks), removed=list(removed), flags=list(flags))
    doc.assemble_text()
    doc.sections = split_sections(doc)
    for text, label, code, negated in entities:
        start = doc.text.index(text)
        doc.entities.append(Entity(start, start + len(text), text, label, code=code,
                                   vocabulary="ICD-10-CM" if code else None,
                                   concept=text.lower(), negated=negated))
    return doc


def make_documents() -> list[Document]:
    """Four pages shaped like a real run: two sites, a text dump, a Spanish page, an unreadable file."""
    asthma = _doc("d1", "a/asthma.html", "lungs.example.org", [
        Block(EVIL_TITLE, KIND_TITLE, 1),
        Block("Asthma makes the airways swell. Albuterol opens them within minutes.", KIND_PARAGRAPH),
        Block("Triggers", KIND_HEADING, 2),
        Block("Smoke, pollen and cold air can trigger asthma attacks.", KIND_PARAGRAPH)],
        title=EVIL_TITLE, flags=["contamination"],
        removed=[Removed("Home | Conditions | Contact", "nav", "extract"),
                 Removed("Advertisement", "ad", "extract"),
                 Removed("Subscribe to our weekly newsletter for tips", "newsletter", "extract")],
        entities=[("Asthma", "CONDITION", "J45.909", False), ("Albuterol", "DRUG", None, False),
                  ("asthma attacks", "CONDITION", "J45.901", False)])
    copd = _doc("d2", "a/copd.html", "lungs.example.org", [
        Block("COPD basics", KIND_TITLE, 1),
        Block("COPD is a long-term lung disease. Patients without wheezing may still be short of breath.",
              KIND_PARAGRAPH)],
        removed=[Removed("Home | Conditions | Contact", "nav", "extract")],
        entities=[("COPD", "CONDITION", "J44.9", False), ("wheezing", "SYMPTOM", None, True)])
    dump = _doc("d3", "b/migraine.txt", "heads.example.com", [
        Block("Migraine", KIND_TITLE, 1),
        Block("A migraine is a headache with throbbing pain on one side of the head.", KIND_PARAGRAPH)],
        fmt="text", removed=[Removed("© 2025 Heads Example. All rights reserved.", "footer", "extract")],
        entities=[("migraine", "CONDITION", "G43.909", False), ("headache", "SYMPTOM", None, False)],
        flags=["stub"])
    spanish = _doc("d4", "c/asma.html", None, [
        Block("El asma es una enfermedad de los pulmones que dificulta la respiración.", KIND_PARAGRAPH)],
        language="es")
    broken = Document(doc_id="d5", source="c/empty.html", format="text", status="unreadable",
                      error="[E101] file is empty")
    return [asthma, copd, dump, spanish, broken]


def make_dataset(out: Path, docs: list[Document] | None = None) -> Path:
    """Write Documents the way `cleanhealth run` does: a shard, then an atomic commit."""
    docs = make_documents() if docs is None else docs
    out.mkdir(parents=True, exist_ok=True)
    shard = out / ".cleanhealth" / "shards" / "test"
    write_shard(docs, shard, {"key": "test", "files": [d.source for d in docs]})
    counts = Counter(pages=len(docs))
    for d in docs:
        counts[f"status.{d.status}"] += 1
        for r in d.removed:
            counts[f"reason.{r.reason}"] += 1
    commit_run(out, "20260101T000000-test", [shard], {
        "run_id": "20260101T000000-test", "cleanhealth_version": "0.1.0", "input": "/data/raw",
        "files": len(docs), "counts": dict(counts), "seconds": 1.5, "executor": "inprocess",
        "workers": 1, "options": {}})
    return out


@pytest.fixture
def dataset(tmp_path) -> Path:
    return make_dataset(tmp_path / "out")


def test_stats_counts_exactly(dataset):
    s = dataset_stats(dataset)
    assert s.pages == 5
    assert s.by_status == {"ok": 4, "unreadable": 1}
    assert s.by_format == {"html": 3, "text": 2}
    assert s.by_language == {"en": 3, "es": 1}
    assert s.by_site[0][:2] == ("lungs.example.org", 2)
    assert {d for d, *_ in s.by_site} == {"lungs.example.org", "heads.example.com", "(no domain)"}
    assert s.by_reason == {"nav": 2, "ad": 1, "newsletter": 1, "footer": 1}
    assert s.by_label == {"CONDITION": 4, "SYMPTOM": 2, "DRUG": 1}
    assert (s.entities, s.coded, s.negated) == (7, 4, 1)
    assert s.flags == {"contamination": 1, "stub": 1}
    assert s.errors == [("[E101] file is empty", 1)]
    assert s.sections == 5 and s.sections_per_page["max"] == 2
    assert s.chars_removed == sum(len(r.text) for d in make_documents() for r in d.removed)


def test_stats_never_reads_the_text_columns(dataset, monkeypatch):
    asked: list[tuple[str, list | None]] = []
    real = pd.read_parquet

    def spy(path, *args, columns=None, **kwargs):
        asked.append((Path(path).name, columns))
        return real(path, *args, columns=columns, **kwargs)

    monkeypatch.setattr(pd, "read_parquet", spy)
    dataset_stats(dataset)
    assert {name for name, _ in asked} == {"documents", "entities", "removed"}
    for name, columns in asked:
        assert columns is not None and "text" not in columns, name


def test_stats_command_prints_the_summary(dataset, capsys):
    assert main(["stats", str(dataset)]) == 0
    out = capsys.readouterr().out
    assert re.search(r"│ pages\s+│\s+5 │", out)
    assert re.search(r"│ ok\s+│\s+4 │\s+80.0 % │", out)
    assert re.search(r"│ lungs.example.org\s+│\s+2 │", out)
    assert re.search(r"│ nav\s+│\s+2 │\s+40.0 % │", out)
    assert re.search(r"│ \[E101\] file is empty\s+│\s+1 │", out)
    assert "57.1 % coded, 1 negated" in out


def test_stats_on_a_folder_that_is_not_a_dataset(tmp_path, capsys):
    assert main(["stats", str(tmp_path)]) == 2
    assert "[E305]" in capsys.readouterr().err
