"""`cleanhealth report OUTPUT`: one self-contained HTML report of a dataset, with plots.

Analysts want to look at a run before they query it: how many pages failed and why,
what share of the text each removal reason took (overall and per site: a site whose
share stands out is where the cleaner needs a site rule), how pages split into
sections, which entities were found. The report is one file with the plots inside
(base64 PNG from matplotlib's Agg backend, the `[report]` extra), no scripts and no
external resources, so it can be mailed or attached to a ticket. Every string that
came from a page (titles, domains, concepts, errors) is HTML-escaped.
"""

from __future__ import annotations

import base64
import html as htmlmod
import io
import warnings
from collections import Counter
from pathlib import Path

import pandas as pd

from . import __version__
from .errors import CleanhealthError, Errors
from .dataset import load
from .stats import check_output

# Rows and bars shown for long-tailed breakdowns (sites, concepts, pages).
TOP_SITES = 15
TOP_CONCEPTS = 25
TOP_ERRORS = 20
MAX_PAGE_ROWS = 300  # the pages table; a million-row table would make the report unusable
MAX_LABEL_CHARS = 40  # axis labels longer than this are shortened
PLOT_DPI = 96
REMOVED_BATCH_ROWS = 64 * 1024  # removed spans read per batch (only their lengths are kept)

_CSS = """
body{font:15px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;color:#222}
h1{margin-bottom:.2rem}h2{margin-top:2.2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
table{border-collapse:collapse;margin:.8rem 0;font-size:13px}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f4f4f4}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.plot{display:block;max-width:100%;height:auto;margin:.5rem 0;border:1px solid #eee}
.grid{display:flex;flex-wrap:wrap;gap:2rem;align-items:flex-start}
.wide{overflow-x:auto;max-width:100%}.muted{color:#777}.note{background:#fff8e1;border:1px solid #f0d98c;padding:.5rem .8rem}
"""


def _esc(value: object) -> str:
    return htmlmod.escape("" if value is None else str(value), quote=True)


def _pct(part: float, whole: float) -> str:
    return f"{100 * part / whole:.1f} %" if whole else "-"


def _label(text: object) -> str:
    """A page string made safe for a matplotlib axis: no mathtext, bounded length."""
    s = " ".join(str(text).split()) or "(empty)"
    if len(s) > MAX_LABEL_CHARS:
        s = s[:MAX_LABEL_CHARS - 1] + "…"
    return s.replace("$", r"\$")


# --------------------------------------------------------------------------- data


def gather(out: str | Path) -> dict:
    """Everything the report shows, as small DataFrames (page text is never loaded)."""
    out = check_output(out)
    tables = load(out, columns={
        "documents": ["doc_id", "source", "format", "url", "domain", "title", "language", "status",
                      "error", "flags", "n_chars", "n_words", "n_sections", "n_entities",
                      "n_removed", "removed_chars"],
        "sections": ["doc_id", "section_id", "level"],
        "entities": ["doc_id", "label", "code", "vocabulary", "concept", "text", "negated"],
        "removed": ["doc_id"],  # the spans' lengths are read in batches below
    })
    docs = tables.documents
    docs["domain"] = docs["domain"].fillna("(no domain)")
    docs["language"] = docs["language"].fillna("(unknown)")
    removed = removed_lengths(out).merge(docs[["doc_id", "domain"]], on="doc_id", how="left")
    ents = tables.entities
    ents["concept_key"] = ents["concept"].fillna(ents["text"].str.lower())
    return {"out": out, "run": tables.run, "docs": docs, "sections": tables.sections,
            "entities": ents, "removed": removed}


