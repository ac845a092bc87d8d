"""Load a cleanhealth output folder as pandas DataFrames (`cleanhealth.load`)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .errors import CleanhealthError, Errors
from .write import RUN_FILE, TABLES


@dataclass
class Tables:
    documents: pd.DataFrame
    sections: pd.DataFrame
    entities: pd.DataFrame
    removed: pd.DataFrame
    run: dict

    def __getitem__(self, name: str) -> pd.DataFrame:
        return getattr(self, name)


def load(path: str | Path, columns: dict[str, list[str]] | None = None) -> Tables:
    """Read every table of an output folder; `columns` limits what is read per table."""
    out = Path(path)
    run_file = out / RUN_FILE
    if not run_file.is_file():
        raise CleanhealthError(Errors.E305.format(path=out))
    frames = {name: pd.read_parquet(out / name, columns=(columns or {}).get(name)) for name in TABLES}
    return Tables(**frames, run=json.loads(run_file.read_text()))
