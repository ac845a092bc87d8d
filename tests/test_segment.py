"""The segment stage: sections from heading blocks, with exact offsets."""

from pathlib import Path

from cleanhealth.document import (
    KIND_HEADING,
    KIND_LIST_ITEM,
    KIND_PARAGRAPH,
    KIND_TITLE,
    Block,
    Document,
)
from cleanhealth.pipeline import RunContext, process_page
from cleanhealth.read import read_file
from cleanhealth.segment import SegmentStage, section_of

RAW = Path(__file__).resolve().parents[1] / "raw"


def _doc(blocks: list[Block], title: str | None = None) -> Document:
    doc = Document(doc_id="d", source="s", title=title)
    doc.blocks = blocks
    doc.assemble_text()
    return SegmentStage()(doc)


def test_headings_open_sections_and_offsets_index_the_text():
    doc = _doc([
        Block("Back pain", KIND_TITLE, 1),
        Block("Back pain is common.", KIND_PARAGRAPH),
        Block("Causes", KIND_HEADING, 2),
        Block("Strains", KIND_LIST_ITEM),
        Block("Sprains", KIND_LIST_ITEM),
        Block("Muscle strain", KIND_HEADING, 3),
        Block("Lifting can strain a muscle.", KIND_PARAGRAPH),
    ], title="Back pain")
    assert [(s.heading, s.level) for s in doc.sections] == [
        ("Back pain", 1), ("Causes", 2), ("Muscle strain", 3)]
    texts = [doc.text[s.start:s.end] for s in doc.sections]
    assert texts == ["Back pain\n\nBack pain is common.", "Causes\n\nStrains\nSprains",
                     "Muscle strain\n\nLifting can strain a muscle."]
    assert section_of(doc.sections, doc.text.index("Sprains")) == 1
    assert section_of(doc.sections, len(doc.text) - 1) == 2


def test_text_without_headings_is_one_section_under_the_title():
    doc = _doc([Block("Rest helps.", KIND_PARAGRAPH), Block("So does ice.", KIND_PARAGRAPH)],
               title="Sprains")
    assert len(doc.sections) == 1
    section = doc.sections[0]
    assert (section.heading, section.level, section.start, section.end) == ("Sprains", 1, 0, len(doc.text))


def test_text_before_the_first_heading_gets_its_own_section():
    doc = _doc([Block("Intro text.", KIND_PARAGRAPH), Block("Symptoms", KIND_HEADING, 2),
                Block("Pain.", KIND_PARAGRAPH)])
    assert [(s.heading, doc.text[s.start:s.end]) for s in doc.sections] == [
        ("", "Intro text."), ("Symptoms", "Symptoms\n\nPain.")]


def test_real_text_dump_sections_hold_their_own_body():
    path = RAW / "seeds" / "004_eb5e8cb72755bbd8.txt"
    (page,) = read_file(path, RAW)
    doc = process_page(page, RunContext())
    by_heading = {s.heading: doc.text[s.start:s.end] for s in doc.sections}
    assert "Lumbar Spinal Stenosis" in by_heading
    assert "laminectomy to remove part of the vertebra" in by_heading["Lumbar Spinal Stenosis"]
    assert "Thoracic disc herniation occurs" not in by_heading["Lumbar Spinal Stenosis"]
    assert "Cervical Disc Herniation" in by_heading
    for section in doc.sections:
        assert doc.text[section.start:section.end].startswith(section.heading) or section.section_id == 0
