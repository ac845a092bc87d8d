"""The `cleanhealth` command line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from . import __version__
from .errors import CleanhealthError, Errors

EXIT_OK = 0
EXIT_USAGE = 2  # the run could not be done (bad folders, conflicting options)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cleanhealth",
        description="Turn a folder of scraped health web pages into a clean Parquet dataset.",
    )
    parser.add_argument("--version", action="version", version=f"cleanhealth {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="process every page under a folder into a dataset",
                         description="Read every file under INPUT (recursively: HTML, text dumps, "
                         "gzip, JSON lines, WARC), extract the main content, cut it into sections, "
                         "tag medical entities and write four Parquet tables under --out.")
    run.add_argument("input", type=Path, help="folder of scraped pages (or a single file)")
    run.add_argument("--out", type=Path, default=Path("output"),
                     help="output folder; created if missing, replaced atomically (default: output)")
    run.add_argument("--workers", type=int, default=1,
                     help="worker processes (default 1: in-process)")
    run.add_argument("--executor", choices=("auto", "inprocess", "process", "dask"), default="auto",
                     help="where pages are processed: auto = in-process for 1 worker, a process "
                     "pool for more; dask needs `pip install cleanhealth[dask]`")
    run.add_argument("--scheduler", default=None,
                     help="with --executor dask: address of an existing scheduler "
                     "(tcp://host:8786); without it a LocalCluster is started")
    run.add_argument("--shard-files", type=int, default=None,
                     help="input files per shard, the unit of work and of resumption (default 64)")
    run.add_argument("--page-timeout", type=float, default=None,
                     help="seconds one page may take before it is stopped and recorded as "
                     "failed (default 60)")
    run.add_argument("--no-entities", action="store_true", help="skip entity tagging")
    run.add_argument("--max-file-bytes", type=int, default=None,
                     help="refuse input files larger than this (default 64 MiB)")
    run.add_argument("--max-decompressed-bytes", type=int, default=None,
                     help="refuse gzip content that expands past this (default 256 MiB)")
    run.add_argument("--max-page-bytes", type=int, default=None,
                     help="refuse a single page (file, JSON-lines or WARC record) larger than "
                     "this after decompression (default 16 MiB)")
    run.add_argument("--max-depth", type=int, default=None,
                     help="refuse HTML whose elements nest deeper than this (default 1000; "
                     "libxml2 cannot parse past 2048)")
    run.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    run.add_argument("--config", type=Path, default=None,
                     help="config file with extra boilerplate phrases, site rules, terms and "
                     "thresholds (default: ./cleanhealth.toml if present)")
    run.set_defaults(func=cmd_run)
    add_inspection_commands(sub)
    return parser


def cmd_run(args: argparse.Namespace, console: Console) -> int:
    from .pipeline import Options
    from .run import DEFAULT_PAGE_TIMEOUT, DEFAULT_SHARD_FILES, run

    if args.scheduler and args.executor != "dask":
        raise CleanhealthError("[E306] conflicting options: --scheduler only applies with --executor dask")
    overrides = {k: v for k, v in {
        "max_file_bytes": args.max_file_bytes,
        "max_decompressed_bytes": args.max_decompressed_bytes,
        "max_page_bytes": args.max_page_bytes,
        "max_depth": args.max_depth,
    }.items() if v is not None}
    check_run_arguments(args, overrides)
    from .config import load_config

    options = Options(tag_entities=not args.no_entities, config=load_config(args.config), **overrides)
    if options.config and not args.quiet:
        console.print(f"config: {options.config.describe()}", highlight=False)
    progress = Progress(TextColumn("[bold]cleanhealth"), BarColumn(), MofNCompleteColumn(),
                        TextColumn("files"), TimeElapsedColumn(), console=console,
                        disable=args.quiet, transient=False)
    task_id = progress.add_task("run", total=None)
    with progress:
        result = run(
            args.input, args.out, options, workers=args.workers, executor=args.executor,
            scheduler=args.scheduler, shard_files=args.shard_files or DEFAULT_SHARD_FILES,
            page_timeout=args.page_timeout or DEFAULT_PAGE_TIMEOUT,
            on_plan=lambda n: progress.update(task_id, total=n),
            on_progress=lambda s: progress.advance(task_id, s.files),
        )
    if not args.quiet:
        console.print(summary_table(result))
    return EXIT_OK


# libxml2 stops parsing at this depth even with huge_tree (see read.HUGE_DEPTH_CAP).
MAX_DEPTH_CEILING = 2048


def check_run_arguments(args: argparse.Namespace, limits: dict[str, int]) -> None:
    """Refuse inputs and numeric options that cannot work, with one line saying why.

    Checked before the progress bar starts so that a mistake prints only its error.
    """
    if not args.input.exists():
        raise CleanhealthError(Errors.E301.format(path=args.input))
    if (args.input / ".cleanhealth").is_dir():
        raise CleanhealthError(Errors.E313.format(path=args.input))
    if args.out.resolve() == args.input.resolve():
        raise CleanhealthError(Errors.E306.format(
            detail="--out is the input folder; write the dataset to a folder of its own"))
    for name, value in limits.items():
        if value < 1:
            raise CleanhealthError(Errors.E312.format(option="--" + name.replace("_", "-"),
                                                      rule="a positive number", value=value))
    if limits.get("max_depth", 0) > MAX_DEPTH_CEILING:
        raise CleanhealthError(Errors.E312.format(option="--max-depth", value=limits["max_depth"],
                                                  rule=f"at most {MAX_DEPTH_CEILING} (libxml2's limit)"))
    from .run import check_run_values

    check_run_values(getattr(args, "workers", None), getattr(args, "shard_files", None),
                     getattr(args, "page_timeout", None))


def summary_table(result) -> Table:
    counts = result.counts
    table = Table(title=f"cleanhealth run {result.run_id} → {result.out}", show_header=True)
    table.add_column("what")
    table.add_column("count", justify="right")

    def group(prefix: str, title: str) -> None:
        items = sorted((k[len(prefix):], v) for k, v in counts.items() if k.startswith(prefix))
        for key, value in items:
            table.add_row(f"{title}: {key}", f"{value:,}")

    table.add_row("input files", f"{result.files:,}")
    table.add_row("pages", f"{counts.get('pages', 0):,}")
    group("status.", "status")
    group("format.", "format")
    table.add_row("characters kept", f"{counts.get('chars_kept', 0):,}")
    table.add_row("characters removed", f"{counts.get('chars_removed', 0):,}")
    group("reason.", "removed")
    table.add_row("duplicate pages (exact or near)", f"{counts.get('duplicates', 0):,}")
    table.add_row("sections", f"{counts.get('sections', 0):,}")
    table.add_row("entities", f"{counts.get('entities', 0):,}")
    group("label.", "entities")
    table.add_row("shards (reused)", f"{result.shards:,} ({result.reused_shards:,})")
    table.add_row("time", f"{result.seconds:.1f} s")
    return table


def add_inspection_commands(sub) -> None:
    """`explain`, `report` and `stats`: look at what the pipeline did (issue 8)."""
    explain = sub.add_parser("explain", help="show one page as the pipeline saw it",
                             description="Run the pipeline on one page file and print it in reading "
                             "order: kept text with section numbers and entities, and every removed "
                             "span struck through with its reason and stage.")
    explain.add_argument("page", type=Path, help="one saved page (HTML, text dump, gzip, JSON lines, WARC)")
    explain.add_argument("--html", type=Path, default=None, metavar="FILE",
                         help="also write the explanation as a self-contained HTML page")
    explain.add_argument("--config", type=Path, default=None,
                         help="config file (default: ./cleanhealth.toml if present)")
    explain.add_argument("--record", type=int, default=0,
                         help="which page of a JSON-lines or WARC file (default 0, the first)")
    explain.add_argument("--no-entities", action="store_true", help="skip entity tagging")
    explain.set_defaults(func=cmd_explain)
    report = sub.add_parser("report", help="write an HTML report of a dataset, with plots",
                            description="Write one self-contained HTML file summarising a dataset: "
                            "pages by status, format, language and site; text removed by reason and "
                            "site; sections per page; entities; flags. Plots need cleanhealth[report].")
    report.add_argument("output", type=Path, help="a folder written by `cleanhealth run`")
    report.add_argument("--out", type=Path, default=Path("report.html"),
                        help="where to write the report (default: report.html)")
    report.set_defaults(func=cmd_report)
    stats = sub.add_parser("stats", help="print a summary of a dataset without loading its text",
                           description="Print pages by status, format, language and site, removed "
                           "spans by reason, entities by label and flags, reading only small columns.")
    stats.add_argument("output", type=Path, help="a folder written by `cleanhealth run`")
    stats.set_defaults(func=cmd_stats)


def cmd_explain(args: argparse.Namespace, console: Console) -> int:
    from .config import load_config
    from .explain import explain_file, render_console, write_html

    config = load_config(args.config)
    exp = explain_file(args.page, config, record=args.record, tag_entities=not args.no_entities)
    render_console(exp, console)
    if args.html:
        console.print(f"wrote {write_html(exp, args.html)}", highlight=False)
    return EXIT_OK


def cmd_report(args: argparse.Namespace, console: Console) -> int:
    from .report import write_report

    console.print(f"wrote {write_report(args.output, args.out)}", highlight=False)
    return EXIT_OK


def cmd_stats(args: argparse.Namespace, console: Console) -> int:
    from .stats import dataset_stats, render_stats

    render_stats(dataset_stats(args.output), console)
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    console = Console(stderr=False)
    try:
        return args.func(args, console)
    except CleanhealthError as err:
        Console(stderr=True).print(f"[bold red]cleanhealth: error:[/] {err}", highlight=False,
                                   soft_wrap=True)  # one line, whatever the terminal width
        return EXIT_USAGE
    except KeyboardInterrupt:
        Console(stderr=True).print("cleanhealth: interrupted; the previous output is untouched")
        return 130


if __name__ == "__main__":
    sys.exit(main())
