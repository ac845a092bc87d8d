"""Chrome removal from the markup, before a content extractor flattens it away.

An HTML page says a lot about what is chrome: `<nav>`, `<aside>` and `<footer>`,
ARIA roles (navigation, contentinfo, complementary), hidden elements, and the class /
id / aria-label words web developers use everywhere (nav, menu, breadcrumb, share,
social, newsletter, related, ad, sponsor, cookie, consent, comment, author, byline,
reviewer, disclaimer, footer, sidebar). Once trafilatura has turned the page into
paragraphs that evidence is gone, so `prune_chrome` reads it first, cuts those
elements from the lxml tree in place and returns every cut with its reason, so the
`removed` table can say *why* the text went.

The vocabulary lives in `data/html_markup.json`. Guards keep the rules from eating
the article when a wrapper carries a chrome-like word ('page-with-sidebar'): an
element that holds the `<main>`/`<article>` element or the H1, or a large share of
the page's text, is never cut.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources

from lxml import etree

from ..reasons import check_reason

# An element holding more than this share of the page's text is a layout wrapper that
# happens to carry a chrome word (e.g. 'content-sidebar-wrap'), not chrome itself.
MAX_CHROME_SHARE = 0.35
# ... unless it is a real navigation/footer landmark, which may be large on link-heavy
# pages but is still never the article (the H1/main guard protects the article).
MAX_LANDMARK_SHARE = 0.6
# Link-dense blocks: at least this many links, links covering at least this share of
# the text, and short items on average (menus, 'related' lists, tag clouds; not a
# references list whose items are full citations).
LINK_BLOCK_MIN_LINKS = 4
LINK_BLOCK_MIN_DENSITY = 0.85
LINK_BLOCK_MAX_WORDS_PER_LINK = 6
# ... unless a sentence of at least this many words ending in ':' announces the list
# (see announced_list; menu labels are a word or two: 'Related topics:', 'See also:').
ANNOUNCE_MIN_WORDS = 5
# An element holding at least this many paragraphs of at least this many words holds
# prose, not chrome (a banner or header wrapping the story on some sites).
PROSE_PARAGRAPHS = 3
PROSE_PARAGRAPH_WORDS = 30
# ... or a table most of whose rows are each one link ('Menu', five links and a phone
# line: a table-layout sidebar menu whose extra lines keep its link share low). Not lists:
# a list of linked terms ('Type 2 diabetes', 'Hypertension') is content on health pages,
# and counting list items that way cost two wcxb health pages 0.01 F1 each.
LINK_ITEMS_MIN_SHARE = 0.65
# A table is a layout grid, not data, when one of its cells holds the page's top
# headings: its rows and cells are turned into plain blocks before anything else, so
# that the header strip, the sidebar and the article are separate regions (as on any
# div-based page), not one big table. (Nested tables and paragraphs in cells are not
# evidence: comparison tables on the wcxb pages have both, and lost their rows.)
LAYOUT_CELL_TAGS = ("h1", "h2")
# Only lists, paragraphs and tables are tested for link density: testing every div
# costs a pass over its links at each level and found nothing more on the benchmark.
LINK_BLOCK_TAGS = frozenset({"ul", "ol", "p", "table"})
# Elements never cut whatever their class says: the document and its main landmarks.
NEVER_CUT = frozenset({"html", "body", "main", "article", "h1"})
# Tags whose text never counts (and which trafilatura drops anyway).
SILENT_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "link", "meta"})

_SPLIT = re.compile(r"[^A-Za-z0-9]+")
_DIGIT = re.compile(r"[0-9]")  # parts are ASCII letters and digits only (see _SPLIT)
_CAMEL = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
# Only proper camelCase ('mainNav', 'shareBar', 'AdSlot') is split into words; random
# capitals ('SmKAyb') are a minifier's hash.
_CAMEL_WORDS = re.compile(r"[A-Za-z][a-z]+(?:[A-Z][a-z]+)+")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, eq=False)  # hashed by identity: it is loaded once (lru_cache key)
class Vocabulary:
    tokens: dict[str, str]
    names: dict[str, str]
    roles: dict[str, str]
    tags: dict[str, str]
    label_only: frozenset[str] = frozenset()  # tokens ('hidden', 'tag:aside', ...) that label but never prune


@dataclass(frozen=True)
class Cut:
    """One element cut from the tree: its visible text, the reason, and what matched."""

    text: str
    reason: str
    rule: str  # e.g. 'class:share', 'tag:nav', 'hidden', 'links'
    element: etree._Element | None = field(default=None, compare=False, repr=False)  # detached subtree


@cache
def load_vocabulary() -> Vocabulary:
    data = json.loads(resources.files("cleanhealth").joinpath("data", "html_markup.json").read_text("utf-8"))
    parts = {}
    for key in ("tokens", "names", "roles", "tags"):
        parts[key] = {k.lower(): check_reason(v) for k, v in data[key].items()}
    return Vocabulary(**parts, label_only=frozenset(data.get("label_only", ())))


def attribute_tokens(value: str) -> list[str]:
    """Words of a class/id/aria value: 'mainNav share-bar_top' -> main, nav, share, bar, top."""
    out: list[str] = []
    for part in _SPLIT.split(value):
        if not part or _DIGIT.search(part):
            continue  # hashed class names ('jXK9ad') are not words
        if _CAMEL_WORDS.fullmatch(part):
            out.extend(t.lower() for t in _CAMEL.findall(part))
        else:
            out.append(part.lower())
    return out


# chrome_reason answers per (vocabulary, tag, the attributes it reads): sites repeat the
# same markup on every card and row, and the page walks ask about each element up to three
# times. Only the attributes _chrome_reason reads go into the key: keying on all of them
# (href, src, data-*) made almost every key unique, ~60 MB per 200 pages in a worker.
_REASON_CACHE: dict[tuple, tuple[str, str] | None] = {}
REASON_ATTRIBUTES = ("hidden", "aria-hidden", "style", "role", "id", "class", "aria-label", "data-testid",
                     "data-component")
# Component names that sites built with React, Vue or a CMS put in data attributes
# (`data-testid="newsletter-inline"`, `data-component="related-stories"`) where their
# class names are hashes ('css-1h9tl7k'): read like class names.
DATA_NAME_ATTRIBUTES = ("data-testid", "data-component")
# Cleared when it grows past this many entries: a site's markup repeats within a page, and
# 20,000 keys (a few MB) hold several pages' worth; more only grows a long run's memory.
REASON_CACHE_MAX = 20_000


def chrome_reason(el: etree._Element, vocab: Vocabulary) -> tuple[str, str] | None:
    """(reason, rule) if the element's own markup marks it as chrome, else None."""
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag in NEVER_CUT:
        return None
    attrib = el.attrib
    if not attrib:
        return (vocab.tags[tag], f"tag:{tag}") if tag in vocab.tags else None
    # spelled out (REASON_ATTRIBUTES, in order): a generator here was a tenth of the
    # walks' cost, at ~200,000 calls per 150 pages
    get = attrib.get
    key = (id(vocab), tag, get("hidden"), get("aria-hidden"), get("style"), get("role"), get("id"),
           get("class"), get("aria-label"), get("data-testid"), get("data-component"))
    try:
        return _REASON_CACHE[key]
    except KeyError:
        pass
    if len(_REASON_CACHE) >= REASON_CACHE_MAX:
        _REASON_CACHE.clear()
    found = _REASON_CACHE[key] = _chrome_reason(tag, attrib, vocab)
    return found


