"""The boilerplate phrase lexicon, loaded once from data files.

Patterns live in `data/boilerplate.toml` (by removal reason), `data/boilerplate_spam.txt`
(spam injected into prose) and `data/boilerplate_stopwords.txt`, so they can be
reviewed and extended without touching code. Each reason compiles to three regular
expressions (whole-segment `line`, `phrase` anywhere, decisive `strong`).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from ..reasons import check_reason

_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "\u00a0": " ", "–": "-", "—": "-"})
_SPACE = re.compile(r"\s+")
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

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(r.reason for r in self.reasons)

    def match(self, norm: str, trimmed: str, words: int) -> tuple[str | None, str | None, tuple[str, ...]]:
        """(line reason, strong reason, phrase reasons) of a normalised segment."""
        if words > self.longest or self.max_words is None:
            return None, None, ()
        mw = self.max_words
        line = strong = None
        if self.line_all is not None:
            m = self.line_all.fullmatch(trimmed)
            if m:
                line = _which(m)
                if line and words > mw[line]:
                    line = None
        if line is not None and words <= LINE_ONLY_MAX_WORDS:
            # 'Home', 'Privacy Policy': the whole segment is an interface string; its
            # phrase hits would repeat the line reason, so the searches are skipped.
            return line, None, (line,)
        phrases: list[str] = []
        # Boilerplate phrases sit early in a boilerplate block; scanning only the head of
        # a long segment keeps the cost per segment bounded (regex scans are linear).
        norm = norm[:PHRASE_SCAN_CHARS]
        for rp in self.reasons:
            if words > rp.max_words:
                continue
            # `phrase` includes every `strong` pattern (see load_lexicon), so the
            # decisive check only runs on the few segments with a phrase hit.
            if rp.phrase is not None and rp.phrase.search(norm):
                phrases.append(rp.reason)
                if strong is None and rp.strong is not None and rp.strong.search(norm):
                    strong = rp.reason
        return line, strong, tuple(phrases)


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

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(r.reason for r in self.reasons)


def normalise(text: str) -> str:
    """Lower-case, straight quotes, folded whitespace: the form patterns are written for."""
    return _SPACE.sub(" ", text.translate(_QUOTES).lower()).strip()


def trim(norm: str) -> str:
    return norm.strip(_EDGE)


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
        reasons.append(ReasonPatterns(
            reason=check_reason(reason),
            max_words=int(spec.get("max_words", 40)),
            line=_compile(spec.get("line", []), full=True),
            phrase=_compile(spec.get("phrase", []) + spec.get("strong", []), full=False),
            strong=_compile(spec.get("strong", []), full=False),
        ))
    spam = _compile(_lines("boilerplate_spam.txt"), full=False)
    spam = re.compile(rf"\b(?:{spam.pattern})\b") if spam else None
    return Lexicon(
        tuple(reasons), spam, frozenset(_lines("boilerplate_stopwords.txt")),
        line_all=_combine([(r.reason, r.line) for r in reasons], full=True),
        strong_all=_combine([(r.reason, r.strong) for r in reasons], full=False),
        phrase_all=_combine([(r.reason, r.phrase) for r in reasons], full=False),
        max_words={r.reason: r.max_words for r in reasons},
        longest=max((r.max_words for r in reasons), default=0),
    )
