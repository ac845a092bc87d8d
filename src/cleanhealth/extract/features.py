"""Features of text-dump segments for the boilerplate classifier.

Two stages, after jusText and the stacked classifiers of boilerplate research:
stage 1 describes a segment by itself, its position and its raw neighbourhood
(length, terminal punctuation, stop-word density, title-case runs, digits, phone
numbers, URLs, lexicon hits, repetition inside the page and across the run); stage 2
adds the stage-1 content probabilities of the neighbours, so that a short line
between two content paragraphs can stay and a long line lost in a menu can go.
"""

from __future__ import annotations

import math
import re
import zlib
from dataclasses import dataclass

import numpy as np

from .lexicon import Lexicon, normalise, trim
from .textseg import Segment

WORD = re.compile(r"\w+")
DIGIT = re.compile(r"\d")
URL = re.compile(r"https?://|www\.|\b[\w.-]+@[\w-]+\.\w+|\b\w+\.(?:com|org|net|gov|edu|io)\b")
PHONE = re.compile(r"\(?\b\d{3}\)?[-. ]\d{3}[-. ]\d{4}\b|\+\d[\d ()-]{7,}\d")
URL_HINTS = ("http", "www.", "@", ".com", ".org", ".net", ".gov", ".edu", ".io")
PHONE_MIN_DIGITS = 7
TERMINAL = re.compile(r"[.!?…。！？][\"'”’)\]」』）]*$")
# Chinese and Japanese are written without spaces: a \w+ run is a whole clause. Their
# length in words is estimated from the characters (about CJK_CHARS_PER_WORD per word)
# so that length features and the prose test mean the same as for spaced scripts.
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")
CJK_RUN = re.compile(r"\w*[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]\w*")
CJK_CHARS_PER_WORD = 2
# A segment counts as prose (jusText's 'good' candidate) from this many words with a sentence end.
PROSE_WORDS = 15
# Window (in segments) for neighbourhood averages.
NEAR = 2
FAR = 6
WORD_BINS = (1, 2, 4, 7, 12, 20, 40)


def line_key(text: str) -> int:
    """Stable hash of a normalised line (Python's hash() differs between processes)."""
    return zlib.crc32(" ".join(WORD.findall(normalise(text))).encode("utf-8", "replace"))


@dataclass(slots=True)
class SegInfo:
    """Per-segment facts shared by the features and the rules that follow the model."""

    norm: str
    words: int
    tokens: list[str]
    terminal: bool
    prose: bool
    title_ratio: float
    stop_ratio: float
    line_reason: str | None  # lexicon: whole segment is an interface string of this reason
    strong_reason: str | None  # lexicon: decisive phrase of this reason (segment short enough)
    phrase_reasons: tuple[str, ...]
    key: int


# Segment texts up to this long have their text-only facts cached per process: menus,
# footers and share bars recur within a page, across pages of a site and across sites.
CACHE_MAX_CHARS = 300


def _local(text: str, lex: Lexicon) -> tuple[SegInfo, list[float]]:
    """Facts and features that depend on the segment's text alone."""
    norm = normalise(text)
    tokens = WORD.findall(norm)
    words = len(tokens)
    if not text.isascii():
        cjk = len(CJK.findall(text))
        if cjk:  # each CJK run counted as one token above; count its words instead
            words += max(0, round(cjk / CJK_CHARS_PER_WORD) - len(CJK_RUN.findall(norm)))
    split = text.split()
    alpha = [w for w in split if w[:1].isalpha()]
    title = len([1 for w in alpha if w[0].isupper()]) / len(alpha) if alpha else 0.0
    stopwords = lex.stopwords
    stops = len([1 for t in tokens if t in stopwords]) / words if words else 0.0
    terminal = bool(TERMINAL.search(text))
    line_reason, strong_reason, phrases = lex.match(norm, trim(norm), words, tokens)
    info = SegInfo(norm, words, tokens, terminal, words >= PROSE_WORDS and terminal, title, stops,
                   line_reason, strong_reason, phrases, zlib.crc32(" ".join(tokens).encode("utf-8", "replace")))
    nchar = len(text)
    # an all-letter word starts with a letter: the alphabetic words are among `alpha`
    upper_words = [w for w in alpha if len(w) > 1 and w.isalpha()]
    caps = len([1 for w in upper_words if w.isupper()]) / len(upper_words) if upper_words else 0.0
    mean_len = sum(map(len, tokens)) / words if words else 0.0
    reasons = lex.names
    nlex = len(reasons)
    ndigits = len(DIGIT.findall(text))
    # cheap substring checks first: the regular expressions are the costly part
    url = any(m in norm for m in URL_HINTS) and bool(URL.search(text))
    phone = ndigits >= PHONE_MIN_DIGITS and bool(PHONE.search(text))
    f = [
        math.log1p(words), math.log1p(nchar), float(terminal), float(text.endswith(":")), stops, title,
        ndigits / nchar if nchar else 0.0, float(url),
        float(phone), text.count(",") / (words + 1), min(mean_len, 15.0) / 15.0, caps,
        float(info.prose),
    ]
    f += [float(words <= b) for b in WORD_BINS]
    lexf = [0.0] * (3 * nlex)
    if line_reason:
        lexf[reasons.index(line_reason)] = 1.0
    if strong_reason:
        lexf[nlex + reasons.index(strong_reason)] = 1.0
    for r in phrases:
        lexf[2 * nlex + reasons.index(r)] = 1.0
    return info, f + lexf  # rows become one array per page (stage1_features)


