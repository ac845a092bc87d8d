"""Extend a match over a spinal-region adjective in front of it.

'cervical spinal stenosis' is one mention of spinal stenosis under the annotation
guideline (the longest phrase naming the concept), but vocabularies list only a few
region-qualified forms. Instead of listing every region x term pair, a CONDITION,
PROCEDURE or ANATOMY match preceded by a region adjective (data/region_modifiers.txt)
takes it into its span; concept and code stay those of the head term.
"""

from __future__ import annotations

from importlib import resources

from spacy.tokens import Doc

from .matcher import MATCHES, NORMS

FILE = "region_modifiers.txt"
EXTENDED_LABELS = frozenset({"CONDITION", "PROCEDURE", "ANATOMY"})


def load_modifiers() -> frozenset[str]:
    text = resources.files("cleanhealth.data").joinpath(FILE).read_text("utf-8")
    return frozenset(ln.strip().lower() for ln in text.splitlines() if ln.strip() and not ln.startswith("#"))


class RegionModifier:
    name = "cleanhealth_region_modifier"

    def __init__(self, labels: list[str]) -> None:
        self.labels = labels
        self.modifiers = load_modifiers()

    def __call__(self, doc: Doc) -> Doc:
        norms: list[str] = doc.user_data[NORMS]
        matches = doc.user_data[MATCHES]
        previous_end = 0
        for m in matches:
            if self.labels[m.concept] in EXTENDED_LABELS:
                while m.start - 1 >= previous_end and norms[m.start - 1] in self.modifiers:
                    m.start -= 1
            previous_end = m.end
        return doc
