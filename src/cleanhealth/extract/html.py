"""Main-content extraction for HTML: markup rules, then trafilatura, then health rules.

The page is parsed once with lxml. Then:

1. `metadata.extract_metadata` reads title, canonical URL, site name, author, dates
   and the declared language from the untouched tree.
2. `markup.prune_chrome` cuts what the markup marks as chrome (`<nav>`, `<aside>`,
   `<footer>`, ARIA roles, hidden elements, class/id/aria/data-testid words, link-dense
   blocks, tables of one link per row), recording each cut with its reason, while that
   evidence still exists. A hidden schema.org microdata item goes even when it holds a
   copy of the H1 or the article. Layout tables (a cell holds the H1 or an H2) are read
   as plain blocks first, so that a table-layout page has a header, a sidebar and an
   article like any other.
3. trafilatura runs on the pruned tree with structure kept (headings with levels,
   paragraphs, lists, tables, bold-only paragraphs acting as headings). When it keeps
   little of what the page shows, its recall mode, its own extraction without the
   readability/jusText comparison (which can pick a fragment) and a run on the
   untouched page are tried and the longer output is kept. Reader comments it finds
   are cut (reason `comments`) unless the page is a forum thread or Q&A page. When the
   untouched page is tried, its author boxes (a post's signature or user details) are
   still cut first. A second copy of a
   block is dropped (`duplicate`) unless the page repeats it as a template. On article
   pages trafilatura's precision mode locates the article: default blocks before or
   after it that the markup puts outside its container (teasers of other stories,
   comment widgets) are cut.
4. Every block trafilatura kept goes through the shared boilerplate lexicon
   (`data/boilerplate.toml`, the text-dump cleaner's) and the HTML-specific health
   leftovers (`data/html_leftovers.toml`): appointment calls to action, 'Medically
   reviewed by … Last updated …' lines, coupon and drug-ad boxes, 'Read more:'
   links, forum signatures and post metadata, 'Check price on …' buttons, TOC
   headers. The paragraph after a cut editorial or disclosure label that speaks as the
   site goes with it. Spam runs injected into prose are cut from inside kept
   paragraphs (an injected link alone, a sentence written to carry it whole). On
   pages that are not threads, a heading naming a comment section ('Top Rated
   Comments') is cut with everything under it. Menu scraps and teaser cards (a
   list item whose headline links elsewhere) before the first or after the last
   paragraph of prose are cut too.
5. The H1 is kept as the title block even when trafilatura dropped it. Headings, list
   items and table rows trafilatura dropped between kept blocks come back
   (`rescue_lists`; a list that a kept sentence ending in ':' announces too, links or
   not), and on thread pages so do the posts it dropped (`rescue_posts`: the other
   elements of the tag and class that hold the kept posts; short replies like 'NIH -
   7/18' are what trafilatura leaves out).
6. Whatever else the page showed and the output does not hold is recorded in
   `removed` too (with the most specific reason the lexicon or the markup gives),
   so the audit trail covers trafilatura's own cuts. A removed row is a line as the
   page shows it: pieces cut for one reason are not split into sentences or links.

When trafilatura fails or returns too little, a BeautifulSoup path over the pruned
tree (so still without the chrome) produces the blocks.
"""

from __future__ import annotations

import bisect
import itertools
import re
import tomllib
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, NamedTuple

import trafilatura
from bs4 import BeautifulSoup
from lxml import etree

from ..config import threshold as config_threshold
from ..document import (
    KIND_HEADING,
    KIND_LIST_ITEM,
    KIND_PARAGRAPH,
    KIND_TABLE_ROW,
    KIND_TITLE,
    TABLE_CELL_SEPARATOR,
    Block,
    Document,
    domain_of,
)
from ..htmltree import parse_html, parsed_tree
from ..reasons import check_reason
from .lexicon import Lexicon, load_lexicon, normalise, trim
from .markup import (SILENT_TAGS, Cut, attribute_tokens, chrome_reason, drop_boxes, fold_spaces, load_vocabulary,
                     prune_chrome, strip_code, visible_text)
from .metadata import extract_metadata
from .region import main_region, region_blocks, shop_region
from .text import FOREIGN_RUN, HOUSE_REASONS, speaks_as_site

if TYPE_CHECKING:
    from ..pipeline import RunContext
    from ..stage import Stage

# Below this many characters trafilatura is taken to have missed the article and the
# BeautifulSoup fallback runs instead (trafilatura's own MIN_EXTRACTED_SIZE is 250).
MIN_TRAFILATURA_CHARS = 250
# ... and the fallback (which drops chrome and hidden text) is preferred unless it finds
# less than this share of trafilatura's text (then trafilatura saw something it did not).
FALLBACK_SHARE = 0.5
# A paragraph is a bold pseudo-heading when it is all bold and at most this many words.
BOLD_HEADING_MAX_WORDS = 12
# Lexicon cuts on kept blocks: segments longer than this are prose that merely
# mentions a boilerplate word; they are never cut as a whole by a phrase rule.
MAX_CUT_WORDS = 60
# No leftover or lexicon rule looks at a segment longer than this (largest max_words:
# affiliate disclosures, 160); counting spaces first skips the regexes for prose.
MAX_PATTERN_WORDS = 200
# Foreign-script runs are spam inside prose whose letters are at least this share Latin.
# (lower than the text cleaner's 0.9: an HTML paragraph is one block, often short, so a
# 20-character casino run in a 25-word sentence is already 12 % of its letters).
LATIN_SHARE_FOR_SCRIPT_SPAM = 0.75
SPAM_MIN_WORDS = 6
# Words of the spam trades (data/boilerplate_spam.txt's themes). A spam link's sentence
# that uses one outside the link was written to carry it ('Like a spin of the reels at
# <a>…casino…</a>, every meal is a gamble') and goes whole; otherwise only the link goes.
SPAM_THEME = re.compile(r"\b(casinos?|slots?|spins?|reels?|jackpots?|gambl\w*|betting|bets?|poker|replicas?|rolex"
                        r"|viagra|cialis|payday|escorts?|porn\w*|xxx)\b")
# Lines the audit reports as dropped by the extractor are at most this long each
# (a whole-page dump in one `removed` row helps nobody).
AUDIT_MAX_CHARS = 2000
# Reasons the lexicon's whole-line rules may apply to headings: a heading like 'Sources'
# or 'Services' is content on many pages, but 'Table of contents' or 'Related articles' is not.
HEADING_LINE_REASONS = frozenset({"toc", "related_links", "share", "newsletter", "comments", "ad", "byline",
                                  "date_stamp", "author_bio", "affiliate_disclosure", "privacy"})

# trafilatura's recall mode runs when the default output holds less than this share of
# the text the pruned page shows, and is taken when it finds this many times more.
# (0.3, not 0.5: on the 1,539 bench pages the retries between 0.3 and 0.5 changed the
# mean F1 by less than 0.001 either way, but ran on twice as many pages: each retry is
# a whole extra trafilatura run, the largest cost of the HTML path.)
RECALL_SHARE = 0.3
RECALL_GAIN = 1.3
# trafilatura's own extraction (without the readability/jusText comparison) is tried when
# the output holds less than this share of the page's text (a comparison that picked a
# fragment leaves well under half), and taken when it is this many times longer (on the
# bench, own runs 1.1-1.7x longer were as often worse as better; the fragments it
# replaces are a half or less of it) and has at least this many blocks.
OWN_RETRY_SHARE = 0.5
OWN_GAIN = 1.9
OWN_MIN_BLOCKS = 2
# trafilatura's precision mode marks where the article starts and ends (see
# HtmlExtractor._precision_trim) when the default output has at least this many
# characters and precision keeps at least this many and this share of them (less means
# precision lost the article, not that the rest is chrome).
PRECISION_MIN_CHARS = 500
PRECISION_MIN_SHARE = 0.5
# The page's <main> region (see region.py) replaces trafilatura's output when that holds
# less than this share of the region's text and fewer than this many paragraphs of
# article prose (an article whose region also holds teasers of other stories keeps
# trafilatura's choice). Measured on the 1,539 bench pages: at 0.6, wcxb-dev 0.8348 ->
# 0.8398 and health 0.9032 -> 0.9105; at 0.8 more articles with teasers in <main>
# switched (health 0.9094; 195 must-exclude leaks against 190 at 0.6); without the
# paragraph limit, or at 12, an FAQ and feeds of paper teasers came in with three articles.
MAIN_REGION_SHARE = 0.6
MAIN_REGION_MAX_ARTICLE_PARAGRAPHS = 8
# A kept block repeating at least this many letters and digits of text kept above it is
# a copy (short repeats, a 'Symptoms' heading in two sections, are left alone).
DUPLICATE_MIN_CHARS = 25
# ... unless the page repeats it more than this many times (then it is the page's
# template: see HtmlExtractor._dedupe).
DUPLICATE_MAX_COPIES = 2
# ... matching a default block that holds a precision block this long (letters and digits)
PRECISION_PIECE_CHARS = 20
# Reader comments trafilatura found are cut unless they are at least this share of the
# article's length (then they are more likely the article's second half, or the thread).
COMMENTS_KEEP_RATIO = 0.5
# A thread's posts (see rescue_posts): elements of one tag and class of which at least
# this many, and this share, hold kept text (of at least this many letters and digits).
POST_MIN_KEPT = 2
POST_MIN_KEPT_SHARE = 0.3
POST_MIN_CHARS = 20
# ... not comments: on a Q&A page the answers are the thread, the comments under them
# are not (the wcxb gold leaves them out)
POST_EXCLUDED_TOKENS = frozenset({"comment", "comments"})
# ... a long post counts as kept when at least half of its pieces of this many letters
# and digits are (see _held: the filter may have cut a greeting or a quote's marker).
POST_PROBE_CHARS = 30
# A heading, item or row is not rescued when a kept block holds at least this share of
# its text (trafilatura kept it in part: a row without the cell holding a list).
RESCUE_KEPT_SHARE = 0.5
# Rescued lists: at least this many items, this many words per item on average, and at
# most this share of their text in links (a menu is all links, a symptom list none).
RESCUE_MIN_ITEMS = 2
RESCUE_MIN_WORDS_PER_ITEM = 2.0
RESCUE_MAX_LINK_SHARE = 0.5
# Card lists (items holding a heading or an image) are not rescued on an article page:
# one with at least this many kept paragraphs of at least this many words. (On the
# wcxb train split and scrapinghub, cards in articles are teasers and gallery captions;
# on listing and shop pages with little prose they are the content.)
CARD_ARTICLE_PARAGRAPHS = 3
CARD_ARTICLE_WORDS = 30