# Per-process cache of _local results by (text, lexicon); cleared when it reaches
# CACHE_MAX_ENTRIES (a bound on memory; the hit rate comes from recurring template lines).
CACHE_MAX_ENTRIES = 1 << 16
_CACHE: dict[tuple[str, int], tuple[SegInfo, list[float]]] = {}
N_LOCAL = 13 + len(WORD_BINS)  # + 3 lexicon blocks
STOP_COL = 4
TITLE_COL = 5
N_POSITION = 18


def analyse(segs: list[Segment], lex: Lexicon) -> tuple[list[SegInfo], list[list[float]]]:
    infos: list[SegInfo] = []
    rows: list[list[float]] = []
    lex_id = id(lex)
    for seg in segs:
        text = seg.text
        if len(text) <= CACHE_MAX_CHARS:
            key = (text, lex_id)
            hit = _CACHE.get(key)
            if hit is None:
                if len(_CACHE) >= CACHE_MAX_ENTRIES:
                    _CACHE.clear()
                hit = _CACHE[key] = _local(text, lex)
            info, row = hit
        else:
            info, row = _local(text, lex)
        infos.append(info)
        rows.append(row)
    return infos, rows


def stage1_features(segs: list[Segment], infos: list[SegInfo], local: list[list[float]], *, raw_len: int,
                    template_lines: frozenset[int], stopwords_stripped: bool, title_tokens: set[str],
                    has_title: bool) -> np.ndarray:
    n = len(segs)
    if n == 0:
        return np.zeros((0, 0))
    loc = np.array(local, dtype=np.float64)
    if stopwords_stripped:
        # the page's stop words were removed: estimate prose-likeness from capitalisation
        loc[:, STOP_COL] = 0.45 * (1.0 - loc[:, TITLE_COL])
    counts: dict[int, int] = {}
    for info in infos:
        counts[info.key] = counts.get(info.key, 0) + 1
    words = np.array([i.words for i in infos], dtype=np.float64)
    logw = np.log1p(words)
    prose = np.array([1.0 if i.prose else 0.0 for i in infos])
    prose_words = prose * words
    total_prose = prose_words.sum() or 1.0
    before = np.cumsum(prose_words) - prose_words
    # distance to the nearest prose segment, in segments
    idx = np.arange(n)
    pidx = np.flatnonzero(prose)
    if len(pidx):
        pos = np.searchsorted(pidx, idx)
        left = np.where(pos > 0, idx - pidx[np.maximum(pos - 1, 0)], n)
        right = np.where(pos < len(pidx), pidx[np.minimum(pos, len(pidx) - 1)] - idx, n)
        dist = np.minimum(left, right).astype(np.float64)
    else:
        dist = np.full(n, float(n))
    cs_logw = np.concatenate([[0.0], np.cumsum(logw)])
    cs_prose = np.concatenate([[0.0], np.cumsum(prose)])

    def window(cs: np.ndarray, r: int) -> np.ndarray:
        a, b = np.maximum(0, idx - r), np.minimum(n, idx + r + 1)
        return (cs[b] - cs[a]) / (b - a)

    title_overlap = np.zeros(n)
    if title_tokens:
        for k, info in enumerate(infos):
            if info.words:
                title_overlap[k] = sum(1 for t in info.tokens if t in title_tokens) / info.words
    posf = np.column_stack([
        [float(s.blank_before) for s in segs], [float(s.runon) for s in segs], idx / max(n - 1, 1),
        [s.start / max(raw_len, 1) for s in segs],
        [float(has_title and k == 0) for k in range(n)],
        [float(counts[i.key] > 1) for i in infos], [float(i.key in template_lines) for i in infos],
        window(cs_logw, NEAR), window(cs_logw, FAR), window(cs_prose, NEAR), window(cs_prose, FAR),
        np.log1p(dist), before / total_prose, words / max(words.max(), 1.0), title_overlap,
        [float(s.pieces > 1) for s in segs], [float(s.list_marker) for s in segs],
        np.minimum(idx, 50) / 50.0,
    ])
    return np.hstack([loc, posf])


