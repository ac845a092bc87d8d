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
from functools import lru_cache

import numpy as np

from .lexicon import Lexicon, normalise, trim
from .textseg import Segment

WORD = re.compile(r"\w+")
DIGIT = re.compile(r"\d")
URL = re.compile(r"https?://|www\.|\b[\w.-]+@[\w-]+\.\w+|\b\w+\.(?:com|org|net|gov|edu|io)\b")
PHONE = re.compile(r"\(?\b\d{3}\)?[-. ]\d{3}[-. ]\d{4}\b|\+\d[\d ()-]{7,}\d")
TERMINAL = re.compile(r"[.!?…][\"'”’)\]]*$")
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


# Short segments ('Home', 'Privacy Policy', 'Share this article') recur across pages and
# sites; their lexicon matches are cached per process.
CACHE_MAX_WORDS = 12


@lru_cache(maxsize=1 << 16)
def _match_short(lex: Lexicon, norm: str, words: int) -> tuple[str | None, str | None, tuple[str, ...]]:
    return lex.match(norm, trim(norm), words)


def analyse(segs: list[Segment], lex: Lexicon) -> list[SegInfo]:
    infos: list[SegInfo] = []
    stop = lex.stopwords
    for seg in segs:
        norm = normalise(seg.text)
        tokens = WORD.findall(norm)
        words = len(tokens)
        alpha = [w for w in seg.text.split() if w[:1].isalpha()]
        title = sum(1 for w in alpha if w[0].isupper()) / len(alpha) if alpha else 0.0
        stops = sum(1 for t in tokens if t in stop) / words if words else 0.0
        terminal = bool(TERMINAL.search(seg.text))
        if words <= CACHE_MAX_WORDS:
            line_reason, strong_reason, phrases = _match_short(lex, norm, words)
        else:
            line_reason, strong_reason, phrases = lex.match(norm, trim(norm), words)
        infos.append(SegInfo(norm, words, tokens, terminal, words >= PROSE_WORDS and terminal, title, stops,
                             line_reason, strong_reason, phrases,
                             zlib.crc32(" ".join(tokens).encode("utf-8", "replace"))))
    return infos