FALLBACK_DROP_TAGS = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form",
                      "iframe", "svg", "template", "button", "select", "input")
FALLBACK_BLOCK_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "tr", "blockquote", "pre", "dd", "dt")
BLOCK_TAGS = frozenset(FALLBACK_BLOCK_TAGS) | {"div", "section", "article", "main", "header", "footer", "nav",
                                              "aside", "ul", "ol", "dl", "table", "tbody", "thead", "td", "th",
                                              "form", "br", "hr", "figure", "figcaption", "details", "summary",
                                              "body", "html", "address", "center", "fieldset", "label", "button",
                                              # for the audit only: menus are runs of links and buttons
                                              "a", "select", "option"}
_SPACE = re.compile(r"\s+")
_WORDS = re.compile(r"[a-z']+")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
# Inline separators between pieces of one visual line ('By X · Reviewed by Y · Updated Z').
SEPARATOR = re.compile(r"\s+[·|•]\s+|\s+[—–-]\s+(?=[A-Z])")
# A byline piece that a linked name completes ('Written by' <a>Jane Doe</a>, 'Content
# source:' <a>Division for Heart Disease</a>).
BYLINE_OPENER = re.compile(r"(?i)\b(by|source|credit|credits):?$")
# A paragraph that a phrase rule cut whole keeps its other sentences when they hold at
# least this many words ('Good habits protect your gums. Call 555-0100 to book.').
SPLIT_MIN_CONTENT_WORDS = 15
SPLIT_REASONS = frozenset({"cta"})
# Sentence ends inside a paragraph (not after initials or 'Dr.').
# Nor after a dotted lower-case abbreviation ('6:30 a.m. CT', 'e.g. Ibuprofen').
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])(?<!\b[A-Z]\.\s)(?<!\bDr\.\s)(?<!\bSt\.\s)(?<![a-z]\.[a-z]\.\s)")
# Kept blocks of at most this many words are cut when an ancestor at most this many
# levels up is a box of one of these kinds (see HtmlExtractor._context_filter).
CONTEXT_MAX_WORDS = 40
CONTEXT_MAX_DEPTH = 4
CONTEXT_MAX_BOX_CHARS = 1200
CONTEXT_REASONS = frozenset({"ad", "newsletter", "editorial_policy", "affiliate_disclosure", "author_bio", "byline",
                             "related_links", "share", "privacy"})
# Edge trimming: prose is a paragraph of at least this many words; before the first and
# after the last one, title-case scraps of at most EDGE_MAX_WORDS words are menu entries.
EDGE_PROSE_WORDS = 15
EDGE_MAX_WORDS = 4
# A short line with a reason names the section of the cut it opens ('Related topics').
SECTION_HEAD_WORDS = 6
# Reasons a short line passes on to the lines after it: it heads a list of its kind.
SECTION_REASONS = frozenset({"related_links", "toc", "comments", "newsletter", "share", "footer", "privacy",
                             "author_bio", "editorial_policy", "nav"})
# Headings that name a section of reader comments ('12 Comments', 'Top Rated Comments',
# '3 thoughts on "…"'): everything under one is cut on pages that are not threads. Not
# 'Discussion' (a section of manuals and papers) nor actions ('Add a comment' closes
# each post of a Q&A page).
COMMENT_SECTION_HEADING = re.compile(
    r"(\d+ )?(((top|most|highest)[ -]rated|newest|oldest|best|latest|recent|featured|readers?'?|user|member|visitor) )?"
    r"(comments?|responses|reader reactions)( \(\d+\))?"
    r"|\d+ (responses|comments|replies|thoughts) (to|on) .*"
    r"|(\d+ )?(coment[aá]rios?|commentaires?|kommentare?|commenti|komentar)")
# The run on the "untouched" page still goes without the boxes the markup names for
# these reasons (a forum post's signature or user details, an author box; at most
# CONTEXT_MAX_BOX_CHARS). Not other chrome: the run is there to make up for what the
# markup misnamed (navigation-named wrappers of a shop's items, 'credit' boxes holding
# captions); dropping every small cut again cost two wcxb pages 0.36 and 0.15 F1.
UNPRUNED_RECUT_REASONS = frozenset({"author_bio"})
# Dropped title-case runs of at most this many words are menu entries.
NAV_MAX_WORDS = 6


@dataclass(frozen=True)
class Leftovers:
    """HTML-specific health leftover patterns (data/html_leftovers.toml), by reason."""

    line: tuple[tuple[str, re.Pattern[str]], ...]
    strong: tuple[tuple[str, re.Pattern[str]], ...]
    max_words: dict[str, int]
    # interface strings cut from inside kept blocks, wherever they sit ('Click to expand...')
    inline: tuple[tuple[str, re.Pattern[str]], ...] = ()


@cache
def load_leftovers() -> Leftovers:
    data = tomllib.loads(resources.files("cleanhealth").joinpath("data", "html_leftovers.toml").read_text("utf-8"))
    line, strong, inline, max_words = [], [], [], {}
    for reason, spec in data.items():
        check_reason(reason)
        max_words[reason] = int(spec.get("max_words", 30))
        if spec.get("inline"):
            inline.append((reason, re.compile("|".join(f"(?:{p})" for p in spec["inline"]), re.I)))
        if spec.get("line"):
            line.append((reason, re.compile("(?:" + "|".join(f"(?:{p})" for p in spec["line"]) + ")")))
        if spec.get("strong"):
            strong.append((reason, re.compile("|".join(f"(?:{p})" for p in spec["strong"]))))
    return Leftovers(tuple(line), tuple(strong), max_words, tuple(inline))


def classify_segment(text: str, *, heading: bool = False, lexicon: Lexicon | None = None,
                     leftovers: Leftovers | None = None, phrases_only: bool = False) -> str | None:
    """The boilerplate reason of one kept block, or None when it is content (see _classify)."""
    if lexicon is None and leftovers is None:
        return _classify_cached(text, heading, phrases_only)
    return _classify(text, heading=heading, lexicon=lexicon, leftovers=leftovers, phrases_only=phrases_only)


@lru_cache(maxsize=32768)
def _classify_cached(text: str, heading: bool, phrases_only: bool = False) -> str | None:
    return _classify(text, heading=heading, lexicon=None, leftovers=None, phrases_only=phrases_only)


def _classify(text: str, *, heading: bool = False, lexicon: Lexicon | None = None,
              leftovers: Leftovers | None = None, phrases_only: bool = False) -> str | None:
    """The boilerplate reason of one kept block, or None when it is content.

    Decisive evidence only: the whole block is an interface string (a lexicon `line`),
    or a short block holds a phrase specific to boilerplate (`strong`). Anything
    subtler stays: trafilatura already judged these blocks to be the article.
    With `phrases_only` (a table row of several cells) only the `strong` phrases count.
    """
    lexicon = lexicon or load_lexicon()
    leftovers = leftovers or load_leftovers()
    words = text.count(" ") + 1
    if words > MAX_PATTERN_WORDS:
        return None  # longer than any rule's max_words: prose
    norm = normalise(text)
    trimmed = trim(norm)
    words = len(norm.split())
    if not trimmed:
        return None if phrases_only else "other"
    for reason, pattern in () if phrases_only else leftovers.line:
        if words <= leftovers.max_words[reason] and pattern.fullmatch(trimmed):
            return reason
    for reason, pattern in leftovers.strong:
        if words <= leftovers.max_words[reason] and pattern.search(norm):
            return reason
    if words > MAX_CUT_WORDS:
        return None
    line, strong = lexicon.decisive(norm, trimmed, words)  # the phrase reasons are not used here
    if line and not phrases_only and (not heading or line in HEADING_LINE_REASONS):
        return line
    if strong and not heading:
        return strong
    return None


