"""Main-content extraction for flattened text dumps: a segment classifier.

The dump is cut into segments (lines, pieces of run-on lines, sentence groups; see
textseg.py). A two-stage logistic regression over features that generalise (length,
punctuation, stop-word density, title-case runs, digits, phone numbers, URLs,
position, neighbours, repetition in the page and across the run, lexicon hits;
features.py) scores each segment; the model was trained on the benchmark's WCXB
training split (scripts/train_text_model.py). Rules then apply what a model cannot
learn from a few hundred pages: decisive lexicon phrases ('we may earn a commission',
'Advertisement'), site template lines, duplicates, blocks of unrelated text appended
after the article (contamination), what follows a whole article (a comments section,
teaser lists whose entries each carry a byline or date line, the teasers after a
related-links marker line, cut-off summaries of other posts), and sentence-level cuts
inside kept paragraphs (spam runs in a foreign script, SEO spam phrases, calls to action
with a phone number).

Every cut goes to `removed` with a reason; adjacent cuts with the same reason are
reported as one span of the original text.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..config import threshold as config_threshold
from ..document import KIND_HEADING, KIND_LIST_ITEM, KIND_PARAGRAPH, KIND_TITLE, Block, Document
from .features import PHONE, URL, Prepared, SegInfo, line_key, prepare, stage2_features
from .lexicon import Lexicon, load_lexicon
from .model import TextModel, load_model
from .textseg import LIST_MARKER, Segment, segment, split_sentences

if TYPE_CHECKING:
    from ..pipeline import RunContext
    from ..stage import Stage

# --- thresholds -------------------------------------------------------------------
# Inputs beyond this many characters are cut (a text dump that long is not one page;
# the reader's own size limits come first, this only bounds the work per page).
MAX_RAW_CHARS = 2_000_000
# A decisive lexicon phrase removes a segment unless the model is at least this sure
# that it is content (a long paragraph that merely mentions cookies or a newsletter).
STRONG_KEEP_P = 0.97
# A template line (recurring across pages of the run) is removed unless it is prose the
# model is this sure of (a recurring disclaimer sentence inside the article). Short
# recurring lines go even inside the article: recurring headings carry little text.
TEMPLATE_KEEP_P = 0.85
# Cross-page template lines: seen on at least this many pages and this share of the run.
TEMPLATE_MIN_PAGES = 3
TEMPLATE_MIN_SHARE = 0.02
TEMPLATE_MIN_WORDS = 2  # single words ('Symptoms', 'Home') are left to the classifier
# A kept segment repeating an earlier kept one is a duplicate from this many words on
# (shorter repeats are headings or list items that legitimately recur).
DUPLICATE_MIN_WORDS = 5
# Contamination: a block of at least this many words, repeated verbatim in the page,
# whose content words overlap the rest of the kept text by less than this share (a
# paragraph of the article itself shares about half of its content words with the rest;
# only repeated blocks are judged, so the bound can be loose).
CONTAMINATION_MIN_WORDS = 25
CONTAMINATION_MAX_OVERLAP = 0.3
# Run-on pages (menus glued into one line, often with stop words stripped) are unlike
# the line-per-block pages the model learned from: their pieces are judged by rule.
# A page is run-on when at least this share of its segments came out of run-on lines;
# a piece is content with at least RUNON_CONTENT_WORDS words and at most
# RUNON_MAX_TITLE_RATIO of its words capitalised (menus are Title Case).
RUNON_PAGE_SHARE = 0.5
RUNON_CONTENT_WORDS = 12
RUNON_MAX_TITLE_RATIO = 0.35
# ... unless it has fewer than this many words and menu items on both sides: then it
# is a blurb inside the menu. Article paragraphs of a run-on page are longer.
RUNON_ISLAND_WORDS = 20
# Link lists: the items after a 'See also' / 'Related articles' marker are links, up to
# the first segment reading as prose or longer than this without a list marker.
LINK_ITEM_MAX_WORDS = 15
# Rescue (jusText's 'near-good needs a good neighbour'): a rejected sentence-like
# segment with no boilerplate evidence is kept when kept content lies within
# RESCUE_GAP segments on both sides, so no article sentence is lost to the model's noise.
RESCUE_MIN_WORDS = 6
RESCUE_MIN_STOP = 0.2
RESCUE_MIN_P = 0.05
RESCUE_GAP = 2
# ... a segment without a sentence end qualifies too when it is this long and this rich
# in stop words: running prose whose last line is a signature ('... -- WORRIED IN OHIO')
# or a cut-off quote.
RESCUE_UNENDED_WORDS = 25
RESCUE_UNENDED_STOP = 0.3
# Comments: a reader-comment section starts at a comment marker ('34 Comments',
# 'jane says:') with at least this many kept prose words before it and at least
# COMMENT_MIN_MARKERS markers from there on; only count links ('34 Comments') may come
# before it (a forum thread, whose posts are the content, has 'X says:' from the top).
# A paragraph continues a cut editorial or disclosure box when at least this share of
# its words, and at least HOUSE_VOICE_MIN words, are the site speaking of itself.
# Article prose addresses the reader ('you'); house statements speak as 'we'.
HOUSE_REASONS = frozenset({"editorial_policy", "affiliate_disclosure"})
HOUSE_VOICE = frozenset({"we", "our", "us", "ours", "weve", "were", "we've", "we're", "ourselves"})
HOUSE_VOICE_MIN = 3
HOUSE_VOICE_SHARE = 0.05
COMMENT_ARTICLE_WORDS = 150
# ... or this many when the marker is a section heading seen once, without a count
# ('Comments', 'Leave a Reply'): a heading under a short post opens its comments (a
# forum thread starts with a post marker; '76 comments' is a count link in a listing).
COMMENT_HEADED_ARTICLE_WORDS = 25
COMMENT_MIN_MARKERS = 2
COMMENT_MARKER_MAX_WORDS = 15
# Teaser lists: after a whole article (at least TEASER_ARTICLE_WORDS kept prose words
# since the previous byline or date line), a run of at least TEASER_MIN_ENTRIES byline or
# date lines, each within TEASER_MAX_GAP segments of the next, is a list of other
# articles (headline, author, date, blurb per entry). An article carries its own byline
# and date once; a listing repeats them per entry. The article bound is high because a
# listing page's introduction and a forum's first post (whose dated replies are the
# content) run to a few hundred words; news articles run longer.
TEASER_ARTICLE_WORDS = 400
TEASER_MIN_ENTRIES = 3
TEASER_MAX_GAP = 6
TEASER_META = frozenset({"date_stamp", "byline"})
# Related-content tail: after a whole article (TEASER_ARTICLE_WORDS kept prose words), a
# related-links marker line ('Read these next', 'More stories') opens teasers: headlines each
# with at most one blurb paragraph. Kept segments from the marker on go, up to two
# adjacent kept prose paragraphs (the article resuming after an inline 'Related:' link).
# A page with more marker lines than RELATED_TAIL_MAX_MARKERS from there on has them
# per section or per entry (a listing), not one tail.
RELATED_TAIL_MAX_MARKERS = 3
# The whole article: a run of kept paragraphs of at least this many words, with at most
# ARTICLE_RUN_GAP other segments between consecutive paragraphs (a heading, a caption);
# a listing's blurbs are further apart (headline, date, 'Read more' between them).
RELATED_TAIL_ARTICLE_WORDS = 150
ARTICLE_RUN_GAP = 2
# Excerpts: a kept segment ending in an ellipsis mark ('... […]', '[...]', 'Read more…')
# is a teaser's cut-off summary; EXCERPT_MIN_PER_PAGE of them outside the article (the
# longest run of adjacent paragraphs, when it reaches RELATED_TAIL_ARTICLE_WORDS) are the
# site's other posts. On a listing page (no such run) they are the content and stay.
EXCERPT_END = re.compile(r"(\[\s*(?:…|\.\.\.)\s*\]|\(\s*(?:…|\.\.\.)\s*\)|…|\.\.\.)$")
EXCERPT_MIN_PER_PAGE = 2
# Spam injection: foreign-script runs are cut from prose whose letters are at least this
# share Latin (a page written in Chinese is not spam).
LATIN_SHARE_FOR_SCRIPT_SPAM = 0.9
# A spam phrase found more often than this in one page is the page's topic, not spam.
SPAM_MAX_REPEATS = 2
# Headings: short, no sentence end, followed by content.
HEADING_MAX_WORDS = 14
# Flags.
STUB_MAX_WORDS = 50  # kept text shorter than this is a stub
MISSING_LIST_MIN = 2  # sentences ending in ':' with no list after them
TRUNCATED_MIN_WORDS = 12  # a last paragraph this long without a sentence end was cut off
NO_MODEL_THRESHOLD = 0.5

FOREIGN_RUN = re.compile(
    r"[A-Za-z0-9]*[\u0400-\u04ff\u0590-\u06ff\u0e00-\u0e7f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uff00-\uffef]+"
    r"[\w\u3000-\u303f\uff00-\uffef]*")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CALL_SENTENCE = re.compile(r"\b(call|contact|text|phone|dial)\b", re.I)
CONTENT_WORD = re.compile(r"[a-z]{3,}")
BULLET = re.compile(r"^\s*[-*•·▪●◦‣–—]\s+")


class TextExtractor:
    """Turn a text dump into kept Blocks and audited removals."""

    def __init__(self, context: "RunContext | None" = None) -> None:
        self.context = context
        self.lexicon: Lexicon = load_lexicon()
        self.model: TextModel | None = load_model()
        self.template_lines: frozenset[int] = getattr(context, "template_lines", frozenset()) or frozenset()

    def extract(self, doc: Document, stage: "Stage") -> Document:
        raw = _clean_input(doc.raw)
        prep = prepare(raw, self.lexicon, self.template_lines)
        if _title_ok(prep) and not doc.title:
            doc.title = prep.title
        if not prep.segs:
            doc.blocks = []
            return doc
        decision = _Decision(prep, self._probabilities(prep))
        decision.spam_possible = self.lexicon.spam_possible(raw.lower())
        if decision.spam_possible:
            found = Counter(_spam_key(m.group(0)) for m in self.lexicon.spam.finditer(raw.lower()))  # type: ignore[union-attr]
            title = (prep.title or "").lower()
            decision.spam_topics = {t for t, c in found.items() if c > SPAM_MAX_REPEATS or t in title}
        self._apply_rules(decision)
        _runon_rules(decision)
        _rescue_prose(decision)
        _keep_some_prose(decision)
        _cut_link_lists(decision)
        _cut_comment_section(decision)
        _cut_teaser_lists(decision)
        _cut_related_tail(decision)
        _cut_excerpts(decision)
        _extend_house_statements(decision)
        _detect_contamination(decision, self.lexicon)
        doc.blocks = self._blocks(doc, stage, decision, raw)
        self._flags(doc, decision)
        return doc

    # -- scoring ----------------------------------------------------------------------
    def _probabilities(self, prep: Prepared) -> np.ndarray:
        if self.model is None:
            return np.array([_rule_probability(i) for i in prep.infos])
        p1 = self.model.stage1.predict(prep.f1)
        return self.model.stage2.predict(stage2_features(prep.f1, p1, prep.infos))

    @property
    def threshold(self) -> float:
        own = self.model.threshold if self.model else NO_MODEL_THRESHOLD
        return config_threshold(self.context, "text_keep_probability", own)  # cleanhealth.toml

    def _apply_rules(self, d: "_Decision") -> None:
        seen: set[int] = set()
        threshold = self.threshold  # once per page: it may consult the run's configuration
        for k, (seg, info) in enumerate(zip(d.prep.segs, d.prep.infos)):
            p = float(d.p[k])
            keep = p >= threshold
            reason = None
            if info.strong_reason and p < STRONG_KEEP_P:
                keep, reason = False, info.strong_reason
            elif info.line_reason and info.line_reason != "nav" and info.words <= 3 and p < STRONG_KEEP_P:
                # 'Advertisement', 'Share', 'Discussion Comments' alone on a line
                keep, reason = False, info.line_reason
            elif (keep and info.key in self.template_lines and info.words >= TEMPLATE_MIN_WORDS
                  and (p < TEMPLATE_KEEP_P or not info.prose)):
                keep, reason = False, "template"
            if keep and info.words >= DUPLICATE_MIN_WORDS:
                if info.key in seen:
                    keep, reason = False, "duplicate"
                seen.add(info.key)
            d.keep[k] = keep
            d.reason[k] = None if keep else (reason or _reason_for(info, seg, k in d.template_hits(self.template_lines)))

    # -- output -----------------------------------------------------------------------
    def _blocks(self, doc: Document, stage: "Stage", d: "_Decision", raw: str) -> list[Block]:
        segs, infos = d.prep.segs, d.prep.infos
        blocks: list[Block] = []
        n = len(segs)
        kept = [k for k in range(n) if d.keep[k]]
        next_kept = {kept[i]: (kept[i + 1] if i + 1 < len(kept) else None) for i in range(len(kept))}
        # removed spans: merge runs of adjacent cuts with the same reason
        k = 0
        while k < n:
            if d.keep[k]:
                k += 1
                continue
            j = k
            while j + 1 < n and not d.keep[j + 1] and d.reason[j + 1] == d.reason[k]:
                j += 1
            stage.remove(doc, raw[segs[k].start:segs[j].end], d.reason[k] or "other", round(float(d.p[k]), 3))
            k = j + 1
        previous_kind = None
        for k in kept:
            seg, info = segs[k], infos[k]
            text = self._cut_inside(doc, stage, seg.text, info, d)
            if not text:
                continue
            nk = next_kept[k]
            kind, level = _kind(k, seg, info, d.prep, nk, previous_kind)
            if kind == KIND_LIST_ITEM:
                text = BULLET.sub("", text) or text
            blocks.append(Block(text, kind, level))
            previous_kind = kind
        return blocks

    def _cut_inside(self, doc: Document, stage: "Stage", text: str, info: SegInfo, d: "_Decision") -> str:
        """Cut spam runs and calls to action out of a kept segment, keeping the rest."""
        if info.words >= 6 and not text.isascii() and FOREIGN_RUN.search(text) and _latin_share(text) >= LATIN_SHARE_FOR_SCRIPT_SPAM:
            text = _cut_spans(doc, stage, text, [m.span() for m in FOREIGN_RUN.finditer(text)], "spam_injection", d)
        if d.spam_possible and self.lexicon.spam is not None:  # no spam anchor in the page: no spam in it
            spans = [m.span() for m in self.lexicon.spam.finditer(text.lower()) if _spam_key(m.group(0)) not in d.spam_topics]
            text = _cut_spans(doc, stage, text, spans, "spam_injection", d)
        if PHONE.search(text) and CALL_SENTENCE.search(text):
            spans = [(a, b) for a, b in split_sentences(text)
                     if PHONE.search(text[a:b]) and CALL_SENTENCE.search(text[a:b])]
            if spans and sum(b - a for a, b in spans) < len(text):
                text = _cut_spans(doc, stage, text, spans, "cta", d)
        return text.strip()

    def _flags(self, doc: Document, d: "_Decision") -> None:
        segs, infos = d.prep.segs, d.prep.infos
        if d.prep.stopwords_stripped:
            doc.add_flag("stopwords_stripped")
        if d.spam:
            doc.add_flag("spam_injection")
        if any(r == "contamination" for r in d.reason):
            doc.add_flag("contamination")
        kept = [k for k in range(len(segs)) if d.keep[k]]
        words = sum(infos[k].words for k in kept)
        if words < STUB_MAX_WORDS:
            doc.add_flag("stub")
        missing = 0
        for k in kept:
            text = segs[k].text.rstrip(" .")
            if text.endswith(":") and infos[k].words >= 4:
                nxt = k + 1
                if nxt >= len(segs) or not _looks_like_list_item(segs[nxt], infos[nxt]):
                    missing += 1
        if missing >= MISSING_LIST_MIN:
            doc.add_flag("missing_list_items")
        body = [k for k in kept if infos[k].words >= TRUNCATED_MIN_WORDS]
        if body:
            last = segs[body[-1]].text.rstrip()
            if last.endswith(("...", "…")) or not re.search(r"[.!?:;\"'”’)\]]$", last):
                doc.add_flag("truncated")


@dataclass
class _Decision:
    prep: Prepared
    p: np.ndarray

    def __post_init__(self) -> None:
        n = len(self.prep.segs)
        self.keep: list[bool] = [False] * n
        self.reason: list[str | None] = [None] * n
        self.spam = False
        self._template: set[int] | None = None
        # spam phrases that are the page's own topic (a page about payday loans)
        self.spam_topics: set[str] = set()
        # the page holds a spam phrase's anchor (Lexicon.spam_possible): segments are scanned
        self.spam_possible = False

    def template_hits(self, template_lines: frozenset[int]) -> set[int]:
        if self._template is None:
            self._template = {k for k, i in enumerate(self.prep.infos) if i.key in template_lines}
        return self._template


def _clean_input(raw: str) -> str:
    """Bound the work and drop control characters a binary-ish input may carry."""
    if not raw:
        return ""
    raw = raw[:MAX_RAW_CHARS]
    return CONTROL.sub(" ", raw)


def _rule_probability(info: SegInfo) -> float:
    """Fallback when no model file ships: jusText-like length and punctuation rules."""
    if info.line_reason or info.strong_reason:
        return 0.05
    if info.prose:
        return 0.9
    if info.words >= 8 and info.terminal:
        return 0.7
    return 0.3


def _reason_for(info: SegInfo, seg: Segment, template: bool) -> str:
    """The most specific reason for a segment the classifier rejected."""
    if info.line_reason:
        return info.line_reason
    if info.strong_reason:
        return info.strong_reason
    if template:
        return "template"
    if info.phrase_reasons:
        return info.phrase_reasons[0]
    if URL.search(seg.text) and info.words <= 12:
        return "other"
    if info.words <= 8 and info.title_ratio >= 0.5:
        return "nav"
    if seg.runon and info.title_ratio >= 0.5:
        return "nav"
    return "low_quality"


def _spam_key(phrase: str) -> str:
    """'Payday loans' and 'payday loan' count as one phrase."""
    return " ".join(w.rstrip("s") for w in phrase.lower().split())


def _latin_share(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for c in letters if c < "\u0250") / len(letters)


def _cut_spans(doc: Document, stage: "Stage", text: str, spans: list[tuple[int, int]], reason: str,
               d: _Decision) -> str:
    if not spans:
        return text
    out: list[str] = []
    last = 0
    for a, b in sorted(spans):
        if a < last:
            continue
        out.append(text[last:a])
        stage.remove(doc, text[a:b].strip(), reason, None)
        last = b
    out.append(text[last:])
    if reason == "spam_injection":
        d.spam = True
    joined = ""
    for part in out:
        if not joined:
            joined = part.rstrip()
        elif part.strip():
            joined = joined.rstrip() + ("" if part.lstrip()[:1] in ".,;:!?)" else " ") + part.strip()
    return re.sub(r"[ \t]{2,}", " ", joined).strip()


def _title_ok(prep: Prepared) -> bool:
    """The first line reads as the page title: short (see features.prepare), not a
    sentence ending in a period, and not an interface string ('Table of Contents')."""
    if prep.title is None:
        return False
    first = prep.infos[0]
    return not prep.title.rstrip().endswith(".") and not (first.line_reason or first.strong_reason)


def _looks_like_list_item(seg: Segment, info: SegInfo) -> bool:
    return seg.list_marker or (info.words <= HEADING_MAX_WORDS and not info.terminal)


def _kind(k: int, seg: Segment, info: SegInfo, prep: Prepared, next_k: int | None,
          previous_kind: str | None) -> tuple[str, int]:
    if k == 0 and _title_ok(prep):
        return KIND_TITLE, 1
    if seg.list_marker:
        return KIND_LIST_ITEM, 0
    text = seg.text
    if info.words <= HEADING_MAX_WORDS and not re.search(r"[.,;:]$", text):
        nxt = prep.infos[next_k] if next_k is not None else None
        followed_by_body = nxt is not None and (nxt.words > info.words or nxt.terminal)
        if previous_kind == KIND_LIST_ITEM or (prep.segs[k - 1].text.rstrip().endswith(":") if k else False):
            if not followed_by_body or (nxt is not None and nxt.words <= HEADING_MAX_WORDS and not nxt.terminal):
                return KIND_LIST_ITEM, 0
        if followed_by_body and (not info.terminal or text.endswith("?")):
            return KIND_HEADING, 2
    return KIND_PARAGRAPH, 0


def _runon_rules(d: _Decision) -> None:
    segs, infos = d.prep.segs, d.prep.infos
    if not segs or sum(1 for s in segs if s.runon) < RUNON_PAGE_SHARE * len(segs):
        return
    for k, (seg, info) in enumerate(zip(segs, infos)):
        if not seg.runon or d.reason[k] not in (None, "low_quality", "nav"):
            continue
        content = info.words >= RUNON_CONTENT_WORDS and info.title_ratio <= RUNON_MAX_TITLE_RATIO
        d.keep[k] = content
        d.reason[k] = None if content else "nav"
    # jusText's context rule: a short piece with cut chrome on both sides is a menu blurb
    # ('Enter shape color imprint … pill identification tool'), not article text.
    n = len(segs)
    islands = [k for k in range(n) if d.keep[k] and segs[k].runon and infos[k].words < RUNON_ISLAND_WORDS
               and 0 < k < n - 1 and not d.keep[k - 1] and not d.keep[k + 1]]
    for k in islands:
        d.keep[k], d.reason[k] = False, "nav"


def _cut_link_lists(d: _Decision) -> None:
    """Remove the items of a list introduced by a related-links marker."""
    infos, n = d.prep.infos, len(d.prep.infos)
    k = 0
    while k < n:
        info = infos[k]
        if "related_links" not in (info.line_reason, info.strong_reason):
            k += 1
            continue
        j = k + 1
        while j < n and not infos[j].prose and (infos[j].words <= LINK_ITEM_MAX_WORDS or d.prep.segs[j].list_marker):
            if d.keep[j] or d.reason[j] in ("low_quality", "nav"):
                d.keep[j] = False
                d.reason[j] = "related_links"
            j += 1
        k = j


def _rescue_prose(d: _Decision) -> None:
    infos, segs, n = d.prep.infos, d.prep.segs, len(d.prep.infos)
    kept = [k for k in range(n) if d.keep[k]]
    if not kept:
        return
    import bisect

    for k in range(n):
        info = infos[k]
        if d.keep[k] or d.reason[k] != "low_quality" or info.words < RESCUE_MIN_WORDS or d.p[k] < RESCUE_MIN_P:
            continue
        if info.phrase_reasons or not (info.terminal or segs[k].text.endswith(":")
                                       or (info.words >= RESCUE_UNENDED_WORDS and info.stop_ratio >= RESCUE_UNENDED_STOP)):
            continue
        if not d.prep.stopwords_stripped and info.stop_ratio < RESCUE_MIN_STOP:
            continue
        i = bisect.bisect_left(kept, k)
        left = kept[i - 1] if i > 0 else None
        right = kept[i] if i < len(kept) else None
        if left is not None and right is not None and k - left <= RESCUE_GAP and right - k <= RESCUE_GAP:
            d.keep[k] = True
            d.reason[k] = None


def _cut_teaser_lists(d: _Decision) -> None:
    """Remove lists of other articles' teasers that follow the article.

    Each entry of such a list carries its own byline or date line; the span from the
    entry before the first of them to the entry after the last goes (entry length:
    the largest gap between consecutive meta lines)."""
    infos, n = d.prep.infos, len(d.prep.infos)
    metas = [k for k, i in enumerate(infos) if i.words <= HEADING_MAX_WORDS
             and (i.line_reason in TEASER_META or i.strong_reason in TEASER_META)]
    if len(metas) < TEASER_MIN_ENTRIES:
        return
    groups: list[list[int]] = []
    for k in metas:
        if groups and k - groups[-1][-1] <= TEASER_MAX_GAP:
            groups[-1].append(k)
        else:
            groups.append([k])
    previous_end = 0  # the article is the prose since the last meta line before the list
    for g in groups:
        if len(g) < TEASER_MIN_ENTRIES:
            previous_end = g[-1] + 1
            continue
        period = max(b - a for a, b in zip(g, g[1:]))
        start, end = max(0, g[0] - period + 1), min(n, g[-1] + period)
        article = sum(infos[k].words for k in range(previous_end, start) if d.keep[k] and infos[k].prose)
        previous_end = g[-1] + 1
        if article < TEASER_ARTICLE_WORDS:
            continue
        for k in range(start, end):
            if d.keep[k] or d.reason[k] == "low_quality":
                d.keep[k], d.reason[k] = False, "related_links"


def _cut_related_tail(d: _Decision) -> None:
    """Remove the teasers after a related-links marker that follows a whole article."""
    infos, n = d.prep.infos, len(d.prep.infos)
    article = 0  # prose words of the longest run of kept paragraphs so far
    run, last_prose = 0, -2
    for k in range(n):
        info = infos[k]
        if d.keep[k] and info.prose:
            # paragraphs of one article follow each other, or have one heading between
            # them; a listing's blurbs have a headline and a date line between them
            run = (run if k - last_prose <= ARTICLE_RUN_GAP + 1 else 0) + info.words
            last_prose = k
            article = max(article, run)
            continue
        if d.keep[k]:
            continue
        if article < RELATED_TAIL_ARTICLE_WORDS or info.line_reason != "related_links":
            continue  # only a marker line opens the tail ('Read more: <title>' is one inline link)
        if sum(1 for j in range(k, n) if infos[j].line_reason == "related_links") > RELATED_TAIL_MAX_MARKERS:
            return  # 'More on <section>' under every section: links inside a structured page
        for j in range(k + 1, n):
            if not d.keep[j]:
                continue
            if infos[j].prose and j + 1 < n and d.keep[j + 1] and infos[j + 1].prose:
                break
            d.keep[j], d.reason[j] = False, "related_links"
        return


def _article_span(d: _Decision) -> tuple[int, int, int]:
    """(first, last, words) of the longest run of adjacent kept paragraphs (ARTICLE_RUN_GAP)."""
    infos = d.prep.infos
    best = (0, -1, 0)
    start, run, last = 0, 0, -ARTICLE_RUN_GAP - 2
    for k in range(len(infos)):
        if d.keep[k] and infos[k].prose:
            if k - last > ARTICLE_RUN_GAP + 1:
                start, run = k, 0
            run += infos[k].words
            last = k
            if run > best[2]:
                best = (start, k, run)
    return best


def _cut_excerpts(d: _Decision) -> None:
    """Remove cut-off teaser summaries outside the article (see EXCERPT_END)."""
    segs = d.prep.segs
    found = [k for k in range(len(segs)) if d.keep[k] and EXCERPT_END.search(segs[k].text)]
    if len(found) < EXCERPT_MIN_PER_PAGE:
        return
    first, last, words = _article_span(d)
    if words < RELATED_TAIL_ARTICLE_WORDS:
        return
    outside = [k for k in found if not first <= k <= last]
    if len(outside) < EXCERPT_MIN_PER_PAGE:
        return
    for k in outside:
        d.keep[k], d.reason[k] = False, "related_links"


def _keep_some_prose(d: _Decision) -> None:
    """Keep the likeliest prose segment of a page where nothing kept reads as prose.

    A page holds an article; when every segment with sentences was rejected (a lone
    paragraph lost among hundreds of menu lines, where every neighbourhood feature
    says 'menu'), the model's best prose candidate is that article, unless the
    lexicon says what else it is."""
    infos = d.prep.infos
    if any(d.keep[k] and infos[k].prose for k in range(len(infos))):
        return
    candidates = [k for k, i in enumerate(infos) if i.prose and d.reason[k] == "low_quality"]
    if candidates:
        best = max(candidates, key=lambda k: d.p[k])
        d.keep[best], d.reason[best] = True, None


def speaks_as_site(words: list[str]) -> bool:
    """The site speaking of itself: HOUSE_VOICE words are at least HOUSE_VOICE_MIN and
    HOUSE_VOICE_SHARE of the (lower-cased) words. Shared by the text-dump cleaner
    (_extend_house_statements) and the HTML filter."""
    voice = sum(1 for t in words if t in HOUSE_VOICE)
    return voice >= HOUSE_VOICE_MIN and voice / max(len(words), 1) >= HOUSE_VOICE_SHARE


def _extend_house_statements(d: _Decision) -> None:
    """Cut the rest of a site's statement about itself once its first block was cut.

    Editorial-policy and advertiser-disclosure boxes run over several paragraphs, and
    only the first usually carries a lexicon phrase ('Our Promise to you', 'How We Make
    Money'). A kept paragraph that directly follows such a cut and speaks as the site
    ('we', 'our', 'us' make up HOUSE_VOICE_SHARE of its words) belongs to the same box
    (the mark-then-remove idea of dolma's taggers: the neighbour's reason spreads).
    """
    infos, n = d.prep.infos, len(d.prep.infos)
    for k in range(1, n):
        if not d.keep[k] or d.keep[k - 1] or d.reason[k - 1] not in HOUSE_REASONS:
            continue
        if speaks_as_site(infos[k].tokens):  # tokens: the segment's words (info.words of them)
            d.keep[k] = False
            d.reason[k] = d.reason[k - 1]


def _cut_comment_section(d: _Decision) -> None:
    """Remove a reader-comment section that follows the article."""
    infos, n = d.prep.infos, len(d.prep.infos)
    markers = [k for k, i in enumerate(infos) if i.words <= COMMENT_MARKER_MAX_WORDS
               and (i.line_reason == "comments" or i.strong_reason == "comments" or "comments" in i.phrase_reasons)]
    if len(markers) < COMMENT_MIN_MARKERS:
        return
    kept_words = [infos[k].words if d.keep[k] and infos[k].prose else 0 for k in range(n)]
    total = sum(kept_words)
    if not total:
        return
    before = 0
    cum = [0] * (n + 1)
    for k in range(n):
        before += kept_words[k]
        cum[k + 1] = before
    counts = Counter(infos[m].key for m in markers)
    for idx, m in enumerate(markers):
        heading = (infos[m].line_reason == "comments" and counts[infos[m].key] == 1
                   and not any(c.isdigit() for c in infos[m].norm))
        if cum[m] < (COMMENT_HEADED_ARTICLE_WORDS if heading else COMMENT_ARTICLE_WORDS):
            if infos[m].line_reason != "comments":
                return  # a post-author marker above the article: a forum thread
            continue
        if len(markers) - idx < COMMENT_MIN_MARKERS:
            return
        # the section opens with a heading ('34 Comments', 'Leave a Reply') seen once;
        # a marker under every post ('Add a comment', 'Reply', 'X said:') is a thread
        if counts[infos[m].key] > 1 or "comments" not in (infos[m].line_reason, infos[m].strong_reason):
            return
        for k in range(m, n):
            if d.keep[k] or d.reason[k] in (None, "low_quality"):
                d.keep[k] = False
                d.reason[k] = "comments"
        return


_DEBUG = False


def _content_words(tokens: Iterable[str], stop: frozenset[str]) -> set[str]:
    return {t for t in tokens if t not in stop and CONTENT_WORD.fullmatch(t)}


def _detect_contamination(d: _Decision, lex: Lexicon) -> None:
    """Mark kept blocks of unrelated text that the page repeats.

    A scraper sometimes glues another page's text on, often twice. Such a block is
    long, repeated verbatim in the page and off-topic compared with the rest of what
    was kept. (A lone off-topic block is left alone: on product and landing pages it
    is often the page's own text.)
    """
    infos, n = d.prep.infos, len(d.prep.infos)
    counts = Counter(i.key for i in infos if i.words)
    # runs of consecutive kept segments
    runs: list[list[int]] = []
    cur: list[int] = []
    for k in range(n):
        if d.keep[k] or (infos[k].words and counts[infos[k].key] > 1 and d.reason[k] == "duplicate"):
            cur.append(k)
        elif cur:
            runs.append(cur)
            cur = []
    if cur:
        runs.append(cur)
    if len(runs) < 2:
        return
    stop = lex.stopwords
    total: Counter[str] | None = None  # content words of all kept runs, built on first need
    for run in runs:
        words = sum(infos[k].words for k in run)
        if words < CONTAMINATION_MIN_WORDS:
            continue
        repeated = sum(infos[k].words for k in run if counts[infos[k].key] > 1) >= 0.8 * words
        if not repeated:
            continue  # a lone block may be the page's own text (product pages, landing pages)
        if total is None:
            total = Counter(t for r in runs for k in r for t in _content_words(infos[k].tokens, stop))
        own = {infos[k].key for k in run}
        own_counts = Counter(t for r in runs for k in r if infos[k].key in own
                             for t in _content_words(infos[k].tokens, stop))
        mine = set(own_counts)
        rest = {t for t, c in total.items() if c > own_counts.get(t, 0)}
        if d.prep.title:
            rest |= _content_words(infos[0].tokens, stop)
        if not mine or not rest:
            continue
        overlap = len(mine & rest) / len(mine)
        if _DEBUG:
            print("contamination candidate", words, repeated, round(overlap, 3))
        if overlap < CONTAMINATION_MAX_OVERLAP:
            for k in run:
                d.keep[k] = False
                d.reason[k] = "contamination"
            # every other copy of these lines goes too
            keys = {infos[k].key for k in run}
            for k in range(n):
                if infos[k].key in keys and infos[k].words:
                    d.keep[k] = False
                    d.reason[k] = "contamination"
    # repeated fragments glued to a contaminated block belong to it
    changed = True
    while changed:
        changed = False
        for k in range(n):
            if d.reason[k] == "contamination" or d.keep[k] or counts[infos[k].key] < 2:
                continue
            if (k > 0 and d.reason[k - 1] == "contamination") or (k + 1 < n and d.reason[k + 1] == "contamination"):
                d.reason[k] = "contamination"
                changed = True


def build_template_lines(texts: Iterable[str]) -> frozenset[int]:
    """Hashes of lines that recur across the pages of a run (site template text).

    The pre-pass for `RunContext.template_lines`: a line counts as template when it is
    on at least TEMPLATE_MIN_PAGES pages and TEMPLATE_MIN_SHARE of the pages given, and
    has at least TEMPLATE_MIN_WORDS words. Hashes are stable across processes.
    """
    seen: Counter[int] = Counter()
    pages = 0
    for text in texts:
        pages += 1
        keys = set()
        for seg in segment(_clean_input(text or "")):
            if len(seg.text.split()) >= TEMPLATE_MIN_WORDS:
                keys.add(line_key(seg.text))
        seen.update(keys)
    need = max(TEMPLATE_MIN_PAGES, int(TEMPLATE_MIN_SHARE * pages + 0.999))
    return frozenset(k for k, c in seen.items() if c >= need)
