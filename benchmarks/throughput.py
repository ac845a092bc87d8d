"""Throughput and memory of cleanhealth against trafilatura alone, on the same pages.

    python benchmarks/throughput.py                      # 5,000 pages; memory at 1k/5k/20k
    python benchmarks/throughput.py --pages 2000 --memory-sizes 1000,5000 --profile 300

What it prints, in one run on one corpus:
- trafilatura extraction alone: `trafilatura.extract(html)` with default options, one
  process, timing only the call (reading and decoding excluded);
- each cleanhealth stage (read, extract, segment, tag, ...) from the per-document
  timings the workers sum up (`seconds.<stage>` in run.json);
- cleanhealth end to end (wall clock of `cleanhealth.run.run`, worker start-up and
  Parquet writing included) with 1 and 2 supervised worker processes;
- peak resident memory of each worker (and of the parent) at several corpus sizes,
  to show it stays flat as the corpus grows.

The corpus is built here: the benchmark pages (`../shared/bench/*/<id>.html.gz`)
repeated with distinct paths (`rep000/…`, `rep001/…`) as hard links in a temporary
folder, so every copy is a distinct page (distinct doc_id) with real HTML.

Each cleanhealth run happens in a fresh Python process so that one run's memory does
not count towards the next.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "shared" / "bench"
SETS = ("scrapinghub", "wcxb-dev")
# Targets from the issue, printed beside the figures.
TARGET_E2E_VS_TRAFILATURA = 0.8
TARGET_TWO_VS_ONE = 1.8
TARGET_RSS_MB = 600

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
from cleanhealth.pipeline import Options
from cleanhealth.run import run
corpus, out, workers, executor, entities = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5] == "1"
started = time.perf_counter()
result = run(Path(corpus), Path(out), Options(tag_entities=entities), workers=workers, executor=executor)
seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds, "files": result.files, "counts": dict(result.counts),
                  "workers": result.workers_seen, "shards": result.shards,
                  "parent_peak_rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
                  "parent_cpu": time.process_time()}))
"""


def bench_pages() -> list[Path]:
    pages: list[Path] = []
    for name in SETS:
        pages.extend(sorted((BENCH / name).glob("*.html.gz")))
    return pages


def build_corpus(root: Path, size: int, pages: list[Path]) -> Path:
    """`size` pages as hard links rep<k>/<set>/<id>.html.gz (copies where links fail)."""
    folder = root / f"corpus-{size}"
    if folder.exists():
        return folder
    for n in range(size):
        rep, src = divmod(n, len(pages))
        source = pages[src]
        dst = folder / f"rep{rep:03d}" / source.parent.name / source.name
        dst.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source, dst)
        except OSError:
            shutil.copy2(source, dst)
    return folder


TINY_PAGE = ("<html><head><title>Note {n}</title></head><body><article><h1>Note {n}</h1><p>Note {n}: "
             "back pain usually improves with rest and gentle exercise within a few weeks.</p>"
             "</article></body></html>")


def build_tiny_corpus(root: Path, size: int) -> Path:
    """`size` small distinct HTML pages: isolates the run machinery's memory from the stages'."""
    folder = root / f"tiny-{size}"
    if not folder.exists():
        for n in range(size):
            path = folder / f"d{n // 1000:03d}" / f"note-{n:06d}.html"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(TINY_PAGE.format(n=n))
    return folder


def trafilatura_alone(files: list[Path]) -> tuple[float, float, int]:
    """Seconds spent in trafilatura.extract over `files` (default options)."""
    import trafilatura

    seconds = cpu = 0.0
    for path in files:
        html = gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace")
        started, cpu_started = time.perf_counter(), time.process_time()
        trafilatura.extract(html)
        seconds += time.perf_counter() - started
        cpu += time.process_time() - cpu_started
    return seconds, cpu, len(files)


