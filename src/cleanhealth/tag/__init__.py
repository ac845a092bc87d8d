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

__all__ = ["LABELS", "Tagger", "TagStage", "get_tagger", "vocabulary_versions"]


def vocabulary_versions() -> dict[str, str]:
    """What the entity table was built from, for run.json: package versions, the data
    releases inside them, and the cache key (changes whenever any input changes)."""
    from . import cache
    from .sources import hpo, icd10cm

    out = {f"package:{k}": v for k, v in cache.versions().items()}
    try:
        with open(hpo.find_data_file(), encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("data-version:"):
                    out["hpo_release"] = line.split(":", 1)[1].strip()
                    break
                if line.startswith("[Term]"):
                    break
        out["icd10cm_file"] = icd10cm.find_data_file().rsplit("/", 1)[-1]
    except OSError:
        pass
    out["table_key"] = cache.cache_key()
    return out


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