def stage1_features(segs: list[Segment], infos: list[SegInfo], lex: Lexicon, *, raw_len: int,
                    template_lines: frozenset[int], stopwords_stripped: bool, title_tokens: set[str]) -> np.ndarray:
    n = len(segs)
    reasons = lex.names
    rindex = {r: i for i, r in enumerate(reasons)}
    nlex = len(reasons)
    counts: dict[int, int] = {}
    for info in infos:
        counts[info.key] = counts.get(info.key, 0) + 1
    logw = np.array([np.log1p(i.words) for i in infos], dtype=np.float64)
    prose = np.array([1.0 if i.prose else 0.0 for i in infos])
    prose_words = np.array([i.words if i.prose else 0 for i in infos], dtype=np.float64)
    total_prose = prose_words.sum() or 1.0
    before = np.cumsum(prose_words) - prose_words
    max_w = max((i.words for i in infos), default=1) or 1
    # distance to the nearest prose segment, in segments
    dist = np.full(n, float(n))
    last = -10**9
    for k in range(n):
        if prose[k]:
            last = k
        dist[k] = k - last
    last = 10**9
    for k in range(n - 1, -1, -1):
        if prose[k]:
            last = k
        dist[k] = min(dist[k], last - k)
    cs_logw = np.concatenate([[0.0], np.cumsum(logw)])
    cs_prose = np.concatenate([[0.0], np.cumsum(prose)])

    def window(cs: np.ndarray, r: int) -> np.ndarray:
        idx = np.arange(n)
        a, b = np.maximum(0, idx - r), np.minimum(n, idx + r + 1)
        return (cs[b] - cs[a]) / (b - a)

    win = [window(cs_logw, NEAR), window(cs_logw, FAR), window(cs_prose, NEAR), window(cs_prose, FAR)]
    win = np.stack(win, axis=1).tolist() if n else []
    logdist = np.log1p(dist).tolist()
    before_share = (before / total_prose).tolist()
    logw_l = logw.tolist()
    rows = np.zeros((n, N_BASE + 3 * nlex), dtype=np.float64)
    for k, (seg, info) in enumerate(zip(segs, infos)):
        text = seg.text
        nchar = len(text)
        digits = len(DIGIT.findall(text)) / nchar if nchar else 0.0
        upper_words = [w for w in text.split() if len(w) > 1 and w.isalpha()]
        caps = sum(1 for w in upper_words if w.isupper()) / len(upper_words) if upper_words else 0.0
        mean_len = sum(len(t) for t in info.tokens) / info.words if info.words else 0.0
        stop = info.stop_ratio if not stopwords_stripped else 0.45 * (1.0 - info.title_ratio)
        title_overlap = (sum(1 for t in info.tokens if t in title_tokens) / info.words) if info.words and title_tokens else 0.0
        f = [
            logw_l[k], math.log1p(nchar), float(info.terminal), float(text.endswith(":")), stop, info.title_ratio,
            digits, float(bool(URL.search(text))), float(bool(PHONE.search(text))), text.count(",") / (info.words + 1),
            min(mean_len, 15.0) / 15.0, caps, float(seg.list_marker), float(seg.blank_before), float(seg.runon),
            k / max(n - 1, 1), seg.start / max(raw_len, 1), float(seg.line == 0 and seg.piece == 0),
            float(counts[info.key] > 1), float(info.key in template_lines),
            *win[k], logdist[k], before_share[k], info.words / max_w, title_overlap,
            float(info.prose), float(seg.pieces > 1),
        ]
        f += [float(info.words <= b) for b in WORD_BINS]
        lexf = [0.0] * (3 * nlex)
        if info.line_reason:
            lexf[rindex[info.line_reason]] = 1.0
        if info.strong_reason:
            lexf[nlex + rindex[info.strong_reason]] = 1.0
        for r in info.phrase_reasons:
            lexf[2 * nlex + rindex[r]] = 1.0
        rows[k, : len(f)] = f
        rows[k, len(f): len(f) + len(lexf)] = lexf
    return rows


N_BASE = 30 + len(WORD_BINS)


def stage2_features(f1: np.ndarray, p1: np.ndarray, infos: list[SegInfo]) -> np.ndarray:
    """Stage-1 features plus the neighbours' stage-1 probabilities (jusText's context pass)."""
    n = len(p1)
    w = np.array([max(i.words, 1) for i in infos], dtype=np.float64)
    pad = np.concatenate([[0.5, 0.5, 0.5], p1, [0.5, 0.5, 0.5]])
    cs_pw = np.concatenate([[0.0], np.cumsum(p1 * w)])
    cs_w = np.concatenate([[0.0], np.cumsum(w)])

    def wmean(a: int, b: int) -> float:
        a, b = max(0, a), min(n, b)
        if b <= a:
            return 0.5
        return (cs_pw[b] - cs_pw[a]) / (cs_w[b] - cs_w[a])

    region = _best_region(p1, w)
    extra = np.zeros((n, N_CONTEXT))
    for k in range(n):
        extra[k] = [
            p1[k], pad[k + 2], pad[k + 4], pad[k + 1], pad[k + 5],
            wmean(k - FAR, k), wmean(k + 1, k + 1 + FAR), wmean(k - 20, k + 21),
            float(region[0] <= k <= region[1]),
            min(abs(k - region[0]), abs(k - region[1]), 50) / 50.0 if not region[0] <= k <= region[1] else 0.0,
        ]
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
    infos = analyse(segs, lex)
    stripped = stopwords_stripped(infos)
    title = None
    if segs and segs[0].line == 0 and segs[0].pieces == 1 and 0 < infos[0].words <= TITLE_MAX_WORDS:
        title = segs[0].text
    title_tokens = set(infos[0].tokens) - lex.stopwords if title else set()
    f1 = stage1_features(segs, infos, lex, raw_len=len(raw), template_lines=template_lines,
                         stopwords_stripped=stripped, title_tokens=title_tokens)
    return Prepared(segs, infos, f1, stripped, title)
