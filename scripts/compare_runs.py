"""Check that two cleanhealth output folders hold the same tables (speed work must not change output).

    python scripts/compare_runs.py out_before/ out_after/

Compares documents, sections, entities and removed row for row after sorting by their
keys (shard order may differ between executors); run.json (timings, run id) is ignored.
Exits 1 and prints the first differences when the tables differ.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

TABLES = ("documents", "sections", "entities", "removed")
# Columns a table is sorted by before comparing (every column, doc_id first, so that
# rows of one document with equal keys still line up).
SORT_FIRST = ("doc_id", "section_id", "start", "end")


def load(folder: Path, table: str) -> pd.DataFrame:
    frame = pd.read_parquet(folder / table)
    for column in frame.columns:  # lists (flags) are not sortable: compare them as text
        if frame[column].map(lambda v: hasattr(v, "__len__") and not isinstance(v, str)).any():
            frame[column] = frame[column].map(lambda v: "|".join(map(str, v)) if v is not None else None)
    keys = [c for c in SORT_FIRST if c in frame.columns] + [c for c in frame.columns if c not in SORT_FIRST]
    return frame.sort_values(keys, na_position="first", kind="stable").reset_index(drop=True)


def compare(before: Path, after: Path) -> list[str]:
    problems: list[str] = []
    for table in TABLES:
        a, b = load(before, table), load(after, table)
        if list(a.columns) != list(b.columns):
            problems.append(f"{table}: columns differ: {list(a.columns)} vs {list(b.columns)}")
            continue
        if len(a) != len(b):
            problems.append(f"{table}: {len(a)} rows vs {len(b)} rows")
        try:
            pd.testing.assert_frame_equal(a, b, check_dtype=True)
        except AssertionError as exc:
            problems.append(f"{table}: {str(exc)[:1500]}")
    return problems


def main() -> None:
    before, after = Path(sys.argv[1]), Path(sys.argv[2])
    problems = compare(before, after)
    if problems:
        print("DIFFERENT\n" + "\n".join(problems))
        raise SystemExit(1)
    print(f"identical: {', '.join(f'{t} ({len(pd.read_parquet(after / t)):,} rows)' for t in TABLES)}")


if __name__ == "__main__":
    main()
