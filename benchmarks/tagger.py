"""Tagger benchmark: cold build, warm start, and tagging speed in words per second.

    python benchmarks/tagger.py [--skip-cold] [--limit N]

- cold build: the term table built from the vocabulary packages into an empty cache
  (what a fresh machine or CI pays once);
- warm start: a fresh Python process importing cleanhealth and loading the tagger
  from the disk cache (what every worker pays);
- speed: words per second tagging the seeds and every bench gold text
  (../shared/bench/*/*.gold.txt), one core, tagger already loaded.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared"

WARM = """
import time
t, c = time.perf_counter(), time.process_time()
from cleanhealth.tag import Tagger
t1 = time.perf_counter()
tagger = Tagger()
print(f"{time.perf_counter() - t:.3f} {tagger.origin} {time.process_time() - c:.3f} {time.perf_counter() - t1:.3f}")
"""


def texts(limit: int | None) -> list[str]:
    paths = sorted((SHARED / "seeds").glob("*.txt")) + sorted((SHARED / "bench").glob("*/*.gold.txt"))
    out = [p.read_text("utf-8", errors="replace") for p in paths]
    return out[:limit] if limit else out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--skip-cold", action="store_true", help="do not time a build into an empty cache")
    ap.add_argument("--limit", type=int, default=None, help="tag only the first N texts")
    args = ap.parse_args()
    env = dict(os.environ)
    if not args.skip_cold:
        with tempfile.TemporaryDirectory() as tmp:
            env_cold = dict(env, CLEANHEALTH_CACHE=tmp)
            t = time.perf_counter()
            out = subprocess.run([sys.executable, "-c", WARM], env=env_cold, capture_output=True, text=True,
                                 check=True).stdout.split()
            print(f"cold build (fresh process, empty cache): {time.perf_counter() - t:.1f} s wall "
                  f"(tagger ready after {float(out[0]):.1f} s, origin={out[1]})")
    # make sure the real cache exists, then time a fresh process loading it
    subprocess.run([sys.executable, "-c", WARM], env=env, capture_output=True, text=True, check=True)
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", WARM], env=env, capture_output=True, text=True,
                         check=True).stdout.split()
    print(f"warm start (fresh process, cache on disk): tagger ready after {float(out[0]):.2f} s wall, "
          f"{float(out[2]):.2f} s CPU (imports incl. spaCy, then {float(out[3]):.2f} s to load the table "
          f"and build the pipeline; origin={out[1]}); process wall {time.perf_counter() - t:.2f} s incl. "
          "interpreter start")

    from cleanhealth.tag import get_tagger

    tagger = get_tagger()
    docs = texts(args.limit)
    if not docs:
        print(f"no texts under {SHARED}; skipping the speed measurement")
        return 0
    words = sum(len(d.split()) for d in docs)
    tagger(docs[0])  # warm the word-normalisation cache a little, as a running worker would be
    t, c = time.perf_counter(), time.process_time()
    entities = 0
    for d in docs:
        entities += len(tagger(d))
    seconds, cpu = time.perf_counter() - t, time.process_time() - c
    print(f"speed: {len(docs)} texts, {words:,} words, {entities:,} entities in {seconds:.2f} s wall, "
          f"{cpu:.2f} s CPU = {words / seconds:,.0f} words/s wall, {words / cpu:,.0f} words/s per core (CPU time)")
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
          "(wall figures suffer when the machine is shared)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