def _chrome_reason(tag: str, attrib, vocab: Vocabulary) -> tuple[str, str] | None:
    if "hidden" in attrib or attrib.get("aria-hidden") == "true" or _HIDDEN_STYLE.search(attrib.get("style", "")):
        return "hidden", "hidden"
    if tag in vocab.tags:
        return vocab.tags[tag], f"tag:{tag}"
    role = attrib.get("role")
    if role:
        role = role.strip().lower()
        if role in vocab.roles:
            return vocab.roles[role], f"role:{role}"
    for attr in ("id", "class"):
        value = attrib.get(attr)
        if value:
            found = _value_reason(attr, value, vocab)
            if found:
                return found
    for attr in DATA_NAME_ATTRIBUTES:
        value = attrib.get(attr)
        if value:
            found = _value_reason("data", value, vocab)
            if found:
                return found
    label = attrib.get("aria-label")
    if label and len(label) < 40:
        return _value_reason("aria", label, vocab)
    return None


@lru_cache(maxsize=65536)
def _value_reason(attr: str, value: str, vocab: Vocabulary) -> tuple[str, str] | None:
    """Reason named by one class/id/aria value; cached (sites repeat their class names)."""
    if attr == "aria":
        for token in attribute_tokens(value):
            if token in vocab.tokens and vocab.tokens[token] in ("nav", "share", "related_links", "footer", "privacy"):
                return vocab.tokens[token], f"aria:{token}"
        return None
    for name in value.split():
        compact = _SPLIT.sub("", name).lower()
        if compact in vocab.names:
            return vocab.names[compact], f"{attr}:{compact}"
        for token in attribute_tokens(name):
            if token in vocab.tokens:
                return vocab.tokens[token], f"{attr}:{token}"
    return None


