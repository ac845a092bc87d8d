"""ICD-10-CM diagnoses from simple-icd-10-cm's bundled tabular XML.

ICD titles are written for coders, not readers ('Low back pain, unspecified',
'Other intervertebral disc displacement, lumbar region'). We derive the names a
web page would use: drop ', unspecified' / 'NOS' / laterality, expand bracketed
alternatives ('Acute nasopharyngitis [common cold]' -> 'common cold'), and skip
titles that stay qualified ('other', 'due to', 'with', commas). Codes are visited
from the most general to the most specific, so a name keeps its most general code.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Iterator

from . import SourceConcept, package_dir

VOCABULARY = "ICD-10-CM"
# Chapters whose codes are not things a page 'mentions' as a condition: external
# causes of injury (V-Y: 'fall', 'struck by') and factors/encounters (Z).
SKIPPED_CHAPTER_LETTERS = frozenset("VWXYZ")
# Longest derived name kept: longer names never occur verbatim in prose.
MAX_WORDS = 5
# Words that show a title is still a coder's qualified category, not a reader's name.
QUALIFIED = re.compile(
    r"\b(other|others|due to|with|without|classified|complicating|sequela|encounter|following|"
    r"except|elsewhere|not elsewhere|specified|unspecified site|involving|multiple sites|site|region|"
    r"initial|subsequent|history|type [a-z]\b|stage|trimester|newborn|affecting)\b"
)
SYMPTOM_CHAPTER = "R"  # 'Symptoms, signs and abnormal clinical and laboratory findings'

_LATERALITY = re.compile(r"\b(right|left|bilateral|unilateral|of unspecified side|unspecified side)\b")
_UNSPECIFIED_TAIL = re.compile(r",\s*unspecified\b.*$")
_UNSPECIFIED = re.compile(r",?\s*\b(unspecified|nos)\b")
_PAREN = re.compile(r"\s*\([^)]*\)")
_BRACKET = re.compile(r"\[([^\]]+)\]")
# An acronym the title gives in brackets or parentheses: '[HIV]', '(PTSD)'
_ACRONYM = re.compile(r"[\[(]([A-Z][A-Z0-9-]{1,7})[\])]")
_BLOCK_RANGE = re.compile(r"\s*\([A-Z][0-9][0-9A-Z]-[A-Z][0-9][0-9A-Z]\)\s*$")


def find_data_file() -> str:
    """The tabular XML shipped with simple-icd-10-cm (its name carries the release date)."""
    folder = package_dir("simple_icd_10_cm") / "data"
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith("icd10") and entry.name.endswith(".xml"):
            return str(entry)
    raise FileNotFoundError("simple-icd-10-cm ships no tabular XML")


def clean_name(title: str) -> list[str]:
    """Matchable names derived from one ICD title or inclusion term ([] if too qualified)."""
    names = []
    alt = _BRACKET.search(title)
    # '[common cold]' is a synonym; one-word brackets are eponyms or qualifiers ('[Sweet]', '[bands]')
    if alt and len(alt.group(1).split()) >= 2:
        names.append(alt.group(1))
    if alt:
        title = _BRACKET.sub("", title)
    names.insert(0, title)
    out = []
    for name in names:
        n = name.lower()
        # ', unspecified <qualifier>' ends the name: 'Pneumonia, unspecified organism' is
        # pneumonia, 'Sciatica, unspecified side' is sciatica
        n = _UNSPECIFIED_TAIL.sub("", n)
        n = _UNSPECIFIED.sub("", n)
        n = _PAREN.sub("", n)
        n = _LATERALITY.sub("", n)
        n = re.sub(r"\s+", " ", n).strip(" ,;-")
        if not n or "," in n or ";" in n or ":" in n or QUALIFIED.search(n):
            continue
        if len(n.split()) > MAX_WORDS or len(n) < 3:
            continue
        out.append(n)
    return out


def acronyms(title: str) -> list[str]:
    """Acronyms a title spells out: 'Post-traumatic stress disorder (PTSD)' -> ['PTSD']."""
    return [a for a in _ACRONYM.findall(title) if not a.isdigit() and sum(c.isalpha() for c in a) >= 3]


def iter_codes() -> Iterator[tuple[str, str, list[str]]]:
    """(code, title, inclusion terms) for every diagnosis and block in the tabular list.

    Blocks (sections such as 'Tuberculosis (A15-A19)') name common diseases that no
    single code does; their code is the block's range, e.g. 'A15-A19'.
    """
    tree = ET.parse(find_data_file())
    root = tree.getroot()
    for section in root.iter("section"):
        block = section.get("id") or ""
        desc = _BLOCK_RANGE.sub("", section.findtext("desc") or "")
        if block and desc:
            yield block, desc, []
    for diag in root.iter("diag"):
        code = diag.findtext("name") or ""
        desc = diag.findtext("desc") or ""
        incl = [n.text or "" for inc in diag.findall("inclusionTerm") for n in inc.findall("note")]
        yield code, desc, incl


def label_for(code: str, names: list[str], symptom_words: frozenset[str]) -> str:
    if code.startswith(SYMPTOM_CHAPTER) or any(symptom_words.intersection(n.split()) for n in names):
        return "SYMPTOM"
    return "CONDITION"


def concepts(symptom_words: frozenset[str]) -> list[SourceConcept]:
    """ICD concepts ordered from the most general code to the most specific."""
    rows = [r for r in iter_codes() if r[0][:1] not in SKIPPED_CHAPTER_LETTERS]
    # most general first: blocks (ranges), then categories, then subcategories
    rows.sort(key=lambda r: ("-" not in r[0], len(r[0]), r[0]))
    out = []
    for code, title, incl in rows:
        names = clean_name(title)
        join = len(names)
        for term in incl:
            names.extend(clean_name(term))
        cs = acronyms(title)
        if not names:
            continue
        out.append(SourceConcept(names[0], label_for(code, names, symptom_words), VOCABULARY, code,
                                 names, case_sensitive=cs, join_terms=join))
    return out


def all_codes() -> set[str]:
    return {code for code, _, _ in iter_codes()}