def stage2_features(f1: np.ndarray, p1: np.ndarray, infos: list[SegInfo]) -> np.ndarray:
    """Stage-1 features plus the neighbours' stage-1 probabilities (jusText's context pass)."""
    n = len(p1)
    w = np.array([max(i.words, 1) for i in infos], dtype=np.float64)
    pad = np.concatenate([[0.5, 0.5, 0.5], p1, [0.5, 0.5, 0.5]])
    cs_pw = np.concatenate([[0.0], np.cumsum(p1 * w)])
    cs_w = np.concatenate([[0.0], np.cumsum(w)])

    region = _best_region(p1, w)
    k = np.arange(n)

    def wmeans(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        a, b = np.maximum(0, a), np.minimum(n, b)
        out = np.full(n, 0.5)
        ok = b > a
        out[ok] = (cs_pw[b[ok]] - cs_pw[a[ok]]) / (cs_w[b[ok]] - cs_w[a[ok]])
        return out

    inside = (region[0] <= k) & (k <= region[1])
    extra = np.column_stack([
        p1, pad[k + 2], pad[k + 4], pad[k + 1], pad[k + 5],
        wmeans(k - FAR, k), wmeans(k + 1, k + 1 + FAR), wmeans(k - 20, k + 21),
        inside.astype(np.float64),
        np.where(inside, 0.0, np.minimum(np.minimum(np.abs(k - region[0]), np.abs(k - region[1])), 50) / 50.0),
    ]) if n else np.zeros((0, N_CONTEXT))
    return np.hstack([f1, extra])


N_CONTEXT = 10


def _best_region(p: np.ndarray, w: np.ndarray) -> tuple[int, int]:
    """The contiguous run of segments with the largest word-weighted content surplus (max subarray)."""
    gain = (p - 0.5) * np.sqrt(w)
    best, best_a, best_b = -1.0, 0, -1
    cur, a = 0.0, 0
    for k, g in enumerate(gain):
        if cur <= 0:
            cur, a = g, k
        else:
            cur += g
        if cur > best:
            best, best_a, best_b = cur, a, k
    return best_a, best_b


# A page whose prose has fewer stop words than this had them stripped by the scraper
# (normal English prose runs at 40-50 %; menus at 5-15 %, but menus are short lines).
STRIPPED_STOP_RATIO = 0.15
STRIPPED_MIN_WORDS = 60
# Lines from the top of the page that may be its title.
TITLE_MAX_WORDS = 30


@dataclass(slots=True)
class Prepared:
    segs: list[Segment]
    infos: list[SegInfo]
    f1: np.ndarray
    stopwords_stripped: bool
    title: str | None


def stopwords_stripped(infos: list[SegInfo]) -> bool:
    words = stops = 0
    for info in infos:
        if info.words >= 5:
            words += info.words
            stops += round(info.stop_ratio * info.words)
    return words >= STRIPPED_MIN_WORDS and stops / words < STRIPPED_STOP_RATIO


def prepare(raw: str, lex: Lexicon, template_lines: frozenset[int] = frozenset()) -> Prepared:
    """Segments, their facts and stage-1 features for one page (shared by runtime and training)."""
    from .textseg import segment

    segs = segment(raw)
    infos, local = analyse(segs, lex)
    stripped = stopwords_stripped(infos)
    title = None
    if segs and segs[0].line == 0 and segs[0].pieces == 1 and 0 < infos[0].words <= TITLE_MAX_WORDS:
        title = segs[0].text
    title_tokens = set(infos[0].tokens) - lex.stopwords if title else set()
    f1 = stage1_features(segs, infos, local, raw_len=len(raw), template_lines=template_lines,
                         stopwords_stripped=stripped, title_tokens=title_tokens, has_title=title is not None)
    return Prepared(segs, infos, f1, stripped, title)