def removed_lengths(out: Path) -> pd.DataFrame:
    """doc_id, reason, stage and character count of every removed span.

    The removed text of a large crawl is big; it is read one record batch at a time and
    only its length (in characters, as Python's len) is kept, so memory stays flat.
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.dataset as ds

    dataset = ds.dataset(str(out / "removed"), format="parquet")
    parts = []
    for batch in dataset.to_batches(columns=["doc_id", "reason", "stage", "text"], batch_size=REMOVED_BATCH_ROWS):
        chars = pc.fill_null(pc.utf8_length(batch.column("text")), 0)
        parts.append(pa.table({"doc_id": batch.column("doc_id"), "reason": batch.column("reason"),
                               "stage": batch.column("stage"), "chars": pc.cast(chars, pa.int64())}))
    if not parts:
        return pd.DataFrame({"doc_id": pd.Series(dtype=str), "reason": pd.Series(dtype=str),
                             "stage": pd.Series(dtype=str), "chars": pd.Series(dtype="int64")})
    return pa.concat_tables(parts).to_pandas()


# --------------------------------------------------------------------------- plots


class Plotter:
    """matplotlib figures as base64 PNG <img> tags; a note instead when matplotlib is missing.

    Figures are made with the object API (`matplotlib.figure.Figure`, rendered by Agg),
    never pyplot, so building a report from a notebook or a GUI program leaves that
    program's backend and open figures alone.
    """

    def __init__(self) -> None:
        try:
            import matplotlib
            from matplotlib.figure import Figure
        except ImportError:
            self.Figure = None
        else:
            self.Figure = Figure
            self.colormaps = matplotlib.colormaps

    @property
    def available(self) -> bool:
        return self.Figure is not None

    def _subplots(self, width: float, height: float):
        fig = self.Figure(figsize=(width, height))
        return fig, fig.subplots()

    def _img(self, fig, alt: str) -> str:
        buf = io.BytesIO()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # missing glyphs for non-Latin labels are not errors
            fig.tight_layout()
            fig.savefig(buf, format="png", dpi=PLOT_DPI)
        data = base64.b64encode(buf.getvalue()).decode("ascii")
        return f'<img class="plot" alt="{_esc(alt)}" src="data:image/png;base64,{data}">'

    def barh(self, labels: list, values: list, title: str, xlabel: str, color: str = "#4a7fb5",
             percent: bool = False, width: float = 7.5) -> str:
        if not self.available or not labels:
            return ""
        height = 1.2 + 0.28 * len(labels)
        fig, ax = self._subplots(width, height)
        y = list(range(len(labels)))[::-1]
        ax.barh(y, values, color=color)
        ax.set_yticks(y, [_label(v) for v in labels])
        ax.set_title(_label(title) if len(title) <= MAX_LABEL_CHARS else title.replace("$", r"\$"))
        ax.set_xlabel(xlabel)
        for yi, value in zip(y, values):
            ax.text(value, yi, f" {value:.1f}%" if percent else f" {value:,}", va="center", fontsize=8)
        ax.margins(x=0.15)
        if not percent:
            from matplotlib.ticker import MaxNLocator

            ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # counts: no 2.5 pages
        return self._img(fig, title)

    def stacked_barh(self, frame: pd.DataFrame, title: str, xlabel: str) -> str:
        """Rows = categories (top first), columns = stacked series."""
        if not self.available or frame.empty:
            return ""
        # Tall enough for every bar and for the legend, which sits right of the axes
        # (inside it would hide the bars of short stacks).
        height = max(1.4 + 0.3 * len(frame), 0.6 + 0.2 * len(frame.columns))
        fig, ax = self._subplots(9.5, height)
        y = list(range(len(frame)))[::-1]
        left = [0.0] * len(frame)
        cmap = self.colormaps["tab20"]
        for i, column in enumerate(frame.columns):
            values = frame[column].tolist()
            ax.barh(y, values, left=left, color=cmap(i % 20), label=_label(column))
            left = [a + b for a, b in zip(left, values)]
        ax.set_yticks(y, [_label(v) for v in frame.index])
        ax.set_title(title)
        ax.set_xlabel(xlabel)
        ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
        return self._img(fig, title)

    def hist(self, values: list[int], title: str, xlabel: str) -> str:
        if not self.available or not values:
            return ""
        fig, ax = self._subplots(7.5, 3.2)
        top = max(values)
        bins = range(0, top + 2) if top <= 40 else 40
        ax.hist(values, bins=bins, color="#6a9f58", edgecolor="white", align="left")
        ax.set_title(title)
        ax.set_xlabel(xlabel)
        ax.set_ylabel("pages")
        return self._img(fig, title)


# --------------------------------------------------------------------------- HTML pieces


def _table(headers: list[str], rows: list[list], numeric: set[int] = frozenset()) -> str:
    head = "".join(f"<th>{_esc(h)}</th>" for h in headers)
    body = []
    for row in rows:
        cells = "".join(f'<td class="n">{_esc(v)}</td>' if i in numeric else f"<td>{_esc(v)}</td>"
                        for i, v in enumerate(row))
        body.append(f"<tr>{cells}</tr>")
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"


def _count_rows(counts: pd.Series, total: int) -> list[list]:
    return [[k, f"{int(v):,}", _pct(v, total)] for k, v in counts.items()]


def build_report(out: str | Path) -> str:
    """The report's HTML for an output folder."""
    data = gather(out)
    docs: pd.DataFrame = data["docs"]
    removed: pd.DataFrame = data["removed"]
    ents: pd.DataFrame = data["entities"]
    run: dict = data["run"]
    plot = Plotter()
    n_pages = len(docs)
    kept = int(docs["n_chars"].sum())
    cut = int(removed["chars"].sum()) if len(removed) else int(docs["removed_chars"].sum())
    total_chars = kept + cut
    ok = docs[docs["status"] == "ok"]

    parts: list[str] = [
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
        f"<title>cleanhealth report: {_esc(data['out'])}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>cleanhealth report</h1><p class=\"muted\">{_esc(data['out'])} · run {_esc(run.get('run_id'))}"
        f" · cleanhealth {_esc(run.get('cleanhealth_version', __version__))}</p>",
    ]
    if not plot.available:
        parts.append('<p class="note">Plots need matplotlib: <code>pip install "cleanhealth[report]"</code>.'
                     " The tables below hold the same figures.</p>")
    summary = [
        ["input", run.get("input", "-")], ["input files", f"{run.get('files', 0):,}"],
        ["pages", f"{n_pages:,}"], ["ok pages", f"{len(ok):,} ({_pct(len(ok), n_pages)})"],
        ["characters kept", f"{kept:,}"], ["characters removed", f"{cut:,} ({_pct(cut, total_chars)})"],
        ["sections", f"{int(docs['n_sections'].sum()):,}"], ["entities", f"{len(ents):,}"],
        ["removed spans", f"{len(removed):,}"], ["run time", f"{run.get('seconds', 0):.1f} s"],
        ["executor", f"{run.get('executor', '-')} × {run.get('workers', 1)}"],
    ]
    config = (run.get("options") or {}).get("config") or {}
    if config.get("path"):
        summary.append(["config file", config["path"]])
    parts.append("<h2>Summary</h2>" + _table(["what", "value"], summary))

    # pages by status, format, language, site
    parts.append("<h2>Pages</h2><div class=\"grid\">")
    for column, title in (("status", "status"), ("format", "format"), ("language", "language")):
        counts = docs[column].value_counts()
        parts.append(f"<div><h3>By {title}</h3>"
                     + plot.barh(counts.index.tolist()[:TOP_SITES], counts.tolist()[:TOP_SITES],
                                 f"pages by {title}", "pages", width=4.2)
                     + _table([title, "pages", "share"], _count_rows(counts.head(TOP_SITES), n_pages), {1, 2})
                     + "</div>")
    parts.append("</div>")
    sites = (docs.groupby("domain").agg(pages=("doc_id", "size"), kept=("n_chars", "sum"),
                                        removed=("removed_chars", "sum"))
             .sort_values(["pages", "kept"], ascending=False))
    top_sites = sites.head(TOP_SITES)
    parts.append("<h3>By site</h3>" + plot.barh(top_sites.index.tolist(), top_sites["pages"].tolist(),
                                                  f"pages by site (top {TOP_SITES})", "pages"))
    parts.append(_table(["site", "pages", "characters kept", "share removed"],
                        [[d, f"{int(r.pages):,}", f"{int(r.kept):,}", _pct(r.removed, r.kept + r.removed)]
                         for d, r in top_sites.iterrows()], {1, 2, 3}))
    if len(sites) > TOP_SITES:
        parts.append(f"<p class=\"muted\">and {len(sites) - TOP_SITES:,} more sites</p>")

    # removed text by reason, by site
    parts.append("<h2>Text removed</h2>")
    if len(removed):
        by_reason = removed.groupby("reason").agg(spans=("chars", "size"), chars=("chars", "sum")) \
            .sort_values("chars", ascending=False)
        shares = [100 * c / total_chars for c in by_reason["chars"]] if total_chars else []
        parts.append(plot.barh(by_reason.index.tolist(), shares,
                               "share of all text removed, by reason", "% of characters",
                               color="#c0504d", percent=True))
        parts.append(_table(["reason", "spans", "characters", "share of all text"],
                            [[r, f"{int(v.spans):,}", f"{int(v.chars):,}", _pct(v.chars, total_chars)]
                             for r, v in by_reason.iterrows()], {1, 2, 3}))
        site_reason = removed.pivot_table(index="domain", columns="reason", values="chars",
                                          aggfunc="sum", fill_value=0)
        site_total = sites["kept"] + sites["removed"]
        site_share = site_reason.div(site_total.reindex(site_reason.index).replace(0, 1), axis=0) * 100
        order = [d for d in top_sites.index if d in site_share.index]
        site_share = site_share.loc[order, by_reason.index.intersection(site_share.columns)]
        parts.append(plot.stacked_barh(site_share, f"share of each site's text removed, by reason "
                                       f"(top {TOP_SITES} sites)", "% of the site's characters"))
        parts.append('<div class="wide">' + _table(
            ["site", *site_share.columns.tolist()],
            [[d, *[f"{v:.1f} %" for v in row]] for d, row in
             zip(site_share.index, site_share.itertuples(index=False))],
            set(range(1, len(site_share.columns) + 1))) + "</div>")
    else:
        parts.append("<p>Nothing was removed.</p>")

    # sections per page
    parts.append("<h2>Sections per page</h2>")
    per_page = ok["n_sections"].astype(int).tolist()
    parts.append(plot.hist(per_page, "sections per ok page", "sections"))
    if per_page:
        s = pd.Series(per_page)
        parts.append(_table(["pages", "mean", "median", "max", "pages with one section"],
                            [[f"{len(s):,}", f"{s.mean():.1f}", f"{s.median():.0f}", f"{s.max():,}",
                              f"{int((s <= 1).sum()):,}"]], {0, 1, 2, 3, 4}))

    # entities
    parts.append("<h2>Entities</h2>")
    if len(ents):
        labels = ents["label"].value_counts()
        parts.append(plot.barh(labels.index.tolist(), labels.tolist(), "entities by label", "entities",
                               color="#8064a2"))
        parts.append(_table(["label", "entities", "share", "coded", "negated"],
                            [[lab, f"{int(n):,}", _pct(n, len(ents)),
                              _pct(ents.loc[ents["label"] == lab, "code"].notna().sum(), n),
                              f"{int(ents.loc[ents['label'] == lab, 'negated'].sum()):,}"]
                             for lab, n in labels.items()], {1, 2, 3, 4}))
        concepts = (ents.groupby(["concept_key", "label"], dropna=False)
                    .agg(mentions=("doc_id", "size"), pages=("doc_id", "nunique"),
                         code=("code", "first"), vocabulary=("vocabulary", "first"))
                    .sort_values(["mentions", "pages"], ascending=False).head(TOP_CONCEPTS))
        parts.append(f"<h3>Most frequent concepts (top {TOP_CONCEPTS})</h3>")
        parts.append(plot.barh([c for c, _ in concepts.index], concepts["mentions"].tolist(),
                               "most frequent concepts", "mentions", color="#8064a2"))
        parts.append(_table(["concept", "label", "code", "vocabulary", "mentions", "pages"],
                            [[c, lab, r.code or "", r.vocabulary or "", f"{int(r.mentions):,}",
                              f"{int(r.pages):,}"] for (c, lab), r in concepts.iterrows()], {4, 5}))
    else:
        parts.append("<p>No entities (was the run made with --no-entities?).</p>")

    # flags
    parts.append("<h2>Flags</h2>")
    flags: Counter[str] = Counter()
    for value in docs["flags"]:
        flags.update(value if value is not None else [])
    if flags:
        common = flags.most_common()
        parts.append(plot.barh([f for f, _ in common], [n for _, n in common], "pages by flag", "pages",
                               color="#f79646"))
        parts.append(_table(["flag", "pages", "share"], [[f, f"{n:,}", _pct(n, n_pages)] for f, n in common],
                            {1, 2}))
    else:
        parts.append("<p>No page was flagged.</p>")

    # problems and pages
    bad = docs[docs["status"] != "ok"]
    parts.append("<h2>Pages that were not processed</h2>")
    if len(bad):
        errors = bad["error"].fillna("(no message)").value_counts().head(TOP_ERRORS)
        parts.append(_table(["error", "pages"], [[e, f"{int(n):,}"] for e, n in errors.items()], {1}))
        parts.append(_table(["source", "status", "error"],
                            [[r.source, r.status, r.error or ""] for r in bad.head(MAX_PAGE_ROWS).itertuples()]))
    else:
        parts.append("<p>Every page was processed.</p>")
    shown = docs.sort_values("source").head(MAX_PAGE_ROWS)
    parts.append(f"<h2>Pages</h2><p class=\"muted\">{len(shown):,} of {n_pages:,} pages, by source</p>")
    parts.append('<div class="wide">' + _table(["source", "title", "site", "language", "status", "characters kept",
                         "share removed", "sections", "entities", "flags"],
                        [[r.source, r.title or "", r.domain, r.language, r.status, f"{int(r.n_chars):,}",
                          _pct(r.removed_chars, r.n_chars + r.removed_chars), int(r.n_sections),
                          int(r.n_entities), ", ".join(r.flags) if r.flags is not None else ""]
                         for r in shown.itertuples()], {5, 6, 7, 8}) + "</div>")
    parts.append("</body></html>\n")
    return "\n".join(parts)


def write_report(out: str | Path, path: str | Path) -> Path:
    """Build the report for `out` and write it to `path` (atomically: never a half page)."""
    html = build_report(out)
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_text(html, encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        raise CleanhealthError(Errors.E311.format(path=path, detail=exc.strerror or exc)) from exc
    return path