def is_hidden_metadata(el: etree._Element) -> bool:
    """A hidden schema.org microdata item (`<div style="display:none" itemscope
    itemtype=".../NewsArticle">`): the page's metadata spelled out for search engines,
    often with copies of the headline and the whole article body, never shown."""
    attrib = el.attrib
    if "itemscope" not in attrib:
        return False
    return "hidden" in attrib or attrib.get("aria-hidden") == "true" \
        or bool(_HIDDEN_STYLE.search(attrib.get("style", "")))


def prunable(rule: str, vocab: Vocabulary) -> bool:
    """Whether a matched rule may cut before extraction (see 'label_only' in the data file)."""
    if rule in vocab.label_only:
        return False
    word = rule.split(":", 1)[-1]
    return not (rule.startswith(("class:", "id:", "aria:", "data:")) and word in vocab.label_only)


def fold_spaces(text: str) -> str:
    r"""`re.sub(r"\s+", " ", text).strip()`, four times faster: str.split() splits at
    exactly the characters \s matches in a str pattern (both are str.isspace; checked
    over all of Unicode in tests/test_fast_paths.py). The page walks fold every line."""
    return " ".join(text.split())


def visible_text(el: etree._Element) -> str:
    """Whitespace-folded text of an element (scripts and styles are gone: see strip_code)."""
    return fold_spaces(" ".join(el.itertext()))


def strip_code(root: etree._Element) -> None:
    """Drop scripts (except JSON-LD, which trafilatura reads to recognise forum threads),
    styles, templates and SVG: never visible text, and they inflate every later step."""
    doomed = [el for el in root.iter("script", "style", "template", "svg", etree.Comment)
              if not (el.tag == "script" and (el.get("type") or "").lower() == "application/ld+json")]
    for el in doomed:
        _drop(el)


def _link_block(el: etree._Element) -> bool:
    """A menu-like block: many short links and hardly any other text."""
    if el.tag not in LINK_BLOCK_TAGS:
        return False
    links = [a for a in el.iter("a")]
    if len(links) < LINK_BLOCK_MIN_LINKS:
        return False
    text = visible_text(el)
    if not text:
        return False
    link_chars = sum(len(visible_text(a)) for a in links)
    words = len(text.split())
    if words > LINK_BLOCK_MAX_WORDS_PER_LINK * len(links):
        return False
    if link_chars >= LINK_BLOCK_MIN_DENSITY * len(text):
        return True
    if el.tag != "table":
        return False
    rows = [(row, t) for row in _rows(el) if (t := visible_text(row))]
    whole_links = sum(1 for row, t in rows if _one_link(row, t))
    return len(rows) >= LINK_BLOCK_MIN_LINKS and whole_links >= LINK_ITEMS_MIN_SHARE * len(rows)


def announced_list(el: etree._Element) -> bool:
    """A list the sentence right before it announces ('Meditation has been shown to
    help improve:'): its items end that sentence, even when each is a link to a
    source. A menu's label is a short name ('Related topics:'), not a sentence."""
    if el.tag not in ("ul", "ol"):
        return False
    before = el.getprevious()
    while before is not None and not isinstance(before.tag, str):
        before = before.getprevious()
    if before is None or (before.tail or "").strip():  # loose text between them: not 'right before'
        return False
    intro = visible_text(before)
    return intro.endswith(":") and len(intro.split()) >= ANNOUNCE_MIN_WORDS


def _rows(table: etree._Element) -> list[etree._Element]:
    """The rows of a table (not those of tables nested in its cells)."""
    return [row for row in table.iter("tr") if _owner_table(row) is table]


def _one_link(row: etree._Element, text: str) -> bool:
    """The row (showing `text`, not empty) is one link's text: a menu entry."""
    links = list(row.iter("a"))
    return len(links) == 1 and visible_text(links[0]) == text


def _owner_table(el: etree._Element) -> etree._Element | None:
    parent = el.getparent()
    while parent is not None and parent.tag != "table":
        parent = parent.getparent()
    return parent


