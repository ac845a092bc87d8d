"""Build the term table from every source (the slow path the cache avoids)."""

from __future__ import annotations

import spacy

from .normalize import SKIP_TOKENS, key_of
from .sources import drugs, hpo, icd10cm, lay, pcs
from .vocab import Builder, TermTable, stoplist, symptom_words


def build_table() -> TermTable:
    nlp = spacy.blank("en")
    tok = nlp.tokenizer

    def tokenize(term: str) -> tuple[str, ...]:
        return key_of(t.text for t in tok(term))

    def cs_tokenize(term: str) -> tuple[str, ...]:
        return tuple(t.text for t in tok(term) if t.text not in SKIP_TOKENS and not t.is_space)

    words = symptom_words()
    b = Builder(tokenize, cs_tokenize, stoplist())
    b.add(lay.concepts(), "lay")
    b.add(icd10cm.concepts(words), "icd10cm")
    b.add(hpo.concepts(words), "hpo")
    b.add(drugs.concepts(), "drugs")
    b.add(pcs.concepts(), "pcs")
    b.add(pcs.index_concepts(), "pcs_index")
    return b.finish()