class HtmlExtractor:
    """Turn an HTML page into Blocks, recording every cut with its reason."""

    # 'auto' runs trafilatura's recall mode when its default kept too little; 'never' and
    # 'always' exist for the evaluation of that choice.
    recall_mode = "auto"
    # Switches for ablations in the evaluation (all on in a real run).
    prune = True
    link_blocks = True
    filter_blocks = True
    include_comments = False
    context_filter = True
    trim_edges = True
    trafilatura_comments = True
    fallback_share = FALLBACK_SHARE
    raw_retry = True
    precision_trim = True
    precision_articles_only = True
    precision_fast = False  # True (no readability/jusText comparison in that run) cost 0.0013 F1 on scrapinghub
    dedupe = True
    edge_links_only = True
    own_retry = True
    comment_sections = True
    edge_cards = True
    split_sentences = True
    rescue_posts = True
    use_main_region = True

    def __init__(self, context: "RunContext | None" = None) -> None:
        self.context = context
        self.lexicon = load_lexicon()
        self.leftovers = load_leftovers()
        self.vocabulary = load_vocabulary()

    def extract(self, doc: Document, stage: "Stage") -> Document:
        tree = parsed_tree(doc.raw)  # the reader's parse of this page, or a new one
        if tree is None:
            doc.blocks = self._filter(doc, stage, list(_soup_blocks(BeautifulSoup(doc.raw, "html.parser"))))
            doc.add_flag("extractor_fallback")
            return doc
        self._metadata(doc, tree)
        for cut in (prune_chrome(tree, link_blocks=self.link_blocks) if self.prune else []):
            self._record_cut(doc, stage, cut)
        forum = self.include_comments or is_thread_page(tree)
        if forum:
            doc.add_flag("thread_page")
        blocks, comments = self._trafilatura_blocks(tree, comments=self.trafilatura_comments)
        source = tree  # the tree the kept blocks were extracted from
        if comments and not forum and _chars(comments) < COMMENTS_KEEP_RATIO * _chars(blocks):
            # reader comments under an article: boilerplate for a health corpus
            for block in comments:
                stage.remove(doc, block.text, "comments")
            comments = []
        chars = _chars(blocks, comments)
        body = tree.find("body")
        visible = len(visible_text(body if body is not None else tree))
        if self.recall_mode == "always" or (self.recall_mode == "auto" and chars < RECALL_SHARE * visible):
            # trafilatura kept little of what the page shows once the chrome is gone:
            # its recall mode keeps more of listing, product and service pages
            wider, wider_comments = self._trafilatura_blocks(tree, favor_recall=True)
            wider_chars = _chars(wider, wider_comments)
            if wider_chars > RECALL_GAIN * chars:
                blocks, comments, chars = wider, wider_comments if comments else [], wider_chars
                doc.add_flag("extractor_recall")
        if self.own_retry and chars < OWN_RETRY_SHARE * visible:
            # still little: trafilatura's comparison with readability and jusText may have
            # swapped its own extraction for a fragment of it (one post of a thread, one
            # teaser); its own extraction alone (fast mode) is taken when it is clearly
            # longer and made of several blocks (one block is a dump of the page's text,
            # often a menu, that the comparison was right to refuse)
            own, own_comments = self._trafilatura_blocks(tree, fast=True)
            own_chars = _chars(own, own_comments)
            if OWN_GAIN * chars < own_chars \
                    and len(own) + len(own_comments) >= OWN_MIN_BLOCKS:
                blocks, comments, chars = own, own_comments if comments or forum else [], own_chars
                doc.add_flag("extractor_own")
        if self.raw_retry and chars < RECALL_SHARE * visible:
            # pruning can change which region trafilatura picks: when it kept little,
            # compare with trafilatura on the untouched page and keep the longer
            raw_tree = _parse(doc.raw)
            if raw_tree is not None:
                strip_code(raw_tree)
                # but without author boxes (a post's signature or user details): small,
                # never a wrapper of the article, and glued into the posts' text when left
                drop_boxes(raw_tree, UNPRUNED_RECUT_REASONS, CONTEXT_MAX_BOX_CHARS)
                raw_blocks, raw_comments = self._trafilatura_blocks(raw_tree)
                raw_chars = _chars(raw_blocks, raw_comments)
                if raw_chars > RECALL_GAIN * chars:
                    blocks, comments, chars = raw_blocks, raw_comments if comments or forum else [], raw_chars
                    source = raw_tree
                    doc.add_flag("extractor_unpruned")
        if self.use_main_region and not forum:
            region = main_region(tree)
            if region is not None:
                region_kept = region_blocks(region, self.vocabulary)
                region_chars = _chars(region_kept)
                if chars < MAIN_REGION_SHARE * region_chars \
                        and _article_paragraphs(blocks) < MAIN_REGION_MAX_ARTICLE_PARAGRAPHS \
                        and not shop_region(tree, region_kept):
                    # a service or landing page whose region trafilatura read a fraction
                    # of: the region, as the page marks it, is the content
                    blocks, comments, chars, source = region_kept, [], region_chars, tree
                    doc.add_flag("extractor_main")
        if self.dedupe:
            blocks = self._dedupe(doc, stage, blocks)
        elements = _element_texts(tree)
        other_run = {"extractor_recall", "extractor_unpruned", "extractor_own", "extractor_main"} & set(doc.flags)
        if self.precision_trim and not forum and not other_run \
                and chars >= PRECISION_MIN_CHARS and (not self.precision_articles_only or _is_article(blocks)):
            blocks = self._precision_trim(doc, stage, tree, blocks, elements)
        if chars < config_threshold(self.context, "min_trafilatura_chars", MIN_TRAFILATURA_CHARS):
            soup = BeautifulSoup(etree.tostring(tree, encoding="unicode", method="html"), "lxml")
            fallback = list(_soup_blocks(soup))
            if _chars(fallback) >= max(self.fallback_share * chars, 1):
                blocks, comments = fallback, []
                doc.add_flag("extractor_fallback")
        if "extractor_fallback" not in doc.flags and "extractor_main" not in doc.flags:
            # the article region is read off the main blocks only, not a thread below it
            blocks = rescue_lists(tree, blocks, elements) + comments
            if forum and self.rescue_posts:
                blocks = rescue_posts(tree, blocks)
        if self.comment_sections and not forum:
            blocks = self._cut_comment_sections(doc, stage, blocks)
        shortened: set[str] = set()  # keys of blocks the filter cut pieces from
        blocks = self._filter(doc, stage, blocks, links=lambda: _link_texts(source), shortened=shortened)
        if self.context_filter:
            # a thread's posts often sit in boxes named 'comment'; elsewhere such a box is
            # the readers' comments under the article, whatever trafilatura kept of it
            reasons = CONTEXT_REASONS if forum else CONTEXT_REASONS | {"comments"}
            blocks = self._context_filter(doc, stage, elements, blocks, reasons)
        if self.trim_edges:
            blocks = self._trim_edges(doc, stage, blocks, source)
        blocks = self._title(doc, blocks)
        doc.blocks = blocks
        self._audit(doc, stage, tree, blocks, shortened)
        return doc

    # -- steps --------------------------------------------------------------------------
    def _metadata(self, doc: Document, tree: etree._Element) -> None:
        meta = extract_metadata(tree)
        doc.title = doc.title or meta.pop("title", None)
        meta.pop("title", None)
        doc.url = doc.url or meta.get("canonical_url")
        doc.domain = doc.domain or domain_of(doc.url)
        for key, value in meta.items():
            if value:
                doc.metadata[key] = value

    @staticmethod
    def _trafilatura_blocks(tree: etree._Element, favor_recall: bool = False, comments: bool = True,
                            favor_precision: bool = False, fast: bool = False) -> tuple[list[Block], list[Block]]:
        """(main blocks, comment blocks). Comments are extracted as trafilatura does by
        default: what it calls comments is sometimes the article's second half."""
        try:
            result = trafilatura.bare_extraction(
                tree, output_format="python", include_formatting=True, include_tables=True,
                include_links=False, include_comments=comments, with_metadata=False, favor_recall=favor_recall,
                favor_precision=favor_precision, fast=fast,
            )
        except Exception:  # trafilatura failing on one odd page must not fail the page
            return [], []
        if result is None or result.body is None:
            return [], []
        comments = list(xml_blocks(result.commentsbody, tree)) if result.commentsbody is not None else []
        return list(xml_blocks(result.body, tree)), comments

    @staticmethod
    def _dedupe(doc: Document, stage: "Stage", blocks: list[Block]) -> list[Block]:
        """Drop the second copy of a block: a code sample rendered twice, a forum post
        quoting an earlier one, the article repeated by a summary widget.

        A block that occurs more than twice is a template of the page's own content
        (the same question in each interview, the same terms under each offer) and
        every copy stays; so do short blocks (a 'Symptoms' heading in two sections)."""
        keys = [_key(b.text) for b in blocks]
        counts: dict[str, int] = {}
        for k in keys:
            counts[k] = counts.get(k, 0) + 1
        if all(c == 1 for c in counts.values()):
            return blocks
        out: list[Block] = []
        seen = ""
        for block, k in zip(blocks, keys):
            if len(k) >= DUPLICATE_MIN_CHARS and counts[k] <= DUPLICATE_MAX_COPIES and k in seen:
                stage.remove(doc, block.text, "duplicate")
                continue
            out.append(block)
            seen += k + "|"
        return out

    def _precision_trim(self, doc: Document, stage: "Stage", tree: etree._Element, blocks: list[Block],
                        elements: list[tuple[etree._Element, str]]) -> list[Block]:
        """Cut the runs of blocks before and after the article that trafilatura's
        precision mode finds, when the markup puts them outside the article's container.

        Its default mode often runs on past the article into teasers of other stories,
        a duplicated summary or reader posts; its precision mode stops at the article
        but drops lists and short paragraphs inside it. So precision only locates the
        article (its blocks' common container in the tree): default blocks inside that
        container all stay, and so does anything between the first and last matched."""
        # fast: without the readability/jusText comparison, a locator need not be perfect
        narrow, _ = self._trafilatura_blocks(tree, favor_precision=True, comments=False, fast=self.precision_fast)
        narrow_chars = _chars(narrow)
        if narrow_chars < PRECISION_MIN_CHARS or narrow_chars < PRECISION_MIN_SHARE * _chars(blocks):
            return blocks  # precision lost the article itself: no evidence about its edges
        # the two modes cut the same text into blocks differently: a default block is
        # matched when it lies inside precision's text (joined without separators), or
        # holds one of precision's blocks (a list item precision kept only part of).
        # Matches go forward through precision's text, so a copy of the article repeated
        # after it (a teaser, a summary widget) does not match it again.
        narrow_keys = [k for b in narrow if len(k := _key(b.text)) >= PRECISION_PIECE_CHARS]
        inside = "".join(_key(b.text) for b in narrow)
        matched, at = [], 0
        for i, block in enumerate(blocks):
            k = _key(block.text)
            if not k:
                continue
            pos = inside.find(k, at)
            if pos >= 0:
                matched.append(i)
                if len(k) >= PRECISION_PIECE_CHARS:
                    at = pos + len(k)
                continue
            pieces = [pos for n in narrow_keys if n in k and (pos := inside.find(n, at)) >= 0]
            if pieces:
                matched.append(i)
                at = min(pieces) + PRECISION_PIECE_CHARS
        if not matched:
            return blocks
        where: dict[str, etree._Element] = {}
        for el, text in elements:
            where.setdefault(_key(text), el)
        anchors = [el for b in narrow if (el := where.get(_key(b.text))) is not None]
        container = _common_ancestor(anchors) if len(anchors) >= 2 else None
        if container is None or container.tag in ("body", "html"):
            return blocks  # no article container to judge the rest by
        first, last = matched[0], matched[-1]
        kept = []
        for i, block in enumerate(blocks):
            if first <= i <= last:
                kept.append(block)
                continue
            # outside the container, or not a paragraph-like element of the page at all
            # (trafilatura took it from loose text in a teaser or comment widget)
            el = where.get(_key(block.text))
            if el is None or (el is not container and not _inside(el, container)):
                stage.remove(doc, block.text, classify_segment(block.text) or _weak_reason(block.text))
            else:
                kept.append(block)
        return kept

    def _filter(self, doc: Document, stage: "Stage", blocks: list[Block],
                links: "Callable[[], list[str]] | None" = None, shortened: set[str] | None = None) -> list[Block]:
        """Cut health leftovers and lexicon boilerplate from the kept blocks.

        `links` gives the page's link texts (read only when a spam phrase needs them).
        The key of every block the filter cuts a piece from is added to `shortened`: its
        pieces are recorded here, so the audit must not record the whole line again."""
        kept: list[Block] = []
        if not self.filter_blocks:
            return blocks
        previous: str | None = None  # the reason the block before was cut for (not a heading's)
        for block in blocks:
            if block.kind == KIND_TABLE_ROW and TABLE_CELL_SEPARATOR in block.text:
                # a row of cells is the table's data ('1/1/2013 | +13.1%'): the whole-line
                # rules, which judge one interface string, do not apply; phrases still do
                reason = classify_segment(block.text, phrases_only=True)
            else:
                reason = classify_segment(block.text, heading=block.kind in (KIND_HEADING, KIND_TITLE))
            if reason is None and previous in HOUSE_REASONS and block.kind == KIND_PARAGRAPH \
                    and speaks_as_site(_WORDS.findall(block.text.lower())):
                # the rest of an editorial or disclosure box whose label was cut ('How we
                # reviewed this article:' + 'Our experts continually monitor…'), as in
                # the text-dump cleaner (text._extend_house_statements). Not after a cut
                # heading: a review's 'How we tested' section is the article's (wcxb gold)
                reason = previous
            previous = reason if block.kind == KIND_PARAGRAPH else None
            if reason in SPLIT_REASONS and self.split_sentences:
                content = self._content_sentences(doc, stage, block)
                if content:
                    if shortened is not None:
                        shortened.add(_key(block.text))
                    block.text = content
                    reason = None
            if reason:
                stage.remove(doc, block.text, reason)
                continue
            pieces = self._boilerplate_sentences(block)
            if pieces:
                for piece, piece_reason in pieces:
                    stage.remove(doc, piece, piece_reason)
                continue
            text = self._cut_spam(doc, stage, self._cut_inline(doc, stage, block.text), links)
            if text != block.text and shortened is not None:
                shortened.add(_key(block.text))
            if text:
                block.text = text
                kept.append(block)
        return kept

    @staticmethod
    def _cut_comment_sections(doc: Document, stage: "Stage", blocks: list[Block]) -> list[Block]:
        """Cut reader comments that trafilatura kept as part of the article: a heading
        that names a comment section ('Top Rated Comments', '12 Comments', '3 thoughts
        on …': COMMENT_SECTION_HEADING), after some prose, and every block under it up
        to the next heading of its level or higher. (Comments trafilatura itself recognised are cut earlier;
        on forum threads and Q&A pages the posts are the content and this never runs.)"""
        out: list[Block] = []
        prose_seen = False
        section_level: int | None = None  # level of the comment heading being cut under
        for block in blocks:
            heading = block.kind == KIND_HEADING
            if section_level is not None:
                if heading and block.level <= section_level:
                    section_level = None
                else:
                    stage.remove(doc, block.text, "comments")
                    continue
            if heading and prose_seen and COMMENT_SECTION_HEADING.fullmatch(normalise(block.text).strip(" :")):
                section_level = block.level or 6
                stage.remove(doc, block.text, "comments")
                continue
            prose_seen = prose_seen or (block.kind == KIND_PARAGRAPH and len(block.text.split()) >= EDGE_PROSE_WORDS)
            out.append(block)
        return out

    def _context_filter(self, doc: Document, stage: "Stage", elements: list[tuple[etree._Element, str]],
                        blocks: list[Block], reasons: frozenset[str] = CONTEXT_REASONS) -> list[Block]:
        """Cut short kept blocks whose source element sits in a box the markup names as
        an ad, a newsletter sign-up, a disclaimer, an author box or a related-links box.

        These words are too often on article wrappers to cut before extraction, but a
        short block inside such a box, that trafilatura kept, is the box's own text."""
        where: dict[str, etree._Element] = {}
        for el, text in elements:
            key = _key(text)
            if key and key not in where:
                where[key] = el
        kept = []
        for block in blocks:
            el = where.get(_key(block.text)) if len(block.text.split()) <= CONTEXT_MAX_WORDS else None
            reason = self._box_reason(el, reasons) if el is not None else None
            if reason:
                stage.remove(doc, block.text, reason)
            else:
                kept.append(block)
        return kept

    def _trim_edges(self, doc: Document, stage: "Stage", blocks: list[Block],
                    source: etree._Element | None = None) -> list[Block]:
        """Cut menu-like scraps trafilatura left before the first and after the last
        paragraph of prose: a few title-case words, no sentence, and either link text
        on the page (`source`, the tree the blocks came from) or a heading with nothing
        that stays under it. A menu entry is a link; an unlinked short bullet after
        the last paragraph is content (a clinic's services list: 'Cleanings', 'X-rays').
        Chrome clusters at the edges of the main text; inside it, a short line is far
        more often a sub-heading or a list item that belongs. On an article page, a
        list item at the edges whose headline is a link (see _is_teaser) is a teaser of
        another story, whatever its length."""
        prose = [i for i, b in enumerate(blocks) if b.kind == KIND_PARAGRAPH and len(b.text.split()) >= EDGE_PROSE_WORDS]
        if not prose:
            return blocks
        first, last = prose[0], prose[-1]
        links: frozenset[str] | None = None  # read off the tree only when a scrap needs it
        items: dict[str, etree._Element] | None = None  # list items of the tree, likewise
        article = self.edge_cards and _is_article(blocks)
        cuts: list[str | None] = []  # the reason each block is cut for, None when it stays
        for i, block in enumerate(blocks):
            cuts.append(None)
            if first <= i <= last or block.kind == KIND_TABLE_ROW:
                continue
            if article and block.kind == KIND_LIST_ITEM and source is not None:
                if items is None:
                    items = {_key(visible_text(li)): li for li in source.iter("li")}
                li = items.get(_key(block.text))
                if li is not None and _is_teaser(li):
                    # a card whose headline links elsewhere, outside an article's
                    # prose, is a teaser of another page
                    cuts[i] = "related_links"
                    continue
            menu_like = len(block.text.split()) <= EDGE_MAX_WORDS and _weak_reason(block.text) == "nav"
            if menu_like and self.edge_links_only and block.kind != KIND_HEADING and source is not None:
                if links is None:
                    links = _link_keys(source)
                menu_like = _key(block.text) in links
            if menu_like:
                cuts[i] = "nav"
        for i, block in enumerate(blocks):
            if cuts[i] == "nav" and block.kind == KIND_HEADING:
                # a heading over content that stays is a section heading (the prose it
                # opens, a 'How to register' list), not a menu's
                for j in range(i + 1, len(blocks)):
                    if blocks[j].kind == KIND_HEADING:
                        break
                    if cuts[j] is None:
                        cuts[i] = None
                        break
        kept = []
        for block, reason in zip(blocks, cuts):
            if reason:
                stage.remove(doc, block.text, reason)
            else:
                kept.append(block)
        return kept

    def _box_reason(self, el: etree._Element, reasons: frozenset[str] = CONTEXT_REASONS) -> str | None:
        for depth, node in enumerate(el.iterancestors()):
            if depth >= CONTEXT_MAX_DEPTH or node.tag in ("body", "main", "article"):
                return None
            found = chrome_reason(node, self.vocabulary)
            if found and found[0] in reasons and found[1] != "hidden":
                # a box is small; a large element with such a word is a wrapper ('has-ads')
                return found[0] if len(visible_text(node)) <= CONTEXT_MAX_BOX_CHARS else None
        return None

    def _content_sentences(self, doc: Document, stage: "Stage", block: Block) -> str | None:
        """A paragraph a phrase rule cut as a whole but that also holds content: its
        boilerplate sentences are cut one by one and the rest is returned."""
        judged = _sentence_reasons(block)
        if judged is None:
            return None
        content = [sentence for sentence, reason in judged if reason is None]
        if not content or sum(len(s.split()) for s in content) < SPLIT_MIN_CONTENT_WORDS:
            return None
        for sentence, reason in judged:
            if reason:
                stage.remove(doc, sentence, reason)
        return " ".join(content)

    @staticmethod
    def _boilerplate_sentences(block: Block) -> list[tuple[str, str]] | None:
        """A short paragraph made only of boilerplate sentences ('Author: X. Reviewed by Y.
        Last reviewed May 2024.'): each sentence with its reason, or None if any is content."""
        if len(block.text.split()) > MAX_CUT_WORDS:
            return None
        judged = _sentence_reasons(block)
        if judged is None or any(reason is None for _, reason in judged):
            return None
        return [(sentence, reason) for sentence, reason in judged if reason is not None]

    def _cut_inline(self, doc: Document, stage: "Stage", text: str) -> str:
        """Cut the interface strings that sit inside kept text (the `inline` patterns of
        data/html_leftovers.toml: a forum's 'Click to expand...' after a quote, an
        'Advertisement - Members don't see this ad' slot at the top of a post), each
        recorded with its reason; the text around them stays."""
        for reason, pattern in self.leftovers.inline:
            if pattern.search(text):
                for m in pattern.finditer(text):
                    stage.remove(doc, m.group().strip(), reason)
                text = _SPACE.sub(" ", pattern.sub(" ", text)).strip()
        return text

    def _cut_spam(self, doc: Document, stage: "Stage", text: str,
                  links: "Callable[[], list[str]] | None" = None) -> str:
        """Cut foreign-script runs and spam phrases injected into an English paragraph.

        A spam phrase is cut with its sentence (spam arrives as inserted sentences),
        unless it is the text of a link on the page: an injected anchor inside a real
        sentence ('… rather than <a>cheap replica watches</a> stopping exercise …') goes
        alone and the sentence stays."""
        spans: list[tuple[int, int]] = []
        if len(text.split()) >= SPAM_MIN_WORDS and FOREIGN_RUN.search(text) and _latin_share(text) >= LATIN_SHARE_FOR_SCRIPT_SPAM:
            spans += [m.span() for m in FOREIGN_RUN.finditer(text)]
        if self.lexicon.spam is not None:
            lower = text.lower()
            anchors: list[str] | None = None
            for m in self.lexicon.spam.finditer(lower):
                if anchors is None:
                    anchors = [a for a in (links() if links else []) if len(a) < len(text)]
                anchor = _anchor_around(lower, m.span(), anchors)
                sentence = _sentence_span(text, m.span())
                if anchor and not SPAM_THEME.search(lower[sentence[0]:anchor[0]] + " " + lower[anchor[1]:sentence[1]]):
                    spans.append(anchor)  # a real sentence the anchor was slipped into
                else:
                    spans.append(sentence)  # a sentence written to carry the spam
        if not spans:
            return text
        out, last = [], 0
        for a, b in sorted(spans):
            if a < last:
                continue
            out.append(text[last:a])
            stage.remove(doc, text[a:b].strip(), "spam_injection")
            last = b
        out.append(text[last:])
        doc.add_flag("spam_injection")
        return _SPACE.sub(" ", "".join(out)).strip()

    @staticmethod
    def _title(doc: Document, blocks: list[Block]) -> list[Block]:
        """Open the document with the title; drop trafilatura's copy of it if it kept one."""
        if not doc.title:
            if blocks and blocks[0].kind == KIND_HEADING:
                blocks[0].kind, blocks[0].level = KIND_TITLE, 1
                doc.title = blocks[0].text
            return blocks
        title = _fold(doc.title)
        rest = [b for b in blocks[:3] if not (b.kind in (KIND_HEADING, KIND_TITLE) and _fold(b.text) == title)]
        return [Block(doc.title, KIND_TITLE, 1)] + rest + blocks[3:]

    def _record_cut(self, doc: Document, stage: "Stage", cut: Cut) -> None:
        """Record a markup cut line by line, each line with its most specific reason.

        The element's reason ('nav' for a header, 'markup' for an aside) is the fallback:
        a phone call to action inside the header is `cta`, the list under a 'Related
        topics' heading in an aside is `related_links`. Hidden elements stay `hidden`.
        """
        if cut.reason == "hidden" or cut.element is None:
            stage.remove(doc, cut.text, cut.reason)
            return
        self._record_lines(doc, stage, _text_lines(cut.element, self.vocabulary, hidden=True), cut.reason)

    def _audit(self, doc: Document, stage: "Stage", tree: etree._Element, blocks: list[Block],
               shortened: Iterable[str] = ()) -> None:
        """Record what the page showed but the output does not hold, with a reason.
        Lines the filter kept in part (`shortened` keys) are accounted for already."""
        kept = "|".join(_key(b.text) for b in blocks)
        already = {_key(r.text) for r in doc.removed} | set(shortened)
        lines = []
        joined_ok = False  # the line before was recorded too (a kept line breaks the run)
        for line in _text_lines(tree, self.vocabulary, hidden=True):
            key = _key(line.text)
            if key and key not in kept and key not in already:
                lines.append(line._replace(joined=line.joined and joined_ok))
                already.add(key)
                joined_ok = True
            else:
                joined_ok = False
        self._record_lines(doc, stage, lines, None)

    def _record_lines(self, doc: Document, stage: "Stage", lines: Iterable[Line], fallback: str | None) -> None:
        """Record lines, each piece with its most specific reason.

        A line with separators or several sentences is judged piece by piece ('By X ·
        Reviewed by Y · Updated Z'); adjacent pieces with the same reason, and lines that
        only links split (`joined`), are one row again, as the page showed them. A whole
        link in a box cut only as `markup` (an aside) leads to another page of the site:
        `related_links` ('Popular guides' → 'Best Pillows for Neck Pain')."""
        section: str | None = None  # the reason of the last short line that had one ('Related topics')
        rows: list[list[str]] = []  # [text, reason]
        for line, context, joined, link in lines:
            parts = [line]
            reason = self._line_reason(line, context, section)
            if SEPARATOR.search(line) or SENTENCE_END.search(line):
                parts = [q for p in SEPARATOR.split(line) for q in SENTENCE_END.split(p) if q.strip()]
            at, glue = 0, joined  # glue: the piece continues the previous row when reasons agree
            for part in parts:
                own = reason if len(parts) == 1 else (self._line_reason(part, context, section) or reason)
                if own in SECTION_REASONS and context != "hidden" and len(part.split()) <= SECTION_HEAD_WORDS:
                    section = own
                nested = context if context and context != fallback else None
                final = own or nested or section or fallback or _weak_reason(part)
                if final == "markup" and link:
                    final = "related_links"
                start = line.find(part, at)
                if start < 0:  # cannot happen (parts are pieces of line); keep the piece alone
                    rows.append([part.strip(), final])
                    glue = False
                    continue
                if glue and rows and (rows[-1][1] == final or BYLINE_OPENER.search(rows[-1][0])
                                      and rows[-1][1] == "byline"):
                    # ('Written by' + a name linked to the author page, whose markup
                    # says author_bio or nav: the name is the byline's)
                    # the separator between the pieces as the page has it, or a space
                    between = line[at:start] if at else " "
                    rows[-1][0] += between + line[start:start + len(part)]
                else:
                    rows.append([line[start:start + len(part)], final])
                at, glue = start + len(part), True
        for text, final in rows:
            stage.remove(doc, text.strip()[:AUDIT_MAX_CHARS], final)

    def _line_reason(self, line: str, context: str | None, section: str | None) -> str | None:
        if context == "hidden":
            return "hidden"
        return classify_segment(line)


