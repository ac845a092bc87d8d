"""Stage 4, tag: medical entities with codes, concepts and negation.

See tagger.py for the pipeline, vocab.py and sources/ for the vocabularies,
cache.py for the on-disk cache and docs/VOCABULARIES.md for sources and licences.
"""

from __future__ import annotations

from functools import lru_cache

from ..document import Document
from ..segment import section_of
from ..stage import Stage
from .tagger import Tagger
from .vocab import LABELS

__all__ = ["LABELS", "Tagger", "TagStage", "get_tagger"]


@lru_cache(maxsize=1)
def get_tagger() -> Tagger:
    """One tagger per process: loading it costs ~1 s from the cache, building ~30 s."""
    return Tagger()


class TagStage(Stage):
    name = "tag"

    def process(self, doc: Document) -> Document:
        if doc.language not in (None, "en"):
            # The vocabularies and rules are English: tagging other languages yields
            # false matches on look-alike words. The page keeps its 'non_english' flag.
            doc.stats["tag.skipped_non_english"] += 1
            return doc
        entities = get_tagger()(doc.text)
        for ent in entities:
            ent.section_id = section_of(doc.sections, ent.start)
            doc.stats[f"tag.entities.{ent.label}"] += 1
        doc.entities = entities
        return doc
