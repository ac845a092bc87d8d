"""Main-content extraction for HTML: trafilatura first, BeautifulSoup as the fallback."""

from __future__ import annotations

from typing import TYPE_CHECKING

import trafilatura
from bs4 import BeautifulSoup
from lxml import etree

from ..document import (
    KIND_HEADING,
    KIND_LIST_ITEM,
    KIND_PARAGRAPH,
    KIND_TABLE_ROW,
    KIND_TITLE,
    Block,
    Document,
    domain_of,
)

if TYPE_CHECKING:
    from ..pipeline import RunContext
    from ..stage import Stage

# Below this many characters trafilatura is taken to have missed the article and
# the BeautifulSoup fallback runs instead (trafilatura's own MIN_EXTRACTED_SIZE is 250).
MIN_TRAFILATURA_CHARS = 250
FALLBACK_DROP_TAGS = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form",
                      "iframe", "svg", "template", "button")
FALLBACK_BLOCK_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "tr", "blockquote", "pre", "dd", "dt")


class HtmlExtractor:
    """Turn an HTML page into Blocks with trafilatura, keeping headings, lists and tables."""

    def __init__(self, context: "RunContext | None" = None) -> None:
        self.context = context


    def extract(self, doc: Document, stage: "Stage") -> Document:
        xml = trafilatura.extract(
            doc.raw, url=doc.url, output_format="xml", include_formatting=False,
            include_tables=True, include_links=False, include_comments=False, with_metadata=True,
        )
        blocks: list[Block] = []
        if xml:
            root = etree.fromstring(xml.encode("utf-8"))
            self._metadata(doc, root)
            blocks = list(_xml_blocks(root))
        if sum(len(b.text) for b in blocks) < MIN_TRAFILATURA_CHARS:
            blocks = list(_fallback_blocks(doc.raw))
            doc.add_flag("extractor_fallback")
        if doc.title and not (blocks and blocks[0].kind in (KIND_TITLE, KIND_HEADING)
                              and blocks[0].text.strip() == doc.title.strip()):
            blocks.insert(0, Block(doc.title, KIND_TITLE, 1))
        elif blocks and blocks[0].kind == KIND_HEADING:
            blocks[0].kind, blocks[0].level = KIND_TITLE, 1
        doc.blocks = blocks
        return doc

    @staticmethod
    def _metadata(doc: Document, root: etree._Element) -> None:
        attrs = root.attrib
        doc.title = doc.title or attrs.get("title") or None
        doc.url = doc.url or attrs.get("url") or None
        doc.domain = doc.domain or domain_of(doc.url) or attrs.get("hostname") or None
        for key in ("author", "date", "sitename", "description"):
            if attrs.get(key):
                doc.metadata[key] = attrs[key]


def _text_of(el: etree._Element) -> str:
    return " ".join("".join(el.itertext()).split())


def _xml_blocks(root: etree._Element):
    main = root.find("main")
    if main is None:
        return
    for el in main.iter("head", "p", "item", "row", "quote", "code"):
        if el.tag == "row":
            cells = [_text_of(c) for c in el.findall("cell")]
            text = " | ".join(c for c in cells if c)
            kind, level = KIND_TABLE_ROW, 0
        else:
            # Nested items and paragraphs inside list items are reached by iter(); skip parents' duplicates.
            if el.tag == "p" and el.getparent() is not None and el.getparent().tag in ("item", "cell", "quote"):
                continue
            text = _text_of(el)
            if el.tag == "head":
                rend = el.get("rend", "h2")
                level = int(rend[1]) if rend[:1] == "h" and rend[1:].isdigit() else 2
                kind = KIND_HEADING
            elif el.tag == "item":
                kind, level = KIND_LIST_ITEM, 0
            else:
                kind, level = KIND_PARAGRAPH, 0
        if text:
            yield Block(text, kind, level)


def _fallback_blocks(html: str):
    soup = BeautifulSoup(html, "lxml")
    for tag in soup(FALLBACK_DROP_TAGS):
        tag.decompose()
    body = soup.body or soup
    for el in body.find_all(FALLBACK_BLOCK_TAGS):
        if el.find(FALLBACK_BLOCK_TAGS):
            continue
        text = " ".join(el.get_text(" ").split())
        if not text:
            continue
        if el.name[0] == "h" and el.name[1:].isdigit():
            yield Block(text, KIND_HEADING, int(el.name[1]))
        elif el.name == "li":
            yield Block(text, KIND_LIST_ITEM)
        elif el.name == "tr":
            yield Block(text, KIND_TABLE_ROW)
        else:
            yield Block(text, KIND_PARAGRAPH)
