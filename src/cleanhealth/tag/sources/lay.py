"""The curated lay vocabulary (data/vocab_lay.tsv): terms no package ships in usable form."""

from __future__ import annotations

from importlib import resources

from . import SourceConcept

FILE = "vocab_lay.tsv"


def concepts() -> list[SourceConcept]:
    text = resources.files("cleanhealth.data").joinpath(FILE).read_text("utf-8")
    out = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        concept, label, vocab, code, synonyms = line.split("\t")
        terms, cs = [], []
        for s in synonyms.split("|"):
            s = s.strip()
            if s.startswith("="):
                cs.append(s[1:])
            elif s:
                terms.append(s)
        out.append(SourceConcept(concept, label, vocab or None, code or None, terms, case_sensitive=cs,
                                 join_terms=0))
    return out
