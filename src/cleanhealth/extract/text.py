"""Main-content extraction for flattened text dumps: a segment classifier.

Placeholder rules; see issue 3 for the real classifier.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..document import KIND_HEADING, KIND_PARAGRAPH, Block, Document

if TYPE_CHECKING:
    from ..pipeline import RunContext
    from ..stage import Stage

MIN_CONTENT_WORDS = 8
TERMINAL = re.compile(r"[.!?:…\"”’)]\s*$")


class TextExtractor:
    def __init__(self, context: "RunContext | None" = None) -> None:
        self.context = context

    def extract(self, doc: Document, stage: "Stage") -> Document:
        lines = [ln.strip() for ln in doc.raw.splitlines()]
        blocks: list[Block] = []
        for line in lines:
            if not line:
                continue
            words = line.split()
            if len(words) >= MIN_CONTENT_WORDS and TERMINAL.search(line):
                blocks.append(Block(line, KIND_PARAGRAPH))
            elif 2 <= len(words) <= 12 and not TERMINAL.search(line) and line[:1].isupper():
                blocks.append(Block(line, KIND_HEADING, 2))
            else:
                stage.remove(doc, line, "other")
        doc.blocks = blocks
        return doc
