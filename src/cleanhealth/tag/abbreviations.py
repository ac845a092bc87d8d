"""Abbreviations defined on the page: 'epidural steroid injection (ESI)'.

When a tagged long form is followed by a parenthesised short form whose letters
fit it (Schwartz & Hearst's test, simplified: the short form's first letter starts
a word of the long form and every letter appears in order), the short form is
tagged, there and wherever it recurs later on the page, with the long form's concept.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc

from .matcher import MATCHES, WORDS, Match

SHORT_FORM = re.compile(r"^[A-Z][A-Za-z]{1,7}s?$")  # 'ESI', 'LBP', 'PTs', 'NSAIDs'
MIN_UPPER = 2  # at least two capitals, so ordinary words in brackets are not taken


def fits(short: str, long_words: list[str]) -> bool:
    """Do the short form's letters appear in order in the long form, starting word-initially?"""
    s = short[:-1] if short.endswith("s") and short[:-1].isupper() else short
    s = s.lower()
    long_text = " ".join(long_words).lower()
    if not long_words or s[0] != long_words[0][0].lower():
        return False
    pos = 0
    for ch in s:
        pos = long_text.find(ch, pos)
        if pos < 0:
            return False
        pos += 1
    return True


class AbbreviationLinker:
    name = "cleanhealth_abbreviations"

    def __call__(self, doc: Doc) -> Doc:
        words: list[str] = doc.user_data[WORDS]
        matches: list[Match] = doc.user_data[MATCHES]
        if not matches or "(" not in words:
            return doc
        defined: dict[str, tuple[int, int]] = {}  # short form -> (concept, first position)
        for m in matches:
            e = m.end
            if e + 2 < len(words) and words[e] == "(" and words[e + 2] == ")":
                short = words[e + 1]
                if (SHORT_FORM.match(short) and sum(c.isupper() for c in short) >= MIN_UPPER
                        and short not in defined and fits(short, words[m.start:m.end])):
                    defined[short] = (m.concept, e + 1)
        if not defined:
            return doc
        taken = set()
        for m in matches:
            taken.update(range(m.start, m.end))
        for i, w in enumerate(words):
            base = w[:-1] if w.endswith("s") and w[:-1] in defined else w
            if base in defined and i >= defined[base][1] and i not in taken:
                matches.append(Match(i, i + 1, defined[base][0], via="abbreviation"))
        matches.sort(key=lambda m: m.start)
        return doc
