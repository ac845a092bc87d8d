"""CPU cost of cleanhealth's HTML extractor beside plain trafilatura.extract, per page.

Usage: python scripts/profile_html.py [--pages N] [--set wcxb-dev] [--top 20] [--no-profile]

CPU time (time.process_time), not wall time: the benchmark machine is shared, and
wall time there measures the neighbours. Both systems run on the same pages in the
same process, each page once per system after one warm-up page, so module imports and
lexicon loading are not counted. The cProfile pass is a separate run (profiling
inflates small calls) and prints the top functions by cumulative time.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time

from cleanhealth.document import FORMAT_HTML, Document, Page
from cleanhealth.evaluate.bench import default_bench_root, load_pages
from cleanhealth.extract import ExtractStage
from cleanhealth.pipeline import RunContext


def _ours(stage: ExtractStage, html: str, source: str) -> None:
    stage(Document.from_page(Page(source=source, format=FORMAT_HTML, content=html)))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=150, help="pages per set (default 150)")
    ap.add_argument("--sets", nargs="+", default=["scrapinghub", "wcxb-dev"])
    ap.add_argument("--top", type=int, default=20)
    ap.add_argument("--no-profile", action="store_true")
    args = ap.parse_args(argv)
    root = default_bench_root()
    if root is None:
        print("benchmark not found: expected ../shared/bench or $CLEANHEALTH_BENCH", file=sys.stderr)
        return 2
    import trafilatura

    pages = [(f"{p.page_id}.html", p.html) for s in args.sets for p in load_pages(root, s, limit=args.pages)]
    stage = ExtractStage(RunContext())
    _ours(stage, pages[0][1], pages[0][0])  # warm-up: lexicon, vocabularies, imports
    trafilatura.extract(pages[0][1])

    ours = traf = 0.0
    for source, html in pages:
        t0 = time.process_time()
        _ours(stage, html, source)
        t1 = time.process_time()
        trafilatura.extract(html)
        t2 = time.process_time()
        ours += t1 - t0
        traf += t2 - t1
    n = len(pages)
    print(f"pages: {n}")
    print(f"cleanhealth HtmlExtractor   {1000 * ours / n:8.1f} CPU ms/page")
    print(f"trafilatura.extract         {1000 * traf / n:8.1f} CPU ms/page")
    print(f"ratio (trafilatura/ours)    {traf / ours:8.2f}x pages/s")
    if not args.no_profile:
        prof = cProfile.Profile()
        prof.enable()
        for source, html in pages:
            _ours(stage, html, source)
        prof.disable()
        pstats.Stats(prof).sort_stats("cumulative").print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