THREAD_TYPES = re.compile(r'"@type"\s*:\s*(?:\[[^\]]*)?"(?:DiscussionForumPosting|QAPage)"')
# ... or the same types declared as microdata (itemtype="https://schema.org/QAPage").
THREAD_ITEMTYPE = re.compile(r"schema\.org/(?:DiscussionForumPosting|QAPage)$")
# Class names of forum posts (XenForo, vBulletin, Discourse, phpBB 'postbody'); a bare
# 'post' is every blog's story card, so it does not count.
POST_TOKENS = frozenset({"message", "postbit", "topic-post", "forum-post", "postbody", "post-message", "reply"})
# A page with at least this many post-like containers is a discussion thread.
THREAD_MIN_POSTS = 3


def is_thread_page(tree: etree._Element) -> bool:
    """A forum thread or Q&A page, where the replies are the content, not comments."""
    for script in tree.iter("script"):
        if script.text and (script.get("type") or "").lower() == "application/ld+json" and THREAD_TYPES.search(script.text):
            return True
    if any(THREAD_ITEMTYPE.search(el.get("itemtype") or "") for el in tree.xpath("//*[@itemtype]")):
        return True
    posts = 0
    for el in tree.iter("div", "article", "li", "section", "table"):
        cls = el.get("class")
        if cls and any(t in POST_TOKENS for t in cls.lower().split()):
            posts += 1
            if posts >= THREAD_MIN_POSTS:
                return True
    return False


