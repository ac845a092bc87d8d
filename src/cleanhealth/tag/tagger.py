"""The tagger: a blank spaCy tokenizer followed by cleanhealth's own components.

Nothing is downloaded: `spacy.blank('en')` is rule-based tokenisation only. The
components are plain callables `__call__(doc) -> doc` run in order:
vocabulary matcher -> sense rules -> abbreviation linker -> negation.
"""

from __future__ import annotations

import time

import spacy

from ..document import Entity
from . import cache
from .abbreviations import AbbreviationLinker
from .build import build_table
from .matcher import MATCHES, TOKEN_IDS, VocabMatcher
from .negation import Negation
from .senses import SenseFilter
from .vocab import TermTable


def load_table(use_cache: bool = True) -> tuple[TermTable, str]:
    """The term table from the disk cache, building (and caching) it if needed."""
    if use_cache:
        table = cache.load()
        if table is not None:
            return table, "cache"
    table = build_table()
    if use_cache:
        cache.save(table)
    return table, "built"


class Tagger:
    """Finds coded, negation-marked medical entities in a text."""

    def __init__(self, table: TermTable | None = None, use_cache: bool = True) -> None:
        started = time.perf_counter()
        if table is None:
            table, self.origin = load_table(use_cache)
        else:
            self.origin = "given"
        self.table = table
        self.nlp = spacy.blank("en")
        self.components = [VocabMatcher(table), SenseFilter(), AbbreviationLinker(), Negation()]
        self.load_seconds = time.perf_counter() - started

    def process(self, text: str) -> spacy.tokens.Doc:
        doc = self.nlp.make_doc(text)
        for component in self.components:
            doc = component(doc)
        return doc

    def __call__(self, text: str) -> list[Entity]:
        if not text:
            return []
        doc = self.process(text)
        ids = doc.user_data[TOKEN_IDS]
        concepts = self.table.concepts
        out = []
        for m in doc.user_data[MATCHES]:
            first, last = doc[ids[m.start]], doc[ids[m.end - 1]]
            start, end = first.idx, last.idx + len(last.text)
            c = concepts[m.concept]
            out.append(Entity(start, end, text[start:end], c.label, c.code, c.vocabulary, c.name, m.negated))
        return out
