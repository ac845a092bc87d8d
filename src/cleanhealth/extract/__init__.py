"""Stage 2, extract: keep the main content of a page as Blocks, record what was cut.

`html.HtmlExtractor` handles markup, `text.TextExtractor` handles flattened text
dumps; `ExtractStage` picks one by the page's sniffed format.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..document import FORMAT_HTML, STATUS_NO_CONTENT, Document
from ..errors import Errors
from ..stage import Stage
from .html import HtmlExtractor
from .text import TextExtractor

if TYPE_CHECKING:
    from ..pipeline import RunContext


class ExtractStage(Stage):
    name = "extract"

    def __init__(self, context: "RunContext | None" = None) -> None:
        self.context = context
        self.html = HtmlExtractor(context)
        self.text = TextExtractor(context)

    def process(self, doc: Document) -> Document:
        extractor = self.html if doc.format == FORMAT_HTML else self.text
        doc = extractor.extract(doc, self)
        doc.assemble_text()
        if not doc.text.strip():
            doc.status = STATUS_NO_CONTENT
            doc.error = Errors.E204
        return doc