# -- rescue -------------------------------------------------------------------------------
RESCUE_TAGS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "blockquote", "pre", "dd", "dt")
_HEADING_TAGS = frozenset({"h2", "h3", "h4", "h5", "h6"})


def _list_ok(lst: etree._Element, cache: dict) -> bool:
    """A list reads as article content: prose items, few links (a menu is all links)."""
    if lst in cache:
        return cache[lst]
    items = [visible_text(li) for li in lst if isinstance(li.tag, str) and li.tag == "li"]
    items = [t for t in items if t]
    ok = len(items) >= RESCUE_MIN_ITEMS and sum(len(t.split()) for t in items) / len(items) >= RESCUE_MIN_WORDS_PER_ITEM
    if ok:
        link_chars = sum(len(visible_text(a)) for a in lst.iter("a"))
        ok = link_chars <= RESCUE_MAX_LINK_SHARE * sum(len(t) for t in items)
    cache[lst] = ok
    return ok


def _chars(*groups: list[Block]) -> int:
    """Characters of text in the blocks of all groups: how much an extraction kept."""
    return sum(len(b.text) for group in groups for b in group)


def _sentence_reasons(block: Block) -> list[tuple[str, str | None]] | None:
    """A paragraph of at least two sentences, each with its boilerplate reason (None for
    content); None for any other block."""
    if block.kind != KIND_PARAGRAPH:
        return None
    sentences = [s.strip() for s in SENTENCE_END.split(block.text) if s.strip()]
    if len(sentences) < 2:
        return None
    return [(sentence, classify_segment(sentence)) for sentence in sentences]


