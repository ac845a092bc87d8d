"""Stage 4, tag: medical entities with codes and negation.

Placeholder: a tiny curated PhraseMatcher until the vocabulary-backed tagger lands (issue 5).
"""

from __future__ import annotations

from functools import lru_cache

from ..document import Document, Entity
from ..segment import section_of
from ..stage import Stage

LABELS = ("CONDITION", "SYMPTOM", "ANATOMY", "DRUG", "PROCEDURE", "TEST")


class Tagger:
    """Finds entities in a text. Built once per process (see `get_tagger`)."""

    def __init__(self) -> None:
        import spacy
        from spacy.matcher import PhraseMatcher

        self.nlp = spacy.blank("en")
        self.matcher = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        terms = {"CONDITION": ["sciatica", "back pain", "herniated disc"], "ANATOMY": ["spine"],
                 "PROCEDURE": ["epidural steroid injection"], "TEST": ["MRI"], "DRUG": ["ibuprofen"],
                 "SYMPTOM": ["numbness"]}
        for label, words in terms.items():
            self.matcher.add(label, [self.nlp.make_doc(w) for w in words])

    def __call__(self, text: str) -> list[Entity]:
        sdoc = self.nlp.make_doc(text)
        out = []
        for match_id, start, end in self.matcher(sdoc):
            span = sdoc[start:end]
            out.append(Entity(span.start_char, span.end_char, span.text, self.nlp.vocab.strings[match_id]))
        return out


@lru_cache(maxsize=1)
def get_tagger() -> Tagger:
    return Tagger()


class TagStage(Stage):
    name = "tag"

    def process(self, doc: Document) -> Document:
        entities = get_tagger()(doc.text)
        for ent in entities:
            ent.section_id = section_of(doc.sections, ent.start)
            doc.stats[f"tag.entities.{ent.label}"] += 1
        doc.entities = entities
        return doc