def unwrap_layout_tables(root: etree._Element) -> int:
    """Turn layout tables into plain blocks (tr, td -> div); return how many.

    Pages of the table-layout era put the header strip, the sidebar menu and the article
    in cells of one table. Read as a table, the whole page is one region of 'rows'
    (trafilatura keeps it as data, and menu rows come with the article). A table is a
    layout grid when a cell holds an H1 or H2 (also inside a table nested in it), which
    data tables do not."""
    count = 0
    for table in list(root.iter("table")):
        rows = _rows(table)
        cells = [c for row in rows for c in row if isinstance(c.tag, str) and c.tag in ("td", "th")]
        if not any(next(c.iter(*LAYOUT_CELL_TAGS), None) is not None for c in cells):
            continue
        for el in cells + rows + [s for s in table if isinstance(s.tag, str) and s.tag in ("tbody", "thead", "tfoot")]:
            el.tag = "div"
            for attr in ("colspan", "rowspan"):
                el.attrib.pop(attr, None)
        table.tag = "div"
        count += 1
    return count


def _holds_prose(el: etree._Element) -> bool:
    """Several long paragraphs are an article, whatever the wrapper is called."""
    long_paragraphs = 0
    for p in el.iter("p"):
        if len(visible_text(p).split()) >= PROSE_PARAGRAPH_WORDS:
            long_paragraphs += 1
            if long_paragraphs >= PROSE_PARAGRAPHS:
                return True
    return False


def _protected(root: etree._Element) -> set[etree._Element]:
    """The article landmarks and all their ancestors: never cut as chrome."""
    keep: set[etree._Element] = set()
    anchors = list(root.iter("main", "article", "h1"))
    anchors += root.xpath("//*[@role='main' or @itemprop='articleBody']")
    for el in anchors:
        while el is not None and el not in keep:
            keep.add(el)
            el = el.getparent()
    return keep


def _drop(el: etree._Element) -> None:
    """Remove an element but keep its tail text (it belongs to the parent)."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail and el.tail.strip():
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def drop_boxes(root: etree._Element, reasons: frozenset[str], max_chars: int) -> int:
    """Drop the elements whose own markup names one of `reasons` by a rule that may cut
    before extraction (see `prunable`: a review card's 'author' does not) and that show
    at most `max_chars` characters (boxes, not wrappers); return how many."""
    vocab = load_vocabulary()
    found = {el for el in root.iter() if isinstance(el.tag, str)
             and (reason := chrome_reason(el, vocab)) and reason[0] in reasons and prunable(reason[1], vocab)}
    doomed = [el for el in found if not any(a in found for a in el.iterancestors())
              and len(visible_text(el)) <= max_chars]
    for el in doomed:
        _drop(el)
    return len(doomed)


def prune_chrome(root: etree._Element, *, link_blocks: bool = True) -> list[Cut]:
    """Cut chrome elements from `root` in place; return the cuts in document order."""
    vocab = load_vocabulary()
    strip_code(root)
    unwrap_layout_tables(root)
    body = root.find("body")
    if body is None:
        body = root
    total = max(len(visible_text(body)), 1)
    protected = _protected(root)
    cuts: list[Cut] = []
    # Pre-order walk (pop the first child first) so cuts come out in document order;
    # a cut element's subtree is not visited.
    stack = [c for c in reversed(body) if isinstance(c.tag, str)]
    while stack:
        el = stack.pop()
        if el.tag in SILENT_TAGS:
            continue
        if is_hidden_metadata(el):
            # a landmark inside it (a copy of the H1 or of the article body) does not
            # protect it: it is a copy the reader never sees. Unless it holds most of
            # the page: then it is the page itself, hidden until a script shows it.
            text = visible_text(el)
            if len(text) <= MAX_LANDMARK_SHARE * total:
                cuts.append(Cut(text, "hidden", "hidden:microdata", el))
                _drop(el)
                continue
        found = None if el in protected else chrome_reason(el, vocab)
        if found is not None and not prunable(found[1], vocab):
            found = None
        if found is None and link_blocks and el not in protected and _link_block(el) and not announced_list(el):
            found = ("nav", "links")
        if found is not None:
            text = visible_text(el)
            reason, rule = found
            limit = MAX_LANDMARK_SHARE if rule in ("tag:nav", "tag:footer") else MAX_CHROME_SHARE
            if len(text) <= limit * total and not _holds_prose(el):
                cuts.append(Cut(text, reason, rule, el))
                _drop(el)
                continue
        stack.extend(c for c in reversed(el) if isinstance(c.tag, str))
    return cuts