def _article_paragraphs(blocks: list[Block]) -> int:
    """Paragraphs long enough to be an article's prose (not a card's or a step's line)."""
    return sum(1 for b in blocks if b.kind == KIND_PARAGRAPH and len(b.text.split()) >= CARD_ARTICLE_WORDS)


def _is_article(blocks: list[Block]) -> bool:
    """Several paragraphs of prose: an article, not a listing, shop or service page."""
    return _article_paragraphs(blocks) >= CARD_ARTICLE_PARAGRAPHS


_CARD_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6", "img", "figure", "picture", "figcaption")


def _is_card(li: etree._Element) -> bool:
    """A list item holding a heading or an image is a card of a teaser list or a
    gallery slide (its text is a headline or a caption), not a bullet of the article."""
    return next(li.iter(*_CARD_TAGS), None) is not None


def _is_teaser(li: etree._Element) -> bool:
    """A card whose headline is a link: a teaser of another page. (A service page's
    feature cards, headings with a description and no link, are its content.)"""
    for heading in li.iter(*_HEADING_TAGS, "h1"):
        if next(heading.iter("a"), None) is not None or any(a.tag == "a" for a in heading.iterancestors()):
            return True
    return False


def _element_texts(tree: etree._Element) -> list[tuple[etree._Element, str]]:
    """Block-level elements of the pruned page with their text (a table row as cells)."""
    body = tree.find("body")
    if body is None:
        body = tree
    out = []
    for el in body.iter(RESCUE_TAGS):
        if el.tag == "tr":
            text = TABLE_CELL_SEPARATOR.join(visible_text(c) for c in el if isinstance(c.tag, str) and c.tag in ("td", "th"))
        else:
            text = visible_text(el)
        out.append((el, text))
    return out


def rescue_lists(tree: etree._Element, blocks: list[Block],
                 elements: list[tuple[etree._Element, str]] | None = None) -> list[Block]:
    """Put back the headings, list items and table rows trafilatura dropped inside the article.

    The article region is read off the tree: the elements whose text trafilatura kept
    mark it. A heading, list item or table row lying between two kept elements, under
    their common container, belongs to the article unless it reads like a menu (mostly
    links, one-word items). It goes back in reading order, after the kept block before it.
    """
    if not blocks:
        return blocks
    index: dict[str, int] = {}
    for i, b in enumerate(blocks):
        index.setdefault(_key(b.text), i)
    pairs = elements if elements is not None else _element_texts(tree)
    elements = [el for el, _ in pairs]
    texts = [text for _, text in pairs]
    matched: list[int | None] = [index.get(_key(text)) if text else None for text in texts]
    anchors = [k for k, m in enumerate(matched) if m is not None]
    if len(anchors) < 2:
        return blocks
    first, last = anchors[0], anchors[-1]
    container = _common_ancestor([elements[k] for k in anchors])
    inserts: dict[int, list[Block]] = {}
    list_cache: dict = {}
    introduced: set[etree._Element] = set()  # lists a kept sentence ending in ':' opens
    joined = ""  # the kept blocks' keys end to end, made when first needed
    previous = None
    # On an article (several paragraphs of prose kept) a list of cards is a teaser list
    # or a gallery; on a listing or shop page the cards are the content.
    article = _is_article(blocks)
    for k in range(first, last + 1):
        if matched[k] is not None:
            previous = matched[k]
            continue
        el, text = elements[k], texts[k]
        if not text or previous is None or el.tag in ("p", "blockquote", "pre", "dd", "dt", "h1"):
            continue
        if container is not None and (not _inside(el, container) or (el.tag == "tr" and _in_widget(el, container))):
            continue
        # a nested element of a kept one (a <p> in a kept <li>) is already there
        if any(matched[j] is not None for j in (k - 1,) if j >= 0 and elements[j] in el.iterancestors()):
            continue
        if el.tag in _HEADING_TAGS:
            if article and any(a.tag == "li" for a in el.iterancestors()):
                continue  # the title of a story card in a list, not a section of the article
            # a heading comes back only when the text right after it was kept (it opens
            # kept content), not when it titles a box trafilatura dropped
            nxt = next((j for j in range(k + 1, min(k + 4, len(texts))) if texts[j]), None)
            if len(text.split()) > BOLD_HEADING_MAX_WORDS * 2 or nxt is None or \
                    (matched[nxt] is None and elements[nxt].tag != "li"):
                continue
            block = Block(text, KIND_HEADING, int(el.tag[1]))
        elif el.tag == "li":
            parent = el.getparent()
            if parent is not None and parent not in introduced and k > 0 and matched[k - 1] is not None \
                    and blocks[matched[k - 1]].text.rstrip().endswith(":") and el.getprevious() is None:
                # the kept sentence right before the list announces it ('Meditation has
                # been shown to help improve:'): its items are the sentence's end, even
                # when each is a link to a source or a single word
                introduced.add(parent)
            if parent is None or not (parent in introduced or _list_ok(parent, list_cache)) \
                    or el.find(".//li") is not None or (article and _is_card(el)):
                continue
            block = Block(text, KIND_LIST_ITEM)
        else:
            # a layout table's row holds the page, not a row of data
            if any(a.tag == "li" for a in el.iterancestors()) or not text.strip(" |") \
                    or el.find(".//table") is not None or el.find(".//p") is not None or el.find(".//div") is not None:
                continue
            block = Block(text, KIND_TABLE_ROW)
        key = _key(text)
        if len(key) >= DUPLICATE_MIN_CHARS and _kept_already(key, block.kind, index, joined := joined or "".join(index)):
            continue
        inserts.setdefault(previous, []).append(block)
    return _with_inserts(blocks, inserts)


def rescue_posts(tree: etree._Element, blocks: list[Block]) -> list[Block]:
    """Put back the posts of a thread that trafilatura dropped.

    trafilatura keeps a thread's long posts and drops the short ones ('NIH - 7/18',
    'Congrats!'), which are posts all the same. A thread's posts share their markup:
    the elements of one tag and class of which at least POST_MIN_KEPT hold kept text
    (and at least POST_MIN_KEPT_SHARE of them) are the posts; the others of that kind go
    back as paragraphs, in page order, after the kept post before them. They still go
    through the filter (an author box or a signature is cut there as anywhere).
    """
    if len(blocks) < POST_MIN_KEPT:
        return blocks
    keys = [_key(b.text) for b in blocks]
    joined = "".join(keys)  # a post of several paragraphs is several blocks
    ends = list(itertools.accumulate(len(k) for k in keys))
    body = tree.find("body")
    groups: dict[tuple[str, str], list[etree._Element]] = {}
    for el in (body if body is not None else tree).iter():
        if isinstance(el.tag, str) and el.get("class") and el.tag not in SILENT_TAGS \
                and not POST_EXCLUDED_TOKENS & set(attribute_tokens(el.get("class", ""))):
            groups.setdefault((el.tag, el.get("class", "")), []).append(el)
    best: tuple[int, list[tuple[etree._Element, str, str, bool]]] | None = None
    for els in groups.values():
        if len(els) <= POST_MIN_KEPT:
            continue
        posts = []
        for el in els:
            text = visible_text(el)
            key = _key(text)
            posts.append((el, text, key, len(key) >= POST_MIN_CHARS and _held(key, joined)))
        kept = sum(1 for *_, found in posts if found)
        if kept >= POST_MIN_KEPT and kept >= POST_MIN_KEPT_SHARE * len(posts) and kept < len(posts) \
                and (best is None or kept > best[0]):
            best = (kept, posts)
    if best is None:
        return blocks
    inserts: dict[int, list[Block]] = {}
    after: int | None = None  # index of the kept block holding the last kept post
    for el, text, key, found in best[1]:
        if found:
            # the block holding the last of it that was kept
            pieces = [key] if key in joined else _probe_pieces(key)
            at = max(((joined.find(p), len(p)) for p in pieces if p in joined), default=None)
            after = bisect.bisect_right(ends, at[0] + at[1] - 1) if at else after
        elif key and after is not None and not _held(key, joined) and _post_like(el, text):
            inserts.setdefault(after, []).append(Block(text, KIND_PARAGRAPH))
    return _with_inserts(blocks, inserts)


