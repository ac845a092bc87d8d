"""`python -m cleanhealth.evaluate html`: cleanhealth's HTML path against plain trafilatura.

Runs, in ONE pass over the benchmark pages (a process pool of 2 by default), three
extractors side by side on the same HTML: cleanhealth's extract stage, trafilatura
`extract()` with its defaults, and trafilatura with `favor_precision=True`. Each page's
outputs are scored with the benchmark's own metric (`metric.py` == `score.py`), so the
figures compare with the reference table in ../shared/bench/README.md. Speed is CPU
time per page in the worker (`time.process_time`, robust to other load on a shared
machine) and pages per CPU-second; neither depends on the pool size.

cleanhealth reads each page's stored file itself, as `cleanhealth run` does (format
sniffing, encoding detection, mojibake repair: 23 wcxb pages carry double-encoded
UTF-8 such as 'Investorâ€™s'); the trafilatura runs get the text decoded with the
manifest's encoding, as a plain script would. cleanhealth's CPU time includes its reader.

cleanhealth is scored on the article text without the title block: the gold texts of
both benchmarks exclude the page title (it lives in the `title` column), and trafilatura's
text output leaves it out as well.

The team's own health pages (raw/pages/*.html with tests/data/page_expectations.json)
are scored too: the share of must-go strings gone and must-stay strings kept.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .bench import BenchPage, default_bench_root, load_pages
from .metric import PageScore, Summary, fold, score_page, summarize

SYSTEMS = ("cleanhealth", "trafilatura", "trafilatura-precision")
# Two workers: the benchmark machine has two cores.
DEFAULT_WORKERS = 2
REPO_ROOT = Path(__file__).resolve().parents[3]


@dataclass
class PageRun:
    """All systems' outputs for one page, with the seconds each took."""

    page_id: str
    set_name: str
    health: bool
    split: str
    page_type: str | None
    texts: dict[str, str] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    scores: dict[str, PageScore] = field(default_factory=dict)


_STAGE = None


def cleanhealth_text(content: str | bytes, source: str = "page.html", url: str | None = None) -> str:
    """The article text (without the title) cleanhealth extracts from one page.

    Bytes (a page's file, gzip or not) go through the reader first, as in `cleanhealth
    run`: format sniffing, encoding detection and mojibake repair; a string is taken as
    decoded HTML and goes straight to the extract stage."""
    global _STAGE
    from ..document import FORMAT_HTML, KIND_TITLE, STATUS_OK, Document, Page
    from ..extract import ExtractStage
    from ..pipeline import RunContext
    from ..read import read_bytes

    if _STAGE is None:
        _STAGE = ExtractStage(RunContext())
    if isinstance(content, bytes):
        page = read_bytes(content, source)[0]
        if page.status != STATUS_OK:
            return ""
        page.url = page.url or url
    else:
        page = Page(source=source, format=FORMAT_HTML, content=content, url=url)
    doc = _STAGE(Document.from_page(page))
    return "\n\n".join(b.text for b in doc.blocks if b.kind != KIND_TITLE)


def _trafilatura_text(html: str, **kwargs) -> str:
    import trafilatura

    return trafilatura.extract(html, **kwargs) or ""


def run_page(args: tuple[BenchPage, tuple[str, ...]]) -> PageRun:
    """Worker: every requested system on one page (top-level so the pool can pickle it)."""
    page, systems = args
    html = page.html
    run = PageRun(page.page_id, page.set_name, page.health, page.split, page.page_type)
    for system in systems:
        started = time.process_time()
        try:
            if system == "cleanhealth":
                text = cleanhealth_text(page.raw, source=f"{page.page_id}.html.gz")
            elif system == "trafilatura":
                text = _trafilatura_text(html)
            else:
                text = _trafilatura_text(html, favor_precision=True)
        except Exception as exc:  # a crash is scored as empty output, and reported
            print(f"{system} failed on {page.set_name}/{page.page_id}: {exc!r}", file=sys.stderr)
            text = ""
        run.seconds[system] = time.process_time() - started
        run.texts[system] = text
        run.scores[system] = score_page(page.page_id, page.gold, text, page.snippets)
    return run


