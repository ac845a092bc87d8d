"""The tagger: spaCy's English tokenisation followed by cleanhealth's own components.

Nothing is downloaded: `spacy.blank('en')` is rule-based tokenisation only, and its
rules are applied by tokenize.ChunkTokenizer (the same tokens without building a
spaCy Doc or growing the vocabulary). The components are plain callables
`__call__(doc) -> doc` that read and write `doc.user_data`, run in order:
vocabulary matcher -> sense rules -> region modifiers -> abbreviation linker -> negation.
"""

from __future__ import annotations

import time

import spacy

from ..document import Entity
from . import cache
from .abbreviations import AbbreviationLinker
from .build import build_table
from .modifiers import RegionModifier
from .matcher import MATCHES, STARTS, TEXT, TOKEN_IDS, WORDS, VocabMatcher
from .normalize import SKIP_TOKENS
from .negation import NEVER_NEGATED, Negation
from .senses import SenseFilter
from .tokenize import ChunkTokenizer
from .vocab import TermTable


class TaggedText:
    """What the components share for one text: a `user_data` dict, as on a spaCy Doc."""

    __slots__ = ("user_data",)

    def __init__(self, text: str) -> None:
        self.user_data: dict = {TEXT: text}


MAX_TEXT_CHARS = 100_000_000  # a text longer than this is refused by spaCy (E088)


def load_table(use_cache: bool = True) -> tuple[TermTable, str]:
    """The term table from the disk cache, building (and caching) it if needed."""
    if use_cache:
        table = cache.load()
        if table is not None:
            return table, "cache"
        with cache.build_lock():
            table = cache.load()  # another process may have built it while we waited
            if table is not None:
                return table, "cache"
            table = build_table()
            cache.save(table)
            return table, "built"
    return build_table(), "built"


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
        # Only the tokenizer runs, whose memory is linear in the text: spaCy's 1M-character
        # guard (meant for the parser and NER) would refuse long pages for no reason.
        self.nlp.max_length = MAX_TEXT_CHARS
        self.tokenizer = ChunkTokenizer(self.nlp)
        labels = [c.label for c in table.concepts]
        self.components = [VocabMatcher(table), SenseFilter(), RegionModifier(labels), AbbreviationLinker(),
                           Negation(labels=labels)]
        self.load_seconds = time.perf_counter() - started

    def process(self, text: str) -> TaggedText:
        doc = TaggedText(text)
        words, ids, starts = self.tokenizer.stream(text, SKIP_TOKENS)
        doc.user_data[WORDS], doc.user_data[TOKEN_IDS], doc.user_data[STARTS] = words, ids, starts
        for component in self.components:
            doc = component(doc)
        return doc

    def __call__(self, text: str) -> list[Entity]:
        if not text:
            return []
        doc = self.process(text)
        starts, words = doc.user_data[STARTS], doc.user_data[WORDS]
        concepts = self.table.concepts
        out = []
        for m in doc.user_data[MATCHES]:
            start = starts[m.start]
            end = starts[m.end - 1] + len(words[m.end - 1])
            c = concepts[m.concept]
            out.append(Entity(start, end, text[start:end], c.label, c.code, c.vocabulary, c.name, m.negated))
        return out


def negation_for_spans(tagger: Tagger, text: str, spans: list[tuple[int, int]]) -> list[bool]:
    """Negation of given character spans (the probe set gives the entity, not the tagger).

    Runs the tokenizer and the word-stream preparation of the matcher, maps each
    span to kept words and asks the negation component, so the figure measures
    negation alone, independent of what the vocabulary finds.
    """
    from .matcher import NORMS

    doc = TaggedText(text)
    words, ids, starts = tagger.tokenizer.stream(text, SKIP_TOKENS)
    doc.user_data[WORDS], doc.user_data[TOKEN_IDS], doc.user_data[STARTS] = words, ids, starts
    doc = tagger.components[0](doc)  # the matcher normalises the word stream
    starts = doc.user_data[STARTS]
    word_spans = []
    for start, end in spans:
        ws = next((k for k, s in enumerate(starts) if s >= start), len(starts))
        we = next((k for k, s in enumerate(starts) if s >= end), len(starts))
        word_spans.append((ws, max(we, ws + 1)))
    negation = next(c for c in tagger.components if isinstance(c, Negation))
    flags = negation.negated(doc.user_data[NORMS], word_spans)
    # a span the tagger labels ANATOMY is never negated, as in the pipeline
    anatomy = {(e.start, e.end) for e in tagger(text) if e.label in NEVER_NEGATED}
    return [f and span not in anatomy for f, span in zip(flags, spans)]
