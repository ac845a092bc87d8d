"""Check that tests/data/page_expectations.json agrees with the pages in raw/pages/.

Why: the expectations are hand-written, and the pages will be edited over time. A
string that no longer occurs verbatim in a page's visible text would make an
extraction test pass or fail for the wrong reason, so this script (and
tests/test_page_expectations.py, which calls it) keeps the two consistent.

"Visible text" here is the <body> text as BeautifulSoup sees it, with <script>,
<style>, <template> and <noscript> dropped and whitespace folded. Hidden elements
(display:none, aria-hidden, hidden) are deliberately *included*: they are in the
markup a scraper sees, and the expectations list them under reason "hidden".
A string must occur both when inline elements are joined with "" and with " ", so
that it never straddles a tag boundary in a way an extractor could render either way
(e.g. "see <a>doctor</a>." gives "see doctor ." with a separator).

Run: python tests/data/check_expectations.py  (exit status 1 on any problem)
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from bs4 import BeautifulSoup

from cleanhealth.reasons import REASONS

ROOT = Path(__file__).resolve().parents[2]
PAGES = ROOT / "raw" / "pages"
EXPECTATIONS = ROOT / "tests" / "data" / "page_expectations.json"

MIN_MUST_STAY = 5  # enough article evidence per page: first/last sentence, list item, table cell
MAX_MUST_STAY = 10  # more makes the file hard to keep up to date by hand
MAX_WORDS = 20  # longer strings break on harmless punctuation or wording differences

_WS = re.compile(r"\s+")
_DROP_TAGS = ("script", "style", "template", "noscript")


def fold(text: str) -> str:
    """Collapse every whitespace run (including NBSP) to one space and strip."""
    return _WS.sub(" ", text).strip()


def visible_texts(path: Path) -> tuple[str, str]:
    """Body text of the page joined with "" and with " " between elements, folded."""
    soup = BeautifulSoup(path.read_bytes(), "lxml")
    for tag in soup(_DROP_TAGS):
        tag.decompose()
    body = soup.body or soup
    return fold(body.get_text("")), fold(body.get_text(" "))


def check(expectations: dict, pages_dir: Path = PAGES) -> list[str]:
    """Return a list of human-readable problems (empty when consistent)."""
    problems: list[str] = []
    pages = {p.name for p in pages_dir.glob("*.html")}
    for name in sorted(pages - set(expectations)):
        problems.append(f"{name}: page has no expectations")
    for name, exp in sorted(expectations.items()):
        if name not in pages:
            problems.append(f"{name}: expectations for a page that does not exist")
            continue
        plain, spaced = visible_texts(pages_dir / name)

        def occurs(s: str) -> bool:
            return s in plain and s in spaced

        title = exp.get("title", "")
        if not title or not occurs(title):
            problems.append(f"{name}: title not in visible text: {title!r}")
        stay = exp.get("must_stay", [])
        if not MIN_MUST_STAY <= len(stay) <= MAX_MUST_STAY:
            problems.append(f"{name}: {len(stay)} must_stay strings (want {MIN_MUST_STAY}-{MAX_MUST_STAY})")
        go = exp.get("must_go", [])
        if not go:
            problems.append(f"{name}: no must_go strings")
        for s in stay:
            if not occurs(s):
                problems.append(f"{name}: must_stay not in visible text: {s!r}")
            if len(s.split()) > MAX_WORDS:
                problems.append(f"{name}: must_stay too long: {s!r}")
        for item in go:
            s, reason = item.get("text", ""), item.get("reason", "")
            if reason not in REASONS:
                problems.append(f"{name}: unknown reason {reason!r} for {s!r}")
            if not occurs(s):
                problems.append(f"{name}: must_go not in visible text: {s!r}")
            if len(s.split()) > MAX_WORDS:
                problems.append(f"{name}: must_go too long: {s!r}")
            for keep in stay + [title]:
                if s in keep or keep in s:
                    problems.append(f"{name}: must_go {s!r} overlaps must_stay/title {keep!r}")
    return problems


def main() -> int:
    expectations = json.loads(EXPECTATIONS.read_text(encoding="utf-8"))
    problems = check(expectations)
    for p in problems:
        print(p)
    n_stay = sum(len(e["must_stay"]) for e in expectations.values())
    n_go = sum(len(e["must_go"]) for e in expectations.values())
    print(f"{len(expectations)} pages, {n_stay} must_stay, {n_go} must_go, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