def run_cleanhealth(corpus: Path, out: Path, workers: int, executor: str, entities: bool = True) -> dict:
    if out.exists():
        shutil.rmtree(out)
    proc = subprocess.run([sys.executable, "-c", CHILD, str(corpus), str(out), str(workers), executor,
                           "1" if entities else "0"], capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"cleanhealth run failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _cpu(res: dict) -> float:
    """CPU seconds of the workers and the parent of one run."""
    return sum(w.get("cpu_seconds", 0.0) for w in res["workers"].values()) + res["parent_cpu"]


def mb(n: float) -> str:
    return f"{n / 1024 / 1024:,.0f} MB"


def profile(corpus: Path, n: int) -> None:
    """cProfile of the per-page function on `n` pages, in-process: where the time goes."""
    import cProfile
    import pstats
    from collections import defaultdict

    from cleanhealth.pipeline import Options, RunContext, process_page
    from cleanhealth.read import read_file

    context = RunContext(options=Options())
    files = sorted(corpus.rglob("*.html.gz"))[:n]
    process_page(read_file(files[0], corpus)[0], context)  # load models outside the profile
    prof = cProfile.Profile(time.process_time)  # CPU time: figures hold on a busy machine
    prof.enable()
    for path in files:
        for page in read_file(path, corpus):
            process_page(page, context)
    prof.disable()
    stats = pstats.Stats(prof)
    by_package: dict[str, float] = defaultdict(float)
    for (filename, _line, _func), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():
        if "site-packages/" in filename:
            key = filename.split("site-packages/")[1].split("/")[0]
        elif "/cleanhealth/" in filename:
            key = "cleanhealth/" + filename.split("/cleanhealth/")[1]
        elif filename.startswith("~") or filename.startswith("<"):
            key = "builtins (C: regex, lxml calls, str ops)"
        else:
            key = "stdlib/" + Path(filename).name
        by_package[key] += tottime
    total = sum(by_package.values())
    print(f"\n## Profile: own CPU time by package/module, {len(files)} pages in-process ({total:.1f} s)")
    for key, seconds in sorted(by_package.items(), key=lambda kv: -kv[1])[:18]:
        print(f"  {seconds:7.2f} s  {100 * seconds / total:5.1f}%  {key}")
    print("\n## Profile: top functions by cumulative time")
    stats.sort_stats("cumulative").print_stats(25)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=5000, help="pages for the throughput runs (>= 5000 for the issue)")
    parser.add_argument("--workers", default="1,2", help="worker counts to measure")
    parser.add_argument("--memory-sizes", default="1000,20000",
                        help="extra corpus sizes for the memory-flatness runs (2 workers); the "
                        "--pages run is included")
    parser.add_argument("--no-entities", action="store_true", help="skip the tag stage")
    parser.add_argument("--tiny-sizes", default="",
                        help="also measure memory at these sizes on small generated pages "
                        "(the run machinery alone: sharding, supervision, writing), e.g. 1000,20000")
    parser.add_argument("--profile", type=int, default=0, help="also profile N pages in-process")
    parser.add_argument("--keep", type=Path, default=None, help="build the corpora here and keep them")
    args = parser.parse_args()
    if not BENCH.is_dir():
        raise SystemExit(f"benchmark pages not found at {BENCH}")
    pages = bench_pages()
    root = args.keep or Path(tempfile.mkdtemp(prefix="cleanhealth-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    try:
        corpus = build_corpus(root, args.pages, pages)
        files = sorted(corpus.rglob("*.html.gz"))
        print(f"# cleanhealth throughput: {len(files):,} pages ({len(pages):,} distinct bench pages "
              f"repeated with distinct paths), {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")

        t_seconds, t_cpu, t_pages = trafilatura_alone(files)
        t_rate = t_pages / t_seconds
        t_cpu_rate = t_pages / t_cpu
        print(f"\n## trafilatura.extract alone (default options, 1 process): {t_rate:,.1f} pages/s "
              f"wall ({t_seconds:.1f} s for {t_pages:,} pages); {t_cpu_rate:,.1f} pages per CPU-second")

        results: dict[int, dict] = {}
        for workers in [int(w) for w in args.workers.split(",")]:
            results[workers] = run_cleanhealth(corpus, root / f"out-{workers}", workers, "process",
                                               not args.no_entities)
        one = results[min(results)]
        counts = one["counts"]
        n = counts.get("pages", 0)
        print(f"\n## cleanhealth stages (summed worker time, {n:,} pages, {min(results)} worker run)")
        print(f"  {'stage':<22}{'seconds':>9}{'pages/s':>11}{'vs trafilatura':>16}")
        stage_total = 0.0
        for key in sorted(k for k in counts if k.startswith("seconds.")):
            seconds = counts[key]
            stage_total += seconds
            rate = n / seconds if seconds else float("inf")
            print(f"  {key[8:]:<22}{seconds:9.1f}{rate:11.1f}{rate / t_rate:15.2f}x")
        print(f"  {'all stages':<22}{stage_total:9.1f}{n / stage_total:11.1f}{n / stage_total / t_rate:15.2f}x")
        statuses = {k[7:]: v for k, v in counts.items() if k.startswith("status.")}
        print(f"  statuses: {statuses}")

        print("\n## cleanhealth end to end (wall clock, worker start-up and writing included)")
        print(f"  {'workers':<9}{'seconds':>9}{'pages/s':>10}{'vs trafilatura':>16}{'vs 1 worker':>13}"
              f"{'peak RSS/worker':>17}{'parent RSS':>12}")
        base_rate = None
        for workers, res in sorted(results.items()):
            rate = res["counts"]["pages"] / res["seconds"]
            base_rate = base_rate or rate
            rss = max(w["peak_rss"] for w in res["workers"].values())
            print(f"  {workers:<9}{res['seconds']:9.1f}{rate:10.1f}{rate / t_rate:15.2f}x"
                  f"{rate / base_rate:12.2f}x{mb(rss):>17}{mb(res['parent_peak_rss']):>12}")
        print("  per CPU-second (robust to other load on the machine): "
              + "; ".join(f"{w} worker(s): {r['counts']['pages'] / _cpu(r):,.1f} pages/CPU-s = "
                          f"{r['counts']['pages'] / _cpu(r) / t_cpu_rate:.2f}x trafilatura"
                          for w, r in sorted(results.items())))
        print("  CPU seconds of the parent (serial: planning, pre-pass, duplicate lookup, commit): "
              + "; ".join(f"{w} worker(s): {r['parent_cpu']:.1f} s of {_cpu(r):.1f} s"
                          for w, r in sorted(results.items())))
        if len(results) > 1:
            lo, hi = min(results), max(results)
            eff = (results[hi]["counts"]["pages"] / _cpu(results[hi])) / (results[lo]["counts"]["pages"] / _cpu(results[lo]))
            print(f"  CPU cost per page with {hi} workers is {1 / eff:.2f}x that with {lo}: on {hi} free cores "
                  f"the expected speed-up is {hi / lo * eff:.2f}x (the wall-clock ratio above also "
                  f"reflects whatever else the machine was running)")
        print(f"  targets: 1 worker >= {TARGET_E2E_VS_TRAFILATURA}x trafilatura; 2 workers >= "
              f"{TARGET_TWO_VS_ONE}x 1 worker; peak RSS per worker <= {TARGET_RSS_MB} MB")

        sizes = sorted({int(s) for s in args.memory_sizes.split(",") if s} | {args.pages})
        print("\n## memory as the corpus grows (2 workers)")
        print(f"  {'pages':>7}{'seconds':>9}{'pages/s':>9}{'peak RSS per worker':>36}{'parent RSS':>12}")
        for size in sizes:
            if size == args.pages and 2 in results:
                res = results[2]
            else:
                res = run_cleanhealth(build_corpus(root, size, pages), root / f"out-mem-{size}", 2,
                                      "process", not args.no_entities)
            per_worker = ", ".join(mb(w["peak_rss"]) for w in res["workers"].values())
            print(f"  {size:>7,}{res['seconds']:9.1f}{res['counts']['pages'] / res['seconds']:9.1f}"
                  f"{per_worker:>36}{mb(res['parent_peak_rss']):>12}")
        tiny = sorted({int(s) for s in args.tiny_sizes.split(",") if s})
        if tiny:
            print("\n## memory of the run machinery as the corpus grows (small generated pages, 2 workers)")
            print(f"  {'pages':>7}{'seconds':>9}{'shards':>8}{'peak RSS per worker':>36}{'parent RSS':>12}")
            for size in tiny:
                res = run_cleanhealth(build_tiny_corpus(root, size), root / f"out-tiny-{size}", 2,
                                      "process", not args.no_entities)
                per_worker = ", ".join(mb(w["peak_rss"]) for w in res["workers"].values())
                print(f"  {size:>7,}{res['seconds']:9.1f}{res['shards']:8,}{per_worker:>36}"
                      f"{mb(res['parent_peak_rss']):>12}")
        if args.profile:
            profile(corpus, args.profile)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
