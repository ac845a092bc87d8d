"""CPU-time throughput of the text-dump cleaner on bench pages (a benchmark, not a test).

    python scripts/bench_text_speed.py [N] [RUNS]

Cleans the first N/3 scrapinghub and the first 2N/3 wcxb-dev `.scrape.txt` pages
(template pre-pass + TextExtractor, as `python -m cleanhealth.evaluate text` does) RUNS
times and prints the best CPU time. Files are read and the lexicon and model loaded
before timing (one-time costs per process); the per-process segment cache is cleared
between runs so that every run does the full work. CPU time, not wall time: the
machine is shared.
"""

from __future__ import annotations

import sys
import time

import cleanhealth.extract.features as features
from cleanhealth.evaluate.bench import default_bench_root, load_pages
from cleanhealth.evaluate.text import clean_pages
from cleanhealth.extract.lexicon import load_lexicon
from cleanhealth.extract.model import load_model


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    root = default_bench_root()
    if root is None:
        print("benchmark not found: set CLEANHEALTH_BENCH")
        return 2
    pages = load_pages(root, "scrapinghub")[: n // 3] + load_pages(root, "wcxb-dev")[: n - n // 3]
    for page in pages:
        page.scrape  # read before timing
    load_lexicon()
    load_model()
    best = float("inf")
    for _ in range(runs):
        getattr(features, "_CACHE", {}).clear()
        started = time.process_time()
        clean_pages(pages)
        best = min(best, time.process_time() - started)
    print(f"{len(pages)} pages, best of {runs}: {best:.2f} CPU s = {len(pages) / best:.1f} pages per CPU-second")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
