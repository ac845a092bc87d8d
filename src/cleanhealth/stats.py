"""`cleanhealth stats OUTPUT`: a summary of an existing dataset, without loading its text.

Analysts want to look at a run before they query it, and a dataset of a million
pages holds gigabytes of text. Only small columns are read (status, format,
language, domain, counts, flags, labels, reasons; never `text`), with
`pandas.read_parquet(columns=...)`, which reads just those column chunks, and the
run's own totals come from run.json.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from rich.console import Console
from rich.table import Table
from rich.text import Text

from .errors import CleanhealthError, Errors
from .write import RUN_FILE

# The columns each table contributes to the summary: none of them holds page text.
DOCUMENT_COLUMNS = ["doc_id", "format", "language", "domain", "status", "error", "flags",
                    "n_chars", "n_words", "n_sections", "n_entities", "n_removed", "removed_chars"]
ENTITY_COLUMNS = ["label", "vocabulary", "code", "negated"]
REMOVED_COLUMNS = ["reason", "stage"]
# Rows shown for the long-tailed breakdowns (sites, languages, errors).
TOP_N = 10


@dataclass
class DatasetStats:
    out: str
    run: dict
    pages: int
    by_status: dict[str, int]
    by_format: dict[str, int]
    by_language: dict[str, int]
    by_site: list[tuple[str, int, int, int]]  # (domain, pages, chars kept, chars removed)
    chars_kept: int
    chars_removed: int
    words: int
    sections: int
    sections_per_page: dict[str, float]  # mean, median, max over ok pages
    entities: int
    by_label: dict[str, int]
    negated: int
    coded: int
    removed_spans: int
    by_reason: dict[str, int]
    by_stage: dict[str, int]
    flags: dict[str, int]
    errors: list[tuple[str, int]] = field(default_factory=list)  # (message, pages)


def read_columns(out: Path, table: str, columns: list[str]) -> pd.DataFrame:
    """Only `columns` of one table (column pruning: no other column is read from disk)."""
    return pd.read_parquet(out / table, columns=columns)


def check_output(out: str | Path) -> Path:
    out = Path(out)
    if not (out / RUN_FILE).is_file():
        raise CleanhealthError(Errors.E305.format(path=out))
    return out


def _counts(series: pd.Series, missing: str = "(unknown)") -> dict[str, int]:
    counts = series.fillna(missing).replace("", missing).value_counts()
    return {str(k): int(v) for k, v in counts.items()}


def dataset_stats(out: str | Path) -> DatasetStats:
    """Summarise an output folder from run.json and a few small columns."""
    out = check_output(out)
    run = json.loads((out / RUN_FILE).read_text())
    docs = read_columns(out, "documents", DOCUMENT_COLUMNS)
    ents = read_columns(out, "entities", ENTITY_COLUMNS)
    removed = read_columns(out, "removed", REMOVED_COLUMNS)
    ok = docs[docs["status"] == "ok"]
    sites = (docs.assign(domain=docs["domain"].fillna("(no domain)"))
             .groupby("domain").agg(pages=("doc_id", "size"), kept=("n_chars", "sum"),
                                    removed=("removed_chars", "sum"))
             .sort_values(["pages", "kept"], ascending=False).head(TOP_N))
    flags: dict[str, int] = {}
    for value in docs["flags"]:
        for flag in (value if value is not None else []):
            flags[flag] = flags.get(flag, 0) + 1
    errors = docs["error"].dropna()
    per_page = ok["n_sections"] if len(ok) else pd.Series([0])
    return DatasetStats(
        out=str(out), run=run, pages=len(docs),
        by_status=_counts(docs["status"]), by_format=_counts(docs["format"]),
        by_language=_counts(ok["language"]),
        by_site=[(str(d), int(r.pages), int(r.kept), int(r.removed)) for d, r in sites.iterrows()],
        chars_kept=int(docs["n_chars"].sum()), chars_removed=int(docs["removed_chars"].sum()),
        words=int(docs["n_words"].sum()), sections=int(docs["n_sections"].sum()),
        sections_per_page={"mean": float(per_page.mean()), "median": float(per_page.median()),
                           "max": float(per_page.max())},
        entities=len(ents), by_label=_counts(ents["label"]), negated=int(ents["negated"].sum()),
        coded=int(ents["code"].notna().sum()), removed_spans=len(removed),
        by_reason=_counts(removed["reason"]), by_stage=_counts(removed["stage"]),
        flags=dict(sorted(flags.items(), key=lambda kv: (-kv[1], kv[0]))),
        errors=[(str(k), int(v)) for k, v in errors.value_counts().head(TOP_N).items()],
    )


def _pct(part: int | float, whole: int | float) -> str:
    return f"{100 * part / whole:.1f} %" if whole else "-"


def _count_table(title: str, counts: dict[str, int], total: int, key: str = "value") -> Table:
    table = Table(title=title, title_justify="left", show_header=True)
    table.add_column(key)
    table.add_column("count", justify="right")
    table.add_column("share", justify="right")
    for name, value in list(counts.items())[:TOP_N]:
        table.add_row(Text(name), f"{value:,}", _pct(value, total))
    if len(counts) > TOP_N:
        rest = sum(list(counts.values())[TOP_N:])
        table.add_row(Text(f"({len(counts) - TOP_N} more)"), f"{rest:,}", _pct(rest, total))
    return table


def render_stats(s: DatasetStats, console: Console) -> None:
    run = s.run
    head = Table(title=f"cleanhealth dataset {s.out}", title_justify="left", show_header=False)
    head.add_column(style="bold")
    head.add_column(justify="right")
    total_chars = s.chars_kept + s.chars_removed
    rows = [
        ("run", str(run.get("run_id", "-"))),
        ("cleanhealth version", str(run.get("cleanhealth_version", "-"))),
        ("input files", f"{run.get('files', 0):,}"),
        ("pages", f"{s.pages:,}"),
        ("characters kept", f"{s.chars_kept:,}"),
        ("characters removed", f"{s.chars_removed:,} ({_pct(s.chars_removed, total_chars)})"),
        ("words kept", f"{s.words:,}"),
        ("sections", f"{s.sections:,} (per ok page: mean {s.sections_per_page['mean']:.1f}, "
                     f"median {s.sections_per_page['median']:.0f}, max {s.sections_per_page['max']:.0f})"),
        ("entities", f"{s.entities:,} ({_pct(s.coded, s.entities)} coded, {s.negated:,} negated)"),
        ("removed spans", f"{s.removed_spans:,}"),
        ("run time", f"{run.get('seconds', 0):.1f} s"),
    ]
    for key, value in rows:
        head.add_row(key, Text(value))
    console.print(head)
    console.print(_count_table("pages by status", s.by_status, s.pages, "status"))
    console.print(_count_table("pages by format", s.by_format, s.pages, "format"))
    console.print(_count_table("ok pages by language", s.by_language,
                               sum(s.by_language.values()), "language"))
    sites = Table(title=f"top {TOP_N} sites", title_justify="left", show_header=True)
    for col, justify in (("domain", "left"), ("pages", "right"), ("chars kept", "right"),
                         ("removed", "right")):
        sites.add_column(col, justify=justify)
    for domain, pages, kept, rem in s.by_site:
        sites.add_row(Text(domain), f"{pages:,}", f"{kept:,}", _pct(rem, kept + rem))
    console.print(sites)
    console.print(_count_table("removed spans by reason", s.by_reason, s.removed_spans, "reason"))
    console.print(_count_table("entities by label", s.by_label, s.entities, "label"))
    if s.flags:
        console.print(_count_table("pages by flag", s.flags, s.pages, "flag"))
    if s.errors:
        errs = Table(title="most frequent errors", title_justify="left", show_header=True)
        errs.add_column("error")
        errs.add_column("pages", justify="right")
        for message, count in s.errors:
            errs.add_row(Text(message), f"{count:,}")
        console.print(errs)
