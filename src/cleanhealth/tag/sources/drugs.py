"""Drugs from drug-named-entity-recognition's bundled dictionary (pickle, bz2).

The package's API scans text slowly; its dictionary maps every variant (brand
names, synonyms, plurals) to a canonical drug with DrugBank and MeSH ids. We use
the DrugBank id where there is one (it identifies the substance), else the MeSH id
(which for classes such as 'Anti-Inflammatory Agents, Non-Steroidal' is the class).
Enzymes, proteins and genes (MeSH trees D08, D12) without a DrugBank id are left
out: they are biochemistry, not medicines a page prescribes, and many are words.
"""

from __future__ import annotations

import bz2
import pickle
import re

from . import SourceConcept, package_dir

MAX_WORDS = 4
MIN_CHARS = 4  # shorter variants ('ace', 'tea') are mostly ordinary words or abbreviations
NON_DRUG_TREES = ("D08.", "D12.", "D23.")  # enzymes; amino acids/peptides/proteins; biological factors
# MeSH trees of medicines proper: pharmacological classes (D27), organic and
# heterocyclic compounds (D02-D04), hormones (D06). Inorganic elements (D01) and
# foods/allergen extracts (DrugBank only, no MeSH) are mostly everyday words.
DRUG_TREES = ("D27.", "D02.", "D03.", "D04.", "D06.")
# The dictionary was scraped from wiki markup and keeps some of it in variants
# ('alcohol,', 'mayzent<ref name=...'): a term ending in a comma would swallow the
# comma of a sentence, and markup never occurs in page text. Such variants are dropped.
DIRTY_VARIANT = re.compile(r"[,;:]$|&[lg]t;|&quot;|[={}<>|]")


def is_medicine(info: dict) -> bool:
    """Does the dictionary entry name a medicine a health page would prescribe or discuss?

    A patient-information page (MedlinePlus, NHS) or encyclopaedia entry settles it
    (insulin is a protein, and a medicine); otherwise the MeSH tree decides.
    """
    if info.get("medline_plus_id") or info.get("nhs_url") or info.get("wikipedia_url"):
        return True
    trees = info.get("mesh_tree", [])
    if any(t.startswith(NON_DRUG_TREES) for t in trees):
        return False
    return any(t.startswith(DRUG_TREES) for t in trees)


def find_data_file() -> str:
    return str(package_dir("drug_named_entity_recognition") / "drug_ner_dictionary.pkl.bz2")


def concepts() -> list[SourceConcept]:
    with bz2.open(find_data_file()) as fh:
        data = pickle.load(fh)
    variants: dict[str, list[str]] = data["drug_variant_to_canonical"]
    canon: dict[str, dict] = data["drug_canonical_to_data"]
    by_canon: dict[str, list[str]] = {}
    for variant, targets in variants.items():
        if targets:
            by_canon.setdefault(targets[0], []).append(variant)
    out = []
    for name, info in sorted(canon.items()):
        if not is_medicine(info):
            continue
        if info.get("drugbank_id"):
            vocab, code = "DrugBank", info["drugbank_id"]
        elif info.get("mesh_id"):
            vocab, code = "MeSH", info["mesh_id"]
        else:
            continue
        terms = [v for v in [name, *sorted(by_canon.get(name, []))]
                 if len(v) >= MIN_CHARS and len(v.split()) <= MAX_WORDS and not v.isdigit()
                 and not DIRTY_VARIANT.search(v)]
        if not terms:
            continue
        out.append(SourceConcept(info.get("name") or name, "DRUG", vocab, code, terms, join_terms=1))
    return out