def _summaries(runs: list[PageRun], systems: tuple[str, ...]) -> dict[str, tuple[Summary, float]]:
    out = {}
    for system in systems:
        seconds = sum(r.seconds[system] for r in runs) or 1e-9
        out[system] = (summarize([r.scores[system] for r in runs]), len(runs) / seconds)
    return out


def _table(title: str, runs: list[PageRun], systems: tuple[str, ...]) -> str:
    lines = [f"## {title} ({len(runs)} pages)",
             f"{'system':<24}{'F1':>8}{'P':>8}{'R':>8}{'leaked':>9}{'found':>8}{'pages/CPU-s':>12}{'CPU ms/page':>12}"]
    for system, (s, pps) in _summaries(runs, systems).items():
        leaked = f"{s.must_exclude_leaked:.3f}" if s.must_exclude_leaked is not None else "-"
        found = f"{s.must_include_found:.3f}" if s.must_include_found is not None else "-"
        lines.append(f"{system:<24}{s.f1:>8.4f}{s.precision:>8.4f}{s.recall:>8.4f}{leaked:>9}{found:>8}{pps:>12.1f}"
                     f"{1000 / pps:>12.1f}")
    return "\n".join(lines)


def own_pages_report(pages_dir: Path, expectations: Path) -> str | None:
    """Score cleanhealth on the team's own health pages: must-go gone, must-stay kept, title."""
    if not expectations.exists() or not pages_dir.is_dir():
        return None
    from ..document import Document
    from ..extract import ExtractStage
    from ..pipeline import RunContext
    from ..read import read_bytes

    stage = ExtractStage(RunContext())
    spec = json.loads(expectations.read_text())
    gone = go_total = stay = stay_total = titles = reasons_ok = 0
    misses: list[str] = []
    for name, exp in sorted(spec.items()):
        path = pages_dir / name
        if not path.exists():
            path = pages_dir.parent / name
        if not path.exists() or not name.endswith((".html", ".htm")):
            continue
        page = read_bytes(path.read_bytes(), name)[0]
        doc = stage(Document.from_page(page))
        flat = fold(doc.text)
        for item in exp.get("must_go", []):
            text, reason = (item["text"], item.get("reason")) if isinstance(item, dict) else (item, None)
            go_total += 1
            if fold(text) not in flat:
                gone += 1
                if reason is None or any(fold(text) in fold(r.text) and r.reason == reason for r in doc.removed):
                    reasons_ok += 1
                else:
                    got = [r.reason for r in doc.removed if fold(text) in fold(r.text)]
                    misses.append(f"  {name}: reason for {text!r}: want {reason}, got {got}")
            else:
                misses.append(f"  {name}: leaked {text!r} ({reason})")
        for text in exp.get("must_stay", []):
            stay_total += 1
            if fold(text) in flat:
                stay += 1
            else:
                misses.append(f"  {name}: lost {text!r}")
        if exp.get("title"):
            titles += (doc.title or "").strip() == exp["title"].strip()
    n = len([k for k in spec if k.endswith((".html", ".htm"))])
    lines = [f"## own health pages ({n} pages, cleanhealth)",
             f"must_go gone {gone}/{go_total}, with the expected reason {reasons_ok}/{go_total}; "
             f"must_stay kept {stay}/{stay_total}; titles {titles}/{sum(1 for e in spec.values() if e.get('title'))}"]
    return "\n".join(lines + misses)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--bench", type=Path, default=None, help="benchmark root (default ../shared/bench)")
    parser.add_argument("--sets", nargs="+", default=["scrapinghub", "wcxb-dev"], help="benchmark sets to run")
    parser.add_argument("--split", choices=["train", "heldout"], default=None,
                        help="only this wcxb-dev split (default: both, reported separately too)")
    parser.add_argument("--limit", type=int, default=None, help="at most this many pages per set")
    parser.add_argument("--systems", nargs="+", choices=SYSTEMS, default=list(SYSTEMS),
                        help="extractors to compare (default all three)")
    parser.add_argument("--workers", type=int, default=DEFAULT_WORKERS, help="process pool size (default 2)")
    parser.add_argument("--worst", type=int, default=0, metavar="N", help="list the N worst pages for cleanhealth")
    parser.add_argument("--save", type=Path, default=None, help="write per-page scores as JSON lines here")
    parser.add_argument("--save-texts", action="store_true", help="with --save: also write each system's output text")
    parser.add_argument("--no-own", action="store_true", help="skip the team's own health pages")


