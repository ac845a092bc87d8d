"""Merge the sources into one term table: normalised key -> concept.

Sources are merged in priority order (curated lay list, ICD-10-CM, HPO, drugs,
ICD-10-PCS body parts). The first source to claim a key keeps it, which gives one
label and one code per surface form. A later source's concept *joins* an earlier
concept when its preferred name(s) already belong to it (HPO 'Low back pain' joins
ICD-10-CM M54.5), so all of its synonyms ('Lumbago') resolve to the same code; and
a lay row whose vocabulary+code equals a packaged concept's is that concept.
Curated stoplist entries (data/stoplist.txt) never become single-word terms of the
packaged sources: they are ordinary English words first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from typing import Callable, Sequence

from .normalize import plural_variants
from .sources import SourceConcept

LABELS = ("CONDITION", "SYMPTOM", "ANATOMY", "DRUG", "PROCEDURE", "TEST")
# Words that make an ICD/HPO name a symptom a patient reports, whatever its chapter.
SYMPTOM_WORDS_FILE = "vocab_symptom_words.txt"
STOPLIST_FILE = "stoplist.txt"
# Single-word terms from packaged sources shorter than this are dropped: they are
# abbreviations or fragments that collide with ordinary words ('ra', 'ms', 'ace').
MIN_SINGLE_WORD_CHARS = 5
_SPLIT_WORDS = frozenset({"and", "or", "of", "in", "on", "with", "without", "to", "from", "by", "for", "at"})


@dataclass(slots=True)
class Concept:
    name: str
    label: str
    vocabulary: str | None
    code: str | None
    source: str


@dataclass
class TermTable:
    """What the matcher needs; stored in the on-disk cache (see cache.py)."""

    concepts: list[Concept] = field(default_factory=list)
    keys: dict[tuple[str, ...], int] = field(default_factory=dict)  # lower-case keys
    cs_keys: dict[tuple[str, ...], int] = field(default_factory=dict)  # exact-case keys
    max_len: dict[str, int] = field(default_factory=dict)  # first key word -> longest key length


def read_lines(name: str) -> list[str]:
    text = resources.files("cleanhealth.data").joinpath(name).read_text("utf-8")
    return [ln.split("#", 1)[0].strip() for ln in text.splitlines() if ln.split("#", 1)[0].strip()]


def symptom_words() -> frozenset[str]:
    return frozenset(read_lines(SYMPTOM_WORDS_FILE))


def stoplist() -> frozenset[str]:
    return frozenset(w.lower() for w in read_lines(STOPLIST_FILE))


class Builder:
    def __init__(self, tokenize: Callable[[str], tuple[str, ...]], cs_tokenize: Callable[[str], tuple[str, ...]],
                 stop: frozenset[str]) -> None:
        self.tokenize = tokenize
        self.cs_tokenize = cs_tokenize
        self.stop = stop
        self.table = TermTable()
        self.by_code: dict[tuple[str | None, str | None], int] = {}

    def _new(self, sc: SourceConcept, source: str) -> int:
        self.table.concepts.append(Concept(sc.name, sc.label, sc.vocabulary, sc.code, source))
        idx = len(self.table.concepts) - 1
        if sc.code and sc.join_by_code and (sc.vocabulary, sc.code) not in self.by_code:
            self.by_code[(sc.vocabulary, sc.code)] = idx
        return idx

    def _acceptable(self, key: tuple[str, ...], curated: bool) -> bool:
        if not key:
            return False
        if curated:
            return True
        if len(key) == 1 and (len(key[0]) < MIN_SINGLE_WORD_CHARS or key[0] in self.stop):
            return False
        text = " ".join(key)
        if text in self.stop:
            return False
        # Coordinations and prepositional phrases ('nausea and vomiting', 'swelling of the
        # face') are two mentions under the annotation guideline; a packaged term spanning
        # them would swallow both. Curated fixed phrases ('shortness of breath') are kept.
        if _SPLIT_WORDS.intersection(key[1:-1]):
            return False
        return any(ch.isalpha() for ch in key[0])

    def add(self, concepts: Sequence[SourceConcept], source: str) -> None:
        curated = source == "lay"
        for sc in concepts:
            keys = [self.tokenize(t) for t in sc.terms]
            # Lay rows are distinct concepts even when two share a code ('referred pain'
            # and 'pain' are both R52); packaged concepts join by code or by name.
            idx = self.by_code.get((sc.vocabulary, sc.code)) if sc.code and not curated and sc.join_by_code else None
            if idx is None and not curated:
                for key in keys[: sc.join_terms]:
                    if key in self.table.keys:
                        idx = self.table.keys[key]
                        break
            if idx is None:
                fresh = any(self._acceptable(k, curated) and k not in self.table.keys for k in keys)
                if not fresh and not sc.case_sensitive:
                    continue
                idx = self._new(sc, source)
            elif sc.code and sc.join_by_code and (sc.vocabulary, sc.code) not in self.by_code:
                self.by_code[(sc.vocabulary, sc.code)] = idx
            for key in keys:
                if not self._acceptable(key, curated):
                    continue
                variants = [key] + plural_variants(key)
                for i, k in enumerate(variants):
                    if i and not self._acceptable(k, curated):
                        continue
                    # an explicitly listed form beats a generated plural of another term
                    if k not in self.table.keys:
                        self.table.keys[k] = idx
            for term in sc.case_sensitive:
                k = self.cs_tokenize(term)
                if not curated and " ".join(k).lower() in self.stop:
                    continue  # 'IBM' (inclusion body myositis) is first a company
                if k and k not in self.table.cs_keys:
                    self.table.cs_keys[k] = idx

    def finish(self) -> TermTable:
        t = self.table
        for k in list(t.keys) + list(t.cs_keys):
            first = k[0].lower()
            t.max_len[first] = max(t.max_len.get(first, 0), len(k))
        return t
