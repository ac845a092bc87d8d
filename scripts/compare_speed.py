"""Per-stage CPU cost of two source trees of cleanhealth on the same bench pages, and
whether they produce the same documents.

    git archive <commit> src | tar -x -C /tmp/before
    python scripts/compare_speed.py /tmp/before/src src [--stride 3] [--limit N] [--chunk 25]

Each tree runs in its own worker process (PYTHONPATH=<tree>). Every page is read from
its .html.gz with `read.read_bytes` (so the read stage counts) and taken through every
stage of `pipeline.build_stages`. The parent gives the workers the same chunks of pages
in turn, alternating which goes first, so both see the same load on a shared machine.
Time is CPU time (time.process_time) inside the workers; one warm-up page per worker
is not counted. A document is the same when the JSON of every field but `timings` and
`raw` (stats included) is equal.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "shared" / "bench"
SETS = ("scrapinghub", "wcxb-dev")

WORKER = r'''
import hashlib, json, sys, time
from dataclasses import asdict
from cleanhealth.document import Document
from cleanhealth.pipeline import RunContext, build_stages
from cleanhealth.read import read_bytes
import cleanhealth

stages = build_stages(RunContext())


def run(path):
    cpu = {}
    data = open(path, "rb").read()
    parts = path.rsplit("/", 2)
    started = time.process_time()
    page = read_bytes(data, parts[-2] + "/" + parts[-1])[0]
    cpu["read"] = time.process_time() - started
    doc = Document.from_page(page)
    for stage in stages:
        started = time.process_time()
        doc = stage(doc)
        cpu[stage.name] = cpu.get(stage.name, 0.0) + time.process_time() - started
    row = asdict(doc)
    row.pop("timings")
    row.pop("raw")
    row["stats"] = dict(sorted(doc.stats.items()))
    digest = hashlib.sha1(json.dumps(row, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    return cpu, digest


print(json.dumps(cleanhealth.__file__), flush=True)
for line in sys.stdin:
    paths = json.loads(line)
    print(json.dumps([run(p) for p in paths]), flush=True)
'''


def _start(src: str) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(Path(src).resolve()))
    proc = subprocess.Popen([sys.executable, "-c", WORKER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True, env=env, cwd="/")
    print(f"{src}: cleanhealth from {json.loads(proc.stdout.readline())}", file=sys.stderr)
    return proc


def _ask(proc: subprocess.Popen, paths: list[str]) -> list:
    proc.stdin.write(json.dumps(paths) + "\n")
    proc.stdin.flush()
    return json.loads(proc.stdout.readline())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("before", help="a source tree (the folder holding cleanhealth/)")
    ap.add_argument("after", help="another source tree")
    ap.add_argument("--bench", type=Path, default=BENCH)
    ap.add_argument("--stride", type=int, default=1, help="every Nth page (default: all)")
    ap.add_argument("--limit", type=int, default=0, help="at most this many pages")
    ap.add_argument("--chunk", type=int, default=25, help="pages per turn")
    args = ap.parse_args(argv)
    files = [str(f) for s in SETS for f in sorted((args.bench / s).glob("*.html.gz"))][::args.stride]
    if args.limit:
        files = files[:args.limit]
    if not files:
        print(f"no pages under {args.bench}", file=sys.stderr)
        return 2
    procs = {"before": _start(args.before), "after": _start(args.after)}
    for proc in procs.values():
        _ask(proc, files[:1])  # warm-up: imports, lexicon, tagger tables
    cpu: dict[str, dict[str, float]] = {name: {} for name in procs}
    digests: dict[str, list[str]] = {name: [] for name in procs}
    for turn, start in enumerate(range(0, len(files), args.chunk)):
        chunk = files[start:start + args.chunk]
        for name in (("before", "after") if turn % 2 == 0 else ("after", "before")):
            for times, digest in _ask(procs[name], chunk):
                digests[name].append(digest)
                for stage, seconds in times.items():
                    cpu[name][stage] = cpu[name].get(stage, 0.0) + seconds
    for proc in procs.values():
        proc.stdin.close()
        proc.wait()
    n = len(files)
    same = sum(a == b for a, b in zip(digests["before"], digests["after"]))
    print(f"pages: {n}; identical documents: {same} of {n}")
    print(f"{'stage':10s} {'before':>9s} {'after':>9s} {'after/before':>13s}   (CPU ms/page)")
    for stage in cpu["before"]:
        a, b = 1000 * cpu["before"][stage] / n, 1000 * cpu["after"][stage] / n
        print(f"{stage:10s} {a:9.2f} {b:9.2f} {b / a if a else 0:13.3f}")
    a, b = 1000 * sum(cpu["before"].values()) / n, 1000 * sum(cpu["after"].values()) / n
    print(f"{'total':10s} {a:9.2f} {b:9.2f} {b / a:13.3f}")
    return 0 if same == n else 1


if __name__ == "__main__":
    sys.exit(main())