def _with_inserts(blocks: list[Block], inserts: dict[int, list[Block]]) -> list[Block]:
    """`blocks` with each list of `inserts` placed after the block of its index."""
    if not inserts:
        return blocks
    out: list[Block] = []
    for i, block in enumerate(blocks):
        out.append(block)
        out.extend(inserts.get(i, ()))
    return out


def _probe_pieces(key: str) -> list[str]:
    """A long key cut into consecutive POST_PROBE_CHARS pieces (see _held)."""
    return [key[i:i + POST_PROBE_CHARS] for i in range(0, len(key) - POST_PROBE_CHARS + 1, POST_PROBE_CHARS)]


def _post_like(el: etree._Element, text: str) -> bool:
    """A dropped element of the posts' kind (`text`, its visible text) reads as a post:
    no form controls (a 'Jump to' forum menu) and at most RESCUE_MAX_LINK_SHARE of its
    text in links."""
    if next(el.iter("select", "input", "button", "option"), None) is not None:
        return False
    return sum(len(visible_text(a)) for a in el.iter("a")) <= RESCUE_MAX_LINK_SHARE * len(text)


def _held(key: str, joined: str) -> bool:
    """Whether the output (`joined` keys) holds the element of text `key`: whole, or,
    for a long post (the filter or trafilatura may have cut a piece of it: a greeting, a
    link, a quote's 'Click to expand'), by at least half of its POST_PROBE_CHARS pieces.
    (Not a short post: its end is often what the next post quotes.)"""
    if key in joined:
        return True
    if len(key) < 3 * POST_PROBE_CHARS:
        return False
    pieces = _probe_pieces(key)
    return 2 * sum(1 for piece in pieces if piece in joined) >= len(pieces)


def _in_widget(el: etree._Element, container: etree._Element) -> bool:
    """Whether a form inside the article's container holds `el`: a table there is a
    compare widget, not a table of the article (a form wrapping the whole page, as
    ASP.NET sites have, is outside the container and does not count). Asked of table
    rows only: lists in forms (a shop's filters, a calculator's choices) are in the wcxb
    gold."""
    for node in el.iterancestors():
        if node is container:
            return False
        if node.tag == "form":
            return True
    return False


def _kept_already(key: str, kind: str, kept: Iterable[str], joined: str) -> bool:
    """Whether the output holds a rescue candidate already (keys as _key folds them;
    `joined` is the kept keys end to end): within one block or across a few (a row kept
    as a heading and a paragraph), most of it as one block (a forum post kept without
    its poster's line), or, for a table row, its first cells (trafilatura keeps a row
    without a last cell that holds a list)."""
    if key in joined:
        return True
    for k in kept:
        if len(k) >= DUPLICATE_MIN_CHARS and k in key and \
                (len(k) >= RESCUE_KEPT_SHARE * len(key) or (kind == KIND_TABLE_ROW and key.startswith(k))):
            return True
    return False


def _common_ancestor(elements: list[etree._Element]) -> etree._Element | None:
    path = [elements[0]] + list(elements[0].iterancestors())
    depth = {id(e): i for i, e in enumerate(path)}
    best = 0
    for el in elements[1:]:
        node = el
        while node is not None and id(node) not in depth:
            node = node.getparent()
        if node is None:
            return None
        best = max(best, depth[id(node)])
    return path[best]


def _inside(el: etree._Element, container: etree._Element) -> bool:
    return any(a is container for a in el.iterancestors())


# -- helpers ------------------------------------------------------------------------------
def _parse(raw: str) -> etree._Element | None:
    """The page as an lxml.html tree (htmltree.parse_html), parsed anew."""
    return parse_html(raw)[0]


def _fold(text: str) -> str:
    return _SPACE.sub(" ", text).strip().lower()


_NON_WORD = re.compile(r"\W+")


@lru_cache(maxsize=8192)  # the same element texts are keyed by the rescue, the box filter and the audit
def _key(text: str) -> str:
    """Matching key between tree text and extractor output: letters and digits only
    (trafilatura re-spaces inline formatting: 'Bar: x' comes out as 'Bar : x')."""
    return _NON_WORD.sub("", text.lower())


def _link_keys(tree: etree._Element) -> frozenset[str]:
    """The texts of the page's links (as _key folds them): what a menu entry is made of."""
    return frozenset(k for a in tree.iter("a") if (k := _key(visible_text(a))))


def _weak_reason(text: str) -> str:
    """Reason for dropped text nothing more specific explains: short title-case runs are
    menu entries, anything else is low-quality text the extractor judged off-topic."""
    words = text.split()
    if len(words) <= NAV_MAX_WORDS and sum(w[:1].isupper() or not w[:1].isalpha() for w in words) >= 0.6 * len(words) \
            and not text.rstrip().endswith((".", "!", "?")):
        return "nav"
    return "low_quality"