def run(args: argparse.Namespace) -> int:
    root = args.bench or default_bench_root()
    if root is None:
        print("benchmark not found: expected ../shared/bench or $CLEANHEALTH_BENCH", file=sys.stderr)
        return 2
    systems = tuple(args.systems)
    pages: list[BenchPage] = []
    for set_name in args.sets:
        pages += load_pages(root, set_name, split=args.split if set_name == "wcxb-dev" else None, limit=args.limit)
    jobs = [(p, systems) for p in pages]
    started = time.perf_counter()
    if args.workers > 1:
        with ProcessPoolExecutor(args.workers) as pool:
            runs = list(pool.map(run_page, jobs, chunksize=4))
    else:
        runs = [run_page(j) for j in jobs]
    wall = time.perf_counter() - started
    by_set: dict[str, list[PageRun]] = defaultdict(list)
    for r in runs:
        by_set[r.set_name].append(r)
    blocks = []
    for set_name, set_runs in by_set.items():
        blocks.append(_table(set_name, set_runs, systems))
        if set_name == "wcxb-dev":
            blocks.append(_table("wcxb-dev health", [r for r in set_runs if r.health], systems))
            for split in ("train", "heldout"):
                part = [r for r in set_runs if r.split == split]
                if part and not args.split:
                    blocks.append(_table(f"wcxb-dev {split}", part, systems))
            types = sorted({r.page_type for r in set_runs if r.page_type})
            lines = ["## wcxb-dev F1 by page type", f"{'type':<16}{'n':>5}" + "".join(f"{s[:22]:>24}" for s in systems)]
            for t in types:
                part = [r for r in set_runs if r.page_type == t]
                lines.append(f"{t:<16}{len(part):>5}" + "".join(
                    f"{summarize([r.scores[s] for r in part]).f1:>24.4f}" for s in systems))
            blocks.append("\n".join(lines))
    print("\n\n".join(blocks))
    print(f"\n{len(runs)} pages in {wall:.0f} s wall with {args.workers} workers")
    if args.worst and "cleanhealth" in systems:
        ref = "trafilatura" if "trafilatura" in systems else None
        print(f"\n## {args.worst} worst pages for cleanhealth (F1; trafilatura default beside)")
        for r in sorted(runs, key=lambda r: r.scores["cleanhealth"].f1)[: args.worst]:
            s = r.scores["cleanhealth"]
            other = f" trafilatura={r.scores[ref].f1:.3f}" if ref else ""
            print(f"{r.set_name}/{r.page_id} {r.page_type or '-'} f1={s.f1:.3f} p={s.precision:.3f} "
                  f"r={s.recall:.3f}{other} leaked={s.leaked[:3]}")
    if args.save:
        with args.save.open("w") as fh:
            for r in runs:
                fh.write(json.dumps({"id": r.page_id, "set": r.set_name, "health": r.health, "split": r.split,
                                     "type": r.page_type, "seconds": r.seconds,
                                     **({"texts": r.texts} if args.save_texts else {}),
                                     "scores": {k: [v.precision, v.recall, v.f1, v.exclude_leaked, v.exclude_total]
                                                for k, v in r.scores.items()}}) + "\n")
    if not args.no_own:
        report = own_pages_report(REPO_ROOT / "raw" / "pages", REPO_ROOT / "tests" / "data" / "page_expectations.json")
        if report:
            print("\n" + report)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cleanhealth.evaluate html", description=__doc__.split("\n")[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
