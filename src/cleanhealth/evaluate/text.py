"""`python -m cleanhealth.evaluate text`: the text-dump cleaner on the benchmark's `.scrape.txt` files.

Runs TextExtractor on each page's flattened text dump (the whole page, boilerplate
included, as a naive scraper writes it) and prints the benchmark metric for
cleanhealth beside 'no cleaning' (the dump itself). Template lines are computed over
the pages of the set, as a run over that folder would.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from ..document import Document, Page
from ..extract.text import TextExtractor, build_template_lines
from ..pipeline import RunContext
from ..stage import Stage
from .bench import SETS, BenchPage, default_bench_root, load_pages
from .metric import PageScore, score_page, summarize


class _EvalStage(Stage):
    name = "extract"


def clean_pages(pages: list[BenchPage], *, template: bool = True) -> tuple[list[Document], float]:
    """Clean each page's scrape.txt; returns the documents and the CPU seconds spent
    cleaning (CPU, not wall time: the figure must not depend on the machine's load)."""
    raws = [p.scrape for p in pages]
    started = time.process_time()
    lines = build_template_lines(raws) if template else frozenset()
    extractor = TextExtractor(RunContext(template_lines=lines))
    stage = _EvalStage()
    docs = []
    for page, raw in zip(pages, raws):
        doc = Document.from_page(Page(source=page.page_id, content=raw, url=page.url))
        doc = extractor.extract(doc, stage)
        doc.assemble_text()
        docs.append(doc)
    return docs, time.process_time() - started


def evaluate(root: Path, set_name: str, *, health: bool = False, split: str | None = None,
             limit: int | None = None) -> tuple[list[PageScore], list[PageScore], list[Document], float]:
    pages = load_pages(root, set_name, health_only=health, split=split, limit=limit)
    docs, seconds = clean_pages(pages)
    ours = [score_page(p.page_id, p.gold, d.text, p.snippets) for p, d in zip(pages, docs)]
    base = [score_page(p.page_id, p.gold, p.scrape, p.snippets) for p in pages]
    return ours, base, docs, seconds


def add_arguments(ap: argparse.ArgumentParser) -> None:
    ap.add_argument("--set", choices=SETS, action="append", help="benchmark set (default: both)")
    ap.add_argument("--health", action="store_true", help="only the pages marked health (wcxb-dev)")
    ap.add_argument("--split", choices=("train", "heldout"), help="wcxb-dev split (default: all pages)")
    ap.add_argument("--worst", type=int, default=0, metavar="N", help="list the N worst pages with what was lost or leaked")
    ap.add_argument("--limit", type=int, help="only the first N pages of each set")
    ap.add_argument("--bench", type=Path, help="benchmark folder (default ../shared/bench or $CLEANHEALTH_BENCH)")


def run(args: argparse.Namespace) -> int:
    root = args.bench or default_bench_root()
    if root is None:
        print("benchmark not found: pass --bench or set CLEANHEALTH_BENCH")
        return 2
    for set_name in args.set or SETS:
        split = args.split if set_name == "wcxb-dev" else None
        ours, base, docs, seconds = evaluate(root, set_name, health=args.health, split=split, limit=args.limit)
        label = set_name + (" health" if args.health else "") + (f" {split}" if split else "")
        print(f"== {label}: {len(ours)} pages (.scrape.txt)")
        print(f"  no cleaning  {summarize(base).line()}")
        print(f"  cleanhealth  {summarize(ours).line()}")
        print(f"  speed        {len(ours) / max(seconds, 1e-9):.0f} pages per CPU-second (incl. template pre-pass)")
        if args.worst:
            print(f"  worst {args.worst}:")
            for s, d in sorted(zip(ours, docs), key=lambda t: t[0].f1)[: args.worst]:
                cut = sum(len(r.text) for r in d.removed)
                print(f"    {s.page_id[:16]:16s} f1={s.f1:.3f} p={s.precision:.3f} r={s.recall:.3f} "
                      f"kept={len(d.text)} cut={cut} flags={','.join(d.flags) or '-'}"
                      + (f" leaked={s.leaked[:3]}" if s.leaked else ""))
    return 0
