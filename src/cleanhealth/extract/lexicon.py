"""The boilerplate phrase lexicon, loaded once from data files.

Patterns live in `data/boilerplate.toml` (by removal reason), `data/boilerplate_spam.txt`
(spam injected into prose) and `data/boilerplate_stopwords.txt`, so they can be
reviewed and extended without touching code. Each reason compiles to three regular
expressions (whole-segment `line`, `phrase` anywhere, decisive `strong`).
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from re import _constants as _sre
from re import _parser as _sre_parse

from ..reasons import check_reason

_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "\u00a0": " ", "–": "-", "—": "-"})
_QUOTE_PAIRS = tuple((chr(k), v) for k, v in _QUOTES.items())
# Characters trimmed from both ends before whole-segment matching ('Share:', '» Home').
_EDGE = " \t|:•·-–—>»›<«‹*#.,;!?()[]{}\"'"


# Segments this short that match a whole-line pattern skip the phrase searches (speed).
LINE_ONLY_MAX_WORDS = 3
# Phrase patterns are searched in the first this-many characters of a segment.
PHRASE_SCAN_CHARS = 300


@dataclass(frozen=True)
class ReasonPatterns:
    reason: str
    max_words: int
    line: re.Pattern[str] | None
    phrase: re.Pattern[str] | None
    strong: re.Pattern[str] | None
    # Keyword prefilter for `phrase` (None: no usable anchor, always search): every match
    # of `phrase` contains one of these literal strings, or a digit when `anchor_digit`.
    # A segment holding none of them cannot match, so the regex scan,
    # the costly part of the cleaner, is skipped. Derived from the patterns themselves
    # (see _anchors), so it never changes which segments match.
    anchors: tuple[str, ...] | None = None
    anchor_digit: bool = False
    # The same anchors split for speed: those holding a whole word (letters with a
    # non-word character on both sides inside the anchor) are found through that word
    # in the segment's token set; the rest are substring checks.
    anchor_words: frozenset[str] = frozenset()
    anchor_rest: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)
class Lexicon:
    reasons: tuple[ReasonPatterns, ...]
    spam: re.Pattern[str] | None
    stopwords: frozenset[str]
    # All reasons in one expression each (named group per reason): one regex call per
    # segment instead of one per reason keeps the cleaner well above 100 pages/s.
    line_all: re.Pattern[str] | None = None
    strong_all: re.Pattern[str] | None = None
    phrase_all: re.Pattern[str] | None = None
    max_words: dict[str, int] | None = None
    longest: int = 0
    # Keyword prefilter for `spam` (see ReasonPatterns.anchors); None: always search.
    spam_anchors: tuple[str, ...] | None = None
    # `line_all` restricted to the patterns of unbounded length, and the longest match
    # of all the others: the cheap path for long segments (see match)
    line_unbounded: re.Pattern[str] | None = None
    line_bounded_max: int = 1 << 30

    @cached_property
    def names(self) -> tuple[str, ...]:
        return tuple(r.reason for r in self.reasons)

    def spam_possible(self, lowered: str) -> bool:
        """Whether `spam` can match in this lower-cased text (False: skip the scan).
        The anchors are ASCII, so a text holding none of them has no slice that does."""
        if self.spam is None:
            return False
        if self.spam_anchors is None:
            return True
        return any(a in lowered for a in self.spam_anchors)

    @cached_property
    def _full_plan(self) -> tuple[tuple[ReasonPatterns, tuple[str, ...] | None], ...]:
        return tuple((rp, rp.anchors) for rp in self.reasons)

    def _line(self, trimmed: str, words: int) -> str | None:
        """The reason of the whole-segment (`line`) pattern `trimmed` matches, if any."""
        if self.line_all is None or self.max_words is None:
            return None
        # a segment longer than any bounded interface string can only match the
        # unbounded patterns ('a b c d e f'): same first match, far fewer branches
        lines = self.line_all if len(trimmed) <= self.line_bounded_max else self.line_unbounded
        m = lines.fullmatch(trimmed) if lines is not None else None
        if not m:
            return None
        line = _which(m)
        return None if line and words > self.max_words[line] else line

    @cached_property
    def _strong_plan(self) -> tuple[tuple[ReasonPatterns, tuple[str, ...] | None, bool], ...]:
        """(reason, anchors, needs a digit) for each reason with strong patterns; the
        anchors are the strong pattern's own (see _prefilter): fewer than its phrase's."""
        return tuple((rp, *_prefilter(rp.strong)) for rp in self.reasons if rp.strong is not None)

    def decisive(self, norm: str, trimmed: str, words: int) -> tuple[str | None, str | None]:
        """`match(norm, trimmed, words)[:2]` without the phrase reasons: (line, strong).

        The HTML extractor acts on these two only, and `match` spends most of its time
        on the phrase searches of every reason. A strong pattern is part of its
        reason's `phrase` (see load_lexicon), so a strong hit is a phrase hit: the
        answer is the first reason, in `reasons` order, whose strong pattern matches,
        under the same word limits and scan window as in `match`, prefiltered by the
        strong pattern's anchors.
        """
        if words > self.longest or self.max_words is None:
            return None, None
        line = self._line(trimmed, words)
        if line is not None and words <= LINE_ONLY_MAX_WORDS:
            return line, None
        norm = norm[:PHRASE_SCAN_CHARS]
        digit: bool | None = None
        for rp, anchors, anchor_digit in self._strong_plan:
            if words > rp.max_words:
                continue
            if anchors is not None and not _holds_any(norm, anchors):
                if not anchor_digit:
                    continue
                if digit is None:
                    digit = _DIGIT.search(norm) is not None
                if not digit:
                    continue
            if rp.strong.search(norm):  # type: ignore[union-attr]
                return line, rp.reason
        return line, None

    def match(self, norm: str, trimmed: str, words: int,
              tokens: list[str] | None = None) -> tuple[str | None, str | None, tuple[str, ...]]:
        """(line reason, strong reason, phrase reasons) of a normalised segment.

        `tokens` (\\w+ runs of `norm`, if the caller has them) only saves work."""
        if words > self.longest or self.max_words is None:
            return None, None, ()
        strong = None
        line = self._line(trimmed, words)
        if line is not None and words <= LINE_ONLY_MAX_WORDS:
            # 'Home', 'Privacy Policy': the whole segment is an interface string; its
            # phrase hits would repeat the line reason, so the searches are skipped.
            return line, None, (line,)
        phrases: list[str] = []
        # Boilerplate phrases sit early in a boilerplate block; scanning only the head of
        # a long segment keeps the cost per segment bounded (regex scans are linear).
        norm = norm[:PHRASE_SCAN_CHARS]
        digit: bool | None = None
        tokset = set(tokens) if tokens is not None else None
        for rp, anchors in self._full_plan:
            if words > rp.max_words:
                continue
            if anchors is not None:
                if tokset is not None:
                    found = not rp.anchor_words.isdisjoint(tokset) or _holds_any(norm, rp.anchor_rest)
                else:
                    found = _holds_any(norm, anchors)
                if not found:  # no anchor: the pattern cannot match (the costly scan is skipped)
                    if not rp.anchor_digit:
                        continue
                    if digit is None:
                        digit = _DIGIT.search(norm) is not None
                    if not digit:
                        continue
            # `phrase` includes every `strong` pattern (see load_lexicon), so the
            # decisive check only runs on the few segments with a phrase hit.
            if rp.phrase is not None and rp.phrase.search(norm):
                phrases.append(rp.reason)
                if strong is None and rp.strong is not None and rp.strong.search(norm):
                    strong = rp.reason
        return line, strong, tuple(phrases)


_DIGIT = re.compile(r"\d")

_WORD = re.compile(r"\w+")
# Anchors that are common words select nothing; they are avoided when a branch has others.
_COMMON = frozenset({"a", "an", "the", "to", "of", "in", "on", "by", "for", "and", "or", "is", "are", "be",
                     "we", "you", "your", "our", "us", "it", "this", "that", "with", "from", "at", "as"})


def _holds_any(text: str, needles: tuple[str, ...]) -> bool:
    """Whether any needle is a substring of text (a loop: cheaper than any() on a genexpr)."""
    for needle in needles:
        if needle in text:
            return True
    return False


def _is_digit_class(op: object, av: object) -> bool:
    if op is _sre.IN:
        return all(o is _sre.CATEGORY and v is _sre.CATEGORY_DIGIT for o, v in av)  # type: ignore[attr-defined]
    return op is _sre.MAX_REPEAT and av[0] >= 1 and len(av[2]) == 1 and _is_digit_class(*av[2][0])  # type: ignore[index]


def _anchors(seq: list, lead: str = "") -> set[str] | None:
    """A set of literal strings one of which every match of `seq` contains ('' stands
    for 'a digit'), or None. `lead` is a literal that precedes `seq` in every match
    (the common prefix the regex parser factors out of 'a(ccept|llow)')."""
    best: set[str] | None = None
    best_score = float("-inf")

    def offer(keys: set[str]) -> None:
        nonlocal best, best_score
        # long, uncommon literals are selective; a digit is a weak anchor
        score = min((len(k.strip()) - (20 if k.strip() in _COMMON else 0)) if k else -15 for k in keys) - len(keys) / 2
        if score > best_score:
            best, best_score = keys, score

    run = lead
    for op, av in list(seq):
        if op is _sre.LITERAL:
            run += chr(av)
            continue
        if op is _sre.BRANCH:
            sets = [_anchors(b, run) for b in av[1]]
            if all(x is not None for x in sets):
                offer(set().union(*sets))  # type: ignore[arg-type]
        elif op is _sre.SUBPATTERN:
            inner = _anchors(av[3], run)
            if inner is not None:
                offer(inner)
        elif _is_digit_class(op, av):
            offer({""})
        if run.strip():
            offer({run})
        run = ""
    if run.strip():
        offer({run})
    return best


def _inner_word(anchor: str) -> str | None:
    """The longest word of `anchor` with a non-word character on both sides inside it:
    in any text holding the anchor, that word is a whole token."""
    inner = [m.group(0) for m in _WORD.finditer(anchor) if m.start() > 0 and m.end() < len(anchor)]
    return max(inner, key=len) if inner else None


def _prefilter(pattern: re.Pattern[str] | None) -> tuple[tuple[str, ...] | None, bool]:
    """(anchors, needs a digit) for a phrase pattern; (None, False) when none is found."""
    if pattern is None or pattern.flags & re.IGNORECASE:
        return None, False
    keys = _anchors(_sre_parse.parse(pattern.pattern))
    if keys is None:
        return None, False
    return tuple(sorted((k for k in keys if k), key=len, reverse=True)), "" in keys


def _branches(pattern: re.Pattern[str]) -> list[str]:
    """The top-level alternatives of a pattern built by _compile ('(?:(?:a)|(?:b))')."""
    parts, depth, cur, esc, cls = [], 0, "", False, False
    body = pattern.pattern[3:-1]  # strip the outer (?: )
    for ch in body:
        if esc:
            cur += ch
            esc = False
            continue
        if ch == "\\":
            esc = True
        elif cls:
            cls = ch != "]"
        elif ch == "[":
            cls = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(cur)
            cur = ""
            continue
        cur += ch
    parts.append(cur)
    return parts


def _width(pattern: re.Pattern[str] | None) -> tuple[int, list[str]]:
    """(longest match of the bounded alternatives, the unbounded alternatives)."""
    if pattern is None:
        return 0, []
    longest, unbounded = 0, []
    for part in _branches(pattern):
        hi = _sre_parse.parse(part).getwidth()[1]
        if hi >= _sre.MAXREPEAT:
            unbounded.append(part)
        else:
            longest = max(longest, hi)
    return longest, unbounded


def _unbounded(pattern: re.Pattern[str] | None) -> re.Pattern[str] | None:
    parts = _width(pattern)[1]
    return re.compile(f"(?:{'|'.join(parts)})") if parts else None


def _which(m: re.Match[str]) -> str | None:
    for name, value in m.groupdict().items():
        if value is not None:
            return name
    return None


def _combine(parts: list[tuple[str, re.Pattern[str] | None]], *, full: bool) -> re.Pattern[str] | None:
    body = "|".join(f"(?P<{name}>{pat.pattern})" for name, pat in parts if pat is not None)
    if not body:
        return None
    return re.compile(f"(?:{body})")


def normalise(text: str) -> str:
    """Lower-case, straight quotes, folded whitespace: the form patterns are written for."""
    if not text.isascii():  # every character _QUOTES maps is non-ASCII
        # a few str.replace calls beat str.translate, which looks up every character
        for old, new in _QUOTE_PAIRS:
            if old in text:
                text = text.replace(old, new)
    # str.split() splits on exactly the characters \s matches in a str pattern
    return " ".join(text.lower().split())


def trim(norm: str) -> str:
    """The segment without edge punctuation, and without the pictographs ('♥ Donate
    today! ♥', '🍞 Struggling with…') that decorate buttons and teasers."""
    trimmed = norm.strip(_EDGE)
    if trimmed and (_decoration(trimmed[0]) or _decoration(trimmed[-1])):
        start, end = 0, len(trimmed)
        while start < end and (_decoration(trimmed[start]) or trimmed[start] in _EDGE):
            start += 1
        while end > start and (_decoration(trimmed[end - 1]) or trimmed[end - 1] in _EDGE):
            end -= 1
        trimmed = trimmed[start:end]
    return trimmed


def _decoration(char: str) -> bool:
    """A pictograph, dingbat or emoji ('So'), or an emoji's variation selector or joiner."""
    return unicodedata.category(char) == "So" or char in "\ufe0f\u200d"


def _compile(patterns: list[str], *, full: bool) -> re.Pattern[str] | None:
    if not patterns:
        return None
    body = "|".join(f"(?:{p})" for p in patterns)
    return re.compile(f"(?:{body})" if full else body)


def _read(name: str) -> str:
    return resources.files("cleanhealth").joinpath("data", name).read_text(encoding="utf-8")


def _lines(name: str) -> list[str]:
    return [ln.strip() for ln in _read(name).splitlines() if ln.strip() and not ln.lstrip().startswith("#")]


@cache
def load_lexicon() -> Lexicon:
    data = tomllib.loads(_read("boilerplate.toml"))
    reasons = []
    for reason, spec in data.items():
        phrase = _compile(spec.get("phrase", []) + spec.get("strong", []), full=False)
        anchors, digit = _prefilter(phrase)
        reasons.append(ReasonPatterns(
            reason=check_reason(reason),
            max_words=int(spec.get("max_words", 40)),
            line=_compile(spec.get("line", []), full=True),
            phrase=phrase,
            strong=_compile(spec.get("strong", []), full=False),
            anchors=anchors,
            anchor_digit=digit,
            anchor_words=frozenset(w for a in anchors or () for w in [_inner_word(a)] if w),
            anchor_rest=tuple(a for a in anchors or () if not _inner_word(a)),
        ))
    spam = _compile(_lines("boilerplate_spam.txt"), full=False)
    spam = re.compile(rf"\b(?:{spam.pattern})\b") if spam else None
    spam_anchors, spam_digit = _prefilter(spam)
    if spam_digit or (spam_anchors is not None and not all(a.isascii() for a in spam_anchors)):
        spam_anchors = None
    return Lexicon(
        tuple(reasons), spam, frozenset(_lines("boilerplate_stopwords.txt")),
        line_all=_combine([(r.reason, r.line) for r in reasons], full=True),
        line_unbounded=_combine([(r.reason, _unbounded(r.line)) for r in reasons], full=True),
        line_bounded_max=max((_width(r.line)[0] for r in reasons if r.line is not None), default=0),
        strong_all=_combine([(r.reason, r.strong) for r in reasons], full=False),
        phrase_all=_combine([(r.reason, r.phrase) for r in reasons], full=False),
        spam_anchors=spam_anchors,
        max_words={r.reason: r.max_words for r in reasons},
        longest=max((r.max_words for r in reasons), default=0),
    )