def _latin_share(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    return sum(1 for c in letters if c < "\u0250") / len(letters) if letters else 0.0


def _link_texts(tree: etree._Element | None) -> list[str]:
    """The lower-cased, space-folded texts of the page's links."""
    if tree is None:
        return []
    return [t.lower() for a in tree.iter("a") if (t := visible_text(a))]


def _anchor_around(lower: str, span: tuple[int, int], anchors: list[str]) -> tuple[int, int] | None:
    """The span of a link text in `lower` (a lower-cased block) that holds `span`."""
    a, b = span
    for anchor in anchors:
        start = lower.find(anchor, max(0, b - len(anchor)))
        while 0 <= start <= a:
            if start + len(anchor) >= b:
                return start, start + len(anchor)
            start = lower.find(anchor, start + 1)
    return None


def _sentence_span(text: str, span: tuple[int, int]) -> tuple[int, int]:
    """Widen a spam phrase to its sentence (spam arrives as whole inserted sentences)."""
    a, b = span
    start = max(text.rfind(". ", 0, a), text.rfind("! ", 0, a), text.rfind("? ", 0, a))
    start = 0 if start < 0 else start + 2
    ends = [i for i in (text.find(". ", b), text.find("! ", b), text.find("? ", b)) if i >= 0]
    end = min(ends) + 1 if ends else len(text)
    return start, end


# trafilatura's XML elements that end a line or a block: their text is joined to the
# neighbours' with a space, or a list item 'Custom orthotics<p>Insoles moulded…' reads
# 'orthoticsInsoles' ('<br>' alike). Inline elements (hi, ref, code) join as they are.
# trafilatura's renditions of bold, italic, underline and code runs (see _restore_tail_spaces).
TRIMMED_RUN_RENDS = frozenset({"#b", "#i", "#u", "#t"})
_SPACED_TAGS = frozenset({"head", "p", "list", "item", "quote", "lb", "table", "row", "cell"})


def _text_of(el: etree._Element) -> str:
    return fold_spaces(_spaced_text(el))


def _spaced(el: etree._Element) -> str:
    """An element's text with the separating spaces of _spaced_text around it."""
    sep = " " if el.tag in _SPACED_TAGS else ""
    return sep + _spaced_text(el) + sep


def _spaced_text(el: etree._Element) -> str:
    """itertext() with a space at each start and end of a _SPACED_TAGS element (a walk,
    not recursion: trafilatura keeps nested lists and quotes as deep as the page's)."""
    parts: list[str] = []
    for event, node in etree.iterwalk(el, events=("start", "end")):
        if node is el:
            if event == "start":
                parts.append(el.text or "")
            continue
        if not isinstance(node.tag, str):  # a comment or processing instruction: its tail only
            if event == "end":
                parts.append(node.tail or "")
            continue
        sep = " " if node.tag in _SPACED_TAGS else ""
        parts += [sep, node.text or ""] if event == "start" else [sep, node.tail or ""]
    return "".join(parts)


def _restore_tail_spaces(main: etree._Element, page: etree._Element | None) -> None:
    """Put back the space trafilatura trimmed after a formatted run that opens a block.

    Where a page has loose text broken by <br> ('It is <b>not</b> the right choice'),
    trafilatura makes each piece a paragraph and trims the tail of a formatting element
    that opens one: `<p><hi rend="#b">not</hi>the right …` would read 'notthe right'.
    The page's own text decides: the space goes back when the page has the two words
    apart and never together (a bold drop cap, '<b>I</b>f you …', stays joined).
    Only bold, italic, underline and code runs (not sub- or superscripts: 'H₂O')."""
    page_text: str | None = None  # itertext (fast); the spaced reading only when that says no
    spaced_text: str | None = None
    for hi in main.iter("hi"):
        tail, parent = hi.tail, hi.getparent()
        if not tail or not tail[0].isalnum() or hi.get("rend") not in TRIMMED_RUN_RENDS or parent is None \
                or (parent.text and parent.text.strip()) or parent.index(hi) != 0 or page is None:
            continue
        before = re.search(r"\w+$", "".join(hi.itertext()))
        after = re.match(r"\w+", tail)
        if before is None or after is None:
            continue
        if page_text is None:
            body = page.find("body")
            root = body if body is not None else page
            page_text = fold_spaces("".join(root.itertext()))
        apart, together = f"{before.group()} {after.group()}", f"{before.group()}{after.group()}"
        if apart not in page_text or together in page_text:
            # a <br> or a block boundary, invisible to itertext, may part the words
            if spaced_text is None:
                spaced_text = _page_text(root)
            if apart not in spaced_text or together in spaced_text:
                continue
        hi.tail = " " + tail


def _page_text(root: etree._Element) -> str:
    """The page's text as a reader sees its words apart: a space at every block element
    and <br> ('<b>Sustainable nutrition<br></b>Everyone has …' reads 'nutrition Everyone')."""
    parts: list[str] = []
    for event, node in etree.iterwalk(root, events=("start", "end")):
        tag = node.tag if isinstance(node.tag, str) else None
        if event == "start":
            if tag in BLOCK_TAGS:
                parts.append(" ")
            if tag is not None and tag not in SILENT_TAGS and node.text:
                parts.append(node.text)
        else:
            if tag in BLOCK_TAGS:
                parts.append(" ")
            if node is not root and node.tail:
                parts.append(node.tail)
    return fold_spaces("".join(parts))


def _bold_only(el: etree._Element) -> bool:
    """A paragraph whose whole text sits in one bold run: a heading in disguise."""
    children = list(el)
    if len(children) != 1 or (el.text or "").strip() or (children[0].tail or "").strip():
        return False
    child = children[0]
    return child.tag == "hi" and child.get("rend", "") in ("#b", "#strong")


_BLOCK_XML = ("p", "head", "list", "table", "quote", "code")


def _layout_row(row: etree._Element) -> bool:
    """A table row holding paragraphs, headings or lists lays out the page; it is not data."""
    return any(row.find(f".//{tag}") is not None for tag in _BLOCK_XML)


def _loose_text(cell: etree._Element) -> str:
    """A layout cell's own text, outside the blocks nested in it (those are visited on their own)."""
    parts = [cell.text or ""]
    for child in cell:
        if child.tag not in _BLOCK_XML and child.tag not in ("row", "cell"):
            parts.append("".join(child.itertext()))
        parts.append(child.tail or "")
    return _SPACE.sub(" ", "".join(parts)).strip()


def xml_blocks(main: etree._Element, page: etree._Element | None = None) -> Iterator[Block]:
    """trafilatura's XML body -> Blocks, keeping heading levels, list items and table rows.
    `page` is the tree trafilatura read (for the spaces it trimmed: _restore_tail_spaces)."""
    for lb in main.iter("lb"):
        lb.tail = " " + (lb.tail or "")
    _restore_tail_spaces(main, page)
    if main.text and main.text.strip():
        yield Block(_SPACE.sub(" ", main.text).strip(), KIND_PARAGRAPH)
    # Loose text after a block element (trafilatura leaves a paragraph as the tail of the
    # heading before it when the page had no <p>): emitted after the element's last descendant.
    pending: dict[etree._Element, list[str]] = {}
    for el in main.iter("head", "p", "item", "row", "quote", "code", "list", "table"):
        parent = el.getparent()
        # only tails loose in the body: inside a list item, quote or cell they are part
        # of that element's own text already
        if el.tail and el.tail.strip() and parent is not None and (parent is main or parent.tag in ("div", "section")):
            last = el
            for last in el.iter():
                pass
            pending.setdefault(last, []).append(_SPACE.sub(" ", el.tail).strip())
        if el.tag in ("list", "table"):
            continue
        yield from _xml_block(el)
        for tail_el in [el] + ([d for d in el.iter() if d is not el and d in pending] if len(el) else []):
            for text in pending.pop(tail_el, ()):
                yield Block(text, KIND_PARAGRAPH)
    for texts in pending.values():
        for text in texts:
            yield Block(text, KIND_PARAGRAPH)


def _xml_block(el: etree._Element) -> Iterator[Block]:
    """One block of trafilatura's XML (or, for a layout row, its cells' own text)."""
    parent = el.getparent()
    if True:
        if el.tag == "row":
            if _layout_row(el):
                for cell in el.findall("cell"):
                    text = _loose_text(cell)
                    if text:
                        yield Block(text, KIND_PARAGRAPH)
                return
            cells = [_text_of(c) for c in el.findall("cell")]
            text = TABLE_CELL_SEPARATOR.join(c for c in cells if c)
            kind, level = KIND_TABLE_ROW, 0
        else:
            # Paragraphs nested in list items or quotes are reached through the parent.
            # (a heading inside a list item too: the item's text already holds it)
            if el.tag in ("p", "quote", "code", "head") and parent is not None and parent.tag in ("item", "quote"):
                return
            if el.tag == "item" and el.find(".//item") is not None:
                # a list item holding a sub-list: its own text only, the sub-items follow
                own = [el.text or ""] + [(c.tail or "") if c.tag == "list" else _spaced(c) + (c.tail or "")
                                         for c in el]
                text = _SPACE.sub(" ", "".join(own)).strip()
            else:
                text = _text_of(el)
            if el.tag == "head":
                rend = el.get("rend", "h2")
                level = int(rend[1]) if rend[:1] == "h" and rend[1:].isdigit() else 2
                kind = KIND_HEADING
            elif el.tag == "item":
                kind, level = KIND_LIST_ITEM, 0
            elif el.tag == "p" and _bold_only(el) and len(text.split()) <= BOLD_HEADING_MAX_WORDS \
                    and not text.rstrip().endswith((".", ",", ";")):
                kind, level = KIND_HEADING, 3
            else:
                kind, level = KIND_PARAGRAPH, 0
        if text:
            yield Block(text, kind, level)


def _soup_hidden(tag) -> bool:
    """Hidden from readers: the fallback has no trafilatura to drop these for it."""
    attrs = tag.attrs or {}
    return ("hidden" in attrs or attrs.get("aria-hidden") == "true"
            or bool(_HIDDEN_STYLE.search(attrs.get("style", "") if isinstance(attrs.get("style"), str) else "")))


def _soup_blocks(soup: BeautifulSoup) -> Iterator[Block]:
    """The fallback: block elements of the (already pruned) page, chrome tags dropped."""
    for tag in soup(FALLBACK_DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(_soup_hidden):
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
            yield Block(TABLE_CELL_SEPARATOR.join(" ".join(c.get_text(" ").split()) for c in el.find_all(["td", "th"])) or text,
                        KIND_TABLE_ROW)
        else:
            yield Block(text, KIND_PARAGRAPH)


class Line(NamedTuple):
    """A line of the page's visible text, as the audit reads it (see _text_lines)."""

    text: str
    context: str | None  # chrome reason of the nearest enclosing element that names one
    joined: bool  # only link boundaries separate it from the line before
    link: bool  # the whole line is one link's text


def _text_lines(tree: etree._Element, vocab, hidden: bool = False) -> Iterator[Line]:
    """The page's visible text as lines broken at block elements, each with the chrome
    reason of the nearest enclosing element whose markup names one (or None), and
    whether only link boundaries separate it from the line before (`joined`).

    Lines break at links too, so that each entry of a run of links ('Home', 'About') is
    its own line; `joined` lets the audit put back together what the page shows as one
    line ('By <a>Jane Doe</a> · Health Reporter') when its pieces are cut for one reason.
    Two lines that are each a whole link are never joined: that is a menu.

    Runs over every element of the page (twice per page: cuts and audit), so it is one
    flat loop with the line flush inlined."""
    body = tree.find("body")
    if body is None:
        body = tree
    line: list[str] = []
    line_context: str | None = None
    hard = True  # a block boundary other than a link's since the last line was yielded
    link_opened = False  # the current line started at a link's opening tag
    previous_link = False  # the last line yielded was one link's whole text
    fold = fold_spaces
    block_tags = BLOCK_TAGS
    silent = SILENT_TAGS
    # Explicit stack of (element, entering?, context, an inline box? (on leaving)) to
    # survive deep trees.
    stack: list[tuple[etree._Element, bool, str | None, bool]] = [(body, True, None, False)]
    pop, push = stack.pop, stack.append
    while stack:
        el, entering, context, inline_box = pop()
        tag = el.tag
        if not isinstance(tag, str):
            tag = None
        if entering:
            if tag is None or tag in silent:
                if el.tail and el is not body:
                    line.append(el.tail)
                continue
            found = chrome_reason(el, vocab)
            ctx = found[0] if found and (hidden or found[0] != "hidden") else context
            if ctx is None and (tag == "header" or tag == "nav"):
                ctx = "nav"
            # an inline element whose markup names its own reason ('<span class="reviewer">'
            # beside '<span class="posted-on">') is a line of its own, softly joined
            inline_box = ctx != context and tag not in block_tags
            if tag in block_tags or inline_box:
                if line:
                    text = fold("".join(line))
                    line.clear()
                    if text:
                        yield Line(text, line_context, not hard, False)  # not a whole link: joins
                        hard, previous_link = False, False
                link_opened = tag == "a"
                if tag != "a" and not inline_box:
                    hard = True
            if not line:
                line_context = ctx
            if el.text:
                line.append(el.text)
            push((el, False, context, inline_box))
            for child in reversed(el):
                push((child, True, ctx, False))
        else:
            if tag in block_tags:
                if line:
                    text = fold("".join(line))
                    line.clear()
                    if text:
                        whole_link = link_opened and tag == "a"
                        yield Line(text, line_context, not hard and not (whole_link and previous_link), whole_link)
                        hard, previous_link = False, whole_link
                link_opened = False
                if tag != "a":
                    hard = True
            elif inline_box and line:
                # the end of an inline element with its own reason (see above)
                text = fold("".join(line))
                line.clear()
                if text:
                    yield Line(text, line_context, not hard, False)
                    hard, previous_link = False, False
            if el.tail and el is not body:
                if not line:
                    line_context = context
                line.append(el.tail)
    if line:
        text = fold("".join(line))
        if text:
            yield Line(text, line_context, not hard, False)
