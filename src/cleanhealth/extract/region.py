"""The page's own main region, read as blocks: the second candidate of the HTML path.

trafilatura picks the article by text density, which suits articles and fails on the
pages health sites are mostly made of besides: a clinic's service page, a therapy
platform's landing page, a course outline. Their content is many short blocks
(headings with a sentence or two, steps, testimonials, lists of conditions treated) in
plain `<div>`s, and trafilatura keeps a fraction of them. Most such pages mark their
content region themselves, with `<main>` or `role="main"`; this module reads that region
the way a person sees it.

What it leaves out is the chrome a region still holds: elements whose markup names a
chrome reason (the same vocabulary as the pruning, so hidden elements too), `<header>` and
`<nav>`, and text that is all link text (menus, teaser cards, buttons). Everything it
keeps then goes through the same filters as trafilatura's blocks; `HtmlExtractor` decides
which candidate a page gets (see `MAIN_REGION_SHARE` there).
"""

from __future__ import annotations

import re

from lxml import etree

from ..document import KIND_HEADING, KIND_LIST_ITEM, KIND_PARAGRAPH, KIND_TABLE_ROW, TABLE_CELL_SEPARATOR, Block
from .markup import SILENT_TAGS, Vocabulary, chrome_reason, fold_spaces

# Elements that end a line of text where they open and close (as a browser lays them out).
LINE_TAGS = frozenset({
    "p", "div", "section", "article", "main", "header", "footer", "aside", "ul", "ol", "dl", "li", "dt", "dd",
    "table", "thead", "tbody", "tfoot", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "figure",
    "figcaption", "details", "summary", "address", "form", "fieldset", "hr", "br", "center", "caption",
})
# The kind of block a line inside each of these elements is (the innermost one decides).
LINE_KINDS = {"li": KIND_LIST_ITEM, "tr": KIND_TABLE_ROW,
              **{f"h{level}": KIND_HEADING for level in range(1, 7)}}
# A table row is one line: its cells are joined (with TABLE_CELL_SEPARATOR), not broken apart.
CELL_TAGS = frozenset({"td", "th"})
# Never content inside a main region: the page's masthead and menus.
REGION_CHROME_TAGS = frozenset({"header", "nav"})


def main_region(tree: etree._Element) -> etree._Element | None:
    """The page's one `<main>` (or `role="main"`) element; None when there is none or
    several (then the markup does not say which is the content)."""
    found = tree.xpath("//main|//*[@role='main']")
    return found[0] if len(found) == 1 else None


def region_blocks(region: etree._Element, vocab: Vocabulary) -> list[Block]:
    """The region's visible text as blocks, in reading order, chrome and link-only
    lines left out (see the module docstring).

    A walk with an explicit stack (pages nest deeper than Python recurses). A line is
    the text between two line boundaries; it is dropped when every visible character
    of it is link text."""
    blocks: list[Block] = []
    pieces: list[tuple[str, bool]] = []  # (text, inside a link) since the last boundary

    def flush(kind: str, level: int) -> None:
        if not pieces:
            return
        text = fold_spaces("".join(piece for piece, _ in pieces))
        linked = all(link or not piece.strip() for piece, link in pieces)
        pieces.clear()
        if text and not linked:
            blocks.append(Block(text, kind, level if kind == KIND_HEADING else 0))

    # entries: (element, entering, kind, level, inside a link, inside a table row)
    stack: list[tuple[etree._Element, bool, str, int, bool, bool]] = [(region, True, KIND_PARAGRAPH, 0, False, False)]
    while stack:
        el, entering, kind, level, link, row = stack.pop()
        tag = el.tag if isinstance(el.tag, str) else None
        if not entering:
            if tag in LINE_TAGS and not (row and tag != "tr"):
                flush(kind, level)
            elif row and tag in CELL_TAGS:
                pieces.append((TABLE_CELL_SEPARATOR, True))
            if el.tail and el is not region:
                pieces.append((el.tail, link))  # the tail is the parent's text
            continue
        if tag is None or tag in SILENT_TAGS or (el is not region and (
                tag in REGION_CHROME_TAGS or chrome_reason(el, vocab) is not None)):
            if el.tail and el is not region:
                pieces.append((el.tail, link))
            continue
        if tag in LINE_TAGS and not row:
            flush(kind, level)
        inner_kind, inner_level = kind, level
        if tag in LINE_KINDS and not row:
            inner_kind = LINE_KINDS[tag]
            inner_level = int(tag[1]) if inner_kind == KIND_HEADING else 0
        inner_link = link or tag == "a"
        inner_row = row or tag == "tr"
        if el.text:
            pieces.append((el.text, inner_link))
        stack.append((el, False, inner_kind, inner_level, link, row))
        for child in reversed(el):
            stack.append((child, True, inner_kind, inner_level, inner_link, inner_row))
    flush(KIND_PARAGRAPH, 0)
    return [_trim_row(b) if b.kind == KIND_TABLE_ROW else b for b in blocks]


def _trim_row(block: Block) -> Block:
    """A row's text without the separators of its empty cells."""
    cells = [c.strip() for c in block.text.split(TABLE_CELL_SEPARATOR.strip())]
    return Block(TABLE_CELL_SEPARATOR.join(c for c in cells if c), block.kind)


_LD_TYPES = re.compile(r'"@type"\s*:\s*(?:\[\s*)?"([A-Za-z]+)"')
ARTICLE_LD_TYPES = frozenset({"Article", "NewsArticle", "BlogPosting", "MedicalWebPage", "Report", "ScholarlyArticle"})


# A line that is only a price ('$37.00', 'Starting at $8.00', '12,90 €').
PRICE_LINE = re.compile(r"(?i)(from |starting at |only |now )?(us)?[$€£¥] ?\d[\d,.]*( ?(usd|eur|each))?"
                        r"|\d[\d,.]* ?(€|eur|usd)")  # used with fullmatch
# A region with this many price lines is a shop's grid of products (names, variants,
# prices), whatever its metadata says.
SHOP_PRICE_LINES = 3


def shop_region(tree: etree._Element, blocks: list[Block]) -> bool:
    """The page sells: a product page by its metadata, or a region listing prices.

    On such pages the region holds specifications, bundles, reviews, 'customers also
    bought' and product grids next to the description or the category text; that
    description is what trafilatura keeps, and what the benchmark's gold keeps too."""
    return product_page(tree) or sum(1 for b in blocks if PRICE_LINE.fullmatch(b.text)) >= SHOP_PRICE_LINES


def product_page(tree: etree._Element) -> bool:
    """The page presents a product for sale (og:type `product…`, schema.org Product
    microdata, or a JSON-LD Product on a page that is not also an article)."""
    for value in tree.xpath("//meta[@property='og:type']/@content"):
        if "product" in value.lower():
            return True
    if tree.xpath("//*[contains(@itemtype, 'schema.org/Product')]"):
        return True
    types: set[str] = set()
    for script in tree.xpath("//script[@type='application/ld+json']/text()"):
        types.update(_LD_TYPES.findall(script))
    return "Product" in types and not types & ARTICLE_LD_TYPES
