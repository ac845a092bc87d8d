"""Stage 3, segment: cut the clean text into sections at its headings.

Extractors already mark headings as Blocks (HTML headings and bold lead-ins, or
heading-like lines of a text dump), so sectioning is a single pass: each heading
opens a section that runs to the next heading of any level. Text before the first
heading is a section of its own under the document title. `text[start:end]` of a
section is exactly its heading and body.
"""

from __future__ import annotations

from .document import HEADING_KINDS, KIND_TITLE, Document, Section
from .stage import Stage


class SegmentStage(Stage):
    name = "segment"

    def process(self, doc: Document) -> Document:
        doc.sections = split_sections(doc)
        doc.stats["segment.sections"] += len(doc.sections)
        return doc


def split_sections(doc: Document) -> list[Section]:
    sections: list[Section] = []
    if not doc.text:
        return sections
    starts: list[tuple[int, str, int]] = []  # (offset, heading, level)
    for block in doc.blocks:
        if block.kind in HEADING_KINDS:
            level = 1 if block.kind == KIND_TITLE else max(1, min(6, block.level or 2))
            starts.append((block.start, block.text, level))
    if not starts or starts[0][0] > 0:
        starts.insert(0, (0, doc.title or "", 1))
    for i, (start, heading, level) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else len(doc.text)
        # Trim the separator that follows the section so offsets cover text only.
        while end > start and doc.text[end - 1] in "\n ":
            end -= 1
        sections.append(Section(section_id=i, heading=heading, level=level, start=start, end=end))
    return sections


def section_of(sections: list[Section], offset: int) -> int:
    """The id of the section holding `offset` (sections are sorted and disjoint)."""
    lo, hi = 0, len(sections) - 1
    found = 0
    while lo <= hi:
        mid = (lo + hi) // 2
        if sections[mid].start <= offset:
            found = sections[mid].section_id
            lo = mid + 1
        else:
            hi = mid - 1
    return found
