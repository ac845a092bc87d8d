"""`python -m cleanhealth.evaluate <subcommand>`: quality figures on ../shared/bench.

Each subcommand is a module of this package with `add_arguments(parser)` and
`run(args) -> int`; register new ones in SUBCOMMANDS (e.g. 'html', 'entities').
"""

from __future__ import annotations

import argparse
import importlib
import sys

# subcommand -> (module under cleanhealth.evaluate, one-line help)
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "text": ("text", "text-dump cleaner on the .scrape.txt files, beside 'no cleaning'"),
    "entities": ("entities", "entity tagger on the labelled dev set, traps and negation probe"),
    "html": ("html", "HTML extraction beside plain trafilatura (default and favor_precision) on the bench HTML"),
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m cleanhealth.evaluate", description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="command", required=True)
    modules = {}
    for name, (module, help_text) in SUBCOMMANDS.items():
        mod = importlib.import_module(f"{__package__}.{module}")
        modules[name] = mod
        mod.add_arguments(sub.add_parser(name, help=help_text, description=help_text))
    args = ap.parse_args(argv)
    return int(modules[args.command].run(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
