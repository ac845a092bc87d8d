"""Word and term normalisation shared by vocabulary building and matching.

Vocabulary terms and page text go through the same function so that spelling
variants meet at one key: lower case, British spellings rewritten to American
('oesophagus' -> 'esophagus'), hyphens and possessive 's dropped ('X-ray' and
'x ray' -> ('x', 'ray'); "Alzheimer's disease" -> ('alzheimer', 'disease')).
Plural forms are generated at build time (`plural_variants`), not at match time,
so matching stays a dictionary lookup.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import Iterable

# Tokens that carry no meaning for matching: hyphens and possessive clitics.
SKIP_TOKENS = frozenset({"-", "–", "—", "'s", "’s", "'", "’", "/"})


def _load_spelling_rules() -> list[tuple[re.Pattern[str], str]]:
    text = resources.files("cleanhealth.data").joinpath("vocab_spelling.tsv").read_text("utf-8")
    rules = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        pattern, repl = line.split("\t")
        rules.append((re.compile(pattern), repl))
    return rules


_RULES = _load_spelling_rules()
_TRIGGER = re.compile("|".join(p.pattern.lstrip("^").rstrip("$").split("(")[0] for p, _ in _RULES))


@lru_cache(maxsize=200_000)
def norm_word(word: str) -> str:
    """Lower-case a word and rewrite British spellings (cached: words repeat)."""
    w = word.lower().replace("’", "'")
    if _TRIGGER.search(w):
        for pattern, repl in _RULES:
            w = pattern.sub(repl, w)
    return w


def key_of(words: Iterable[str]) -> tuple[str, ...]:
    """The match key of a sequence of token texts."""
    return tuple(norm_word(w) for w in words if w not in SKIP_TOKENS and not w.isspace())


_ES_ENDINGS = ("s", "x", "z", "ch", "sh")


def plural_of(word: str) -> str | None:
    """A regular English plural of `word`, or None where guessing would be risky."""
    if len(word) < 3 or not word.isalpha():
        return None
    if word.endswith("is"):  # diagnosis -> diagnoses, stenosis -> stenoses
        return word[:-2] + "es"
    if word.endswith("s"):  # already plural-looking or Latin -us: leave alone
        return None
    if word.endswith("y") and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith(_ES_ENDINGS):
        return word + "es"
    return word + "s"


def singular_of(word: str) -> str | None:
    """Undo a regular plural (for keys that were entered in the plural)."""
    if len(word) < 5 or not word.isalpha():
        return None
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return None


def plural_variants(key: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Key variants with the head (last) word in plural and singular form."""
    out = []
    last = key[-1]
    for form in (plural_of(last), singular_of(last)):
        if form and form != last:
            out.append(key[:-1] + (form,))
    return out
