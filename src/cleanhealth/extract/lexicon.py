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


@dataclass(frozen=True)
class ReasonPatterns:
    reason: str
    max_words: int
    line: re.Pattern[str] | None
    phrase: re.Pattern[str] | None
    strong: re.Pattern[str] | None


@dataclass(frozen=True)
class Lexicon:
    reasons: tuple[ReasonPatterns, ...]
    spam: re.Pattern[str] | None
    stopwords: frozenset[str]

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
            phrase=_compile(spec.get("phrase", []), full=False),
            strong=_compile(spec.get("strong", []), full=False),
        ))
    spam = _compile(_lines("boilerplate_spam.txt"), full=False)
    spam = re.compile(rf"\b(?:{spam.pattern})\b") if spam else None
    return Lexicon(tuple(reasons), spam, frozenset(_lines("boilerplate_stopwords.txt")))
